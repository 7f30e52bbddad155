// Structure-aware libFuzzer target for the input of a migration link as the SOURCE sees it (docs/slots.md):
// a real codis-server on the simulator's World runs SLOTSMGRT{ONE,TAGONE,SLOT,TAGSLOT} and their -ASYNC forms
// (small random timeouts, maxbulks, maxbytes and numkeys) to a fake target, a simulated process listening at
// target:7002 that reads whatever the source sends and answers with bytes the input chooses: the correct
// reply to the next unanswered request (+OK, +PONG, a SLOTSSTATE array, :1 for CLIENT KILL, a
// SLOTSRESTORE-ASYNC-ACK with errno 0), or canned replies (errors, integers, nil, ACKs with errno -1, garbage
// errnos, wrong names, arities and element types, RESP3 attributes and pushes), raw bytes, a reply cut in two
// around a time advance, a close of the connection, or nothing at all until the timeouts fire. Meanwhile
// virtual time moves and two more clients of the source write the moving keys (GET/SET/INCR) and ask
// SLOTSMGRT-ASYNC-STATUS/-FENCE/-CANCEL.
//
// Oracles: no crash (ASan/UBSan clean); no hang (the run is bounded in virtual time and in events); every
// command of every client of the source gets exactly one reply, which parses, has the command's shape, and
// for the migrations is an error or a moved count. Keys are watched after every event of the world:
// - SAFETY: a key leaves the source only while in flight, and only if the fake target acknowledged a whole
//   stream of it carrying the value it had (sync: the SLOTSRESTORE naming it got +OK; async: its `del` and
//   every later message of it, up to its `object` or final `expire`, got an array [SLOTSRESTORE-ASYNC-ACK, 0,
//   ...] of (bulk or simple) strings), with no TTL; replies are paired with requests by position, as the link
//   pairs them. Also, the keys that left add up to the moved counts the migrations answered (a failed or
//   cancelled batch deletes nothing).
// - A key that is not moved keeps its value: its values change exactly as the writer's acknowledged SETs
//   and INCRs say, never while it is in flight; a TRYAGAIN means the key was in flight meanwhile; GET
//   answers a value the key had, or nil.
// - At the end (the fake target closes every connection and refuses new ones): no key in flight, no batch.
//
// Input format: byte 0 is the configuration: bit 0 requirepass "pw" (the link sends AUTH), bit 1 the
// clients and the keys use db 1 (the link sends SELECT 1), bits 2-3 the network's largest segment
// (64 KiB, 1, 3 or 17 bytes: replies arrive split at every point), bit 4 the target answers SLOTSSTATE like
// codis-cpp (stamps are sent) instead of with an error like Codis, bit 5 the target starts eager (it answers
// each request correctly as it arrives; op 95-99 toggles). Then steps (a step that runs out of bytes ends the
// program), each an op byte; "the connection" is the fake target's newest open one, or its oldest when the
// op's next byte has bit 7 set:
//   op < 40:   a byte b: answer the next (b % 8 + 1) requests correctly (b >= 0xf0: all of them), on the
//              oldest connection when bit 6 is set.
//   op < 70:   a byte b (bit 7: oldest): write canned reply kReplies[b % N].
//   op < 80:   a byte b (bit 7: oldest), a byte c: write the first c % len bytes of canned reply b % N now,
//              hold the rest until op < 85 (or any answer) releases it.
//   op < 85:   release the held bytes.
//   op < 90:   a byte b (bit 7: oldest), a length byte n % 32, then n raw bytes.
//   op < 95:   a byte b (bit 7: oldest): close the connection (bit 0: shut down writing only).
//   op < 100:  toggle eager answering.
//   op < 140:  advance virtual time by kAdvance[b % 8].
//   op < 180:  a migration: a form byte f (kForms[f % 8]; bit 3 picks the second async caller; f >= 0xf8
//              port 7003, where nothing listens), a timeout byte, a maxbulks byte, a maxbytes byte, a key or
//              slot byte, and for the -ASYNC forms by key a count byte (1-3 keys) and their bytes, for the
//              -ASYNC slot forms a numkeys byte.
//   op < 240:  the writer: a byte b: GET, SET (a value unique to the step) or INCR (b % 3) on kWritten[b /
//   3]. else:      the admin client: SLOTSMGRT-ASYNC-STATUS, -FENCE or -CANCEL (b % 3).
// After every step the world runs 1 ms more. Environment: CODIS_FUZZ_TRACE=1 prints each step, what the
// target reads and writes, and every reply; CODIS_FUZZ_PLANT=bug[,bug] plants codis-sim's deliberate bugs
// (mgrt-delete-before-ack, mgrt-async-end-before-acks, ...) to show the oracles catch them.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cmd/slot.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "resp/reply_parser.h"
#include "resp/request_parser.h"
#include "rt/net.h"
#include "server/families/dump_value.h"
#include "server/rdb/decoder.h"
#include "server/server.h"
#include "sim/process.h"
#include "sim/workloads/server_proc.h"
#include "sim/world.h"

namespace {

using codis::fuzz::printable;
using codis::fuzz::Reader;
using codis::fuzz::trace;

using codis::resp::Kind;
using codis::resp::Value;
using codis::server::rdb::DumpValue;
using codis::server::rdb::ValueType;
namespace rt = codis::rt;
namespace sim = codis::sim;

constexpr size_t kMaxSteps = 300;
constexpr uint64_t kMaxEvents = 3'000'000;  // a livelock at one virtual instant ends the run, not the fuzzer
constexpr uint16_t kTargetPort = 7002;

// The keys on the source: strings the writer changes, and containers it never touches (the async forms
// send the containers in chunks when maxbulks is small). The {t} keys share a slot and a tag.
struct KeySpec {
  std::string_view name;
  ValueType type;
  bool written;
};
constexpr KeySpec kKeys[] = {{"a", ValueType::kString, true},      {"b", ValueType::kString, true},
                             {"{t}1", ValueType::kString, true},   {"{t}2", ValueType::kString, true},
                             {"{t}list", ValueType::kList, false}, {"{t}hash", ValueType::kHash, false},
                             {"{t}set", ValueType::kSet, false},   {"{t}zset", ValueType::kZSet, false},
                             {"{u}list", ValueType::kList, false}, {"c", ValueType::kString, false}};
constexpr size_t kNumKeys = std::size(kKeys);
constexpr size_t kWritten[] = {0, 1, 2, 3};
// Slots for the slot forms: the {t} keys', a's, an empty one.
const uint32_t kSlotChoices[] = {codis::cmd::slot_of("{t}"), codis::cmd::slot_of("a"),
                                 codis::cmd::slot_of("{u}"), 0};

enum class Form : uint8_t {
  kOne,
  kTagOne,
  kSlot,
  kTagSlot,
  kOneAsync,
  kTagOneAsync,
  kSlotAsync,
  kTagSlotAsync
};
constexpr std::string_view kFormNames[] = {
    "SLOTSMGRTONE",       "SLOTSMGRTTAGONE",       "SLOTSMGRTSLOT",       "SLOTSMGRTTAGSLOT",
    "SLOTSMGRTONE-ASYNC", "SLOTSMGRTTAGONE-ASYNC", "SLOTSMGRTSLOT-ASYNC", "SLOTSMGRTTAGSLOT-ASYNC"};
constexpr std::string_view kSyncTimeouts[] = {"0", "5", "20", "200"};                            // 0: 100 ms
constexpr std::string_view kAsyncTimeouts[] = {"5", "20", "200", "1000", "0", "50", "10", "3"};  // 0: 30 s
constexpr std::string_view kMaxBulks[] = {"1", "2", "3", "0", "5", "1", "2", "100"};
constexpr std::string_view kMaxBytes[] = {"1", "60", "300", "0", "2000", "1", "150", "100000"};
constexpr std::string_view kNumKeysArg[] = {"1", "2", "3", "0"};
constexpr rt::Duration kAdvance[] = {rt::microseconds(200),  rt::milliseconds(1),  rt::milliseconds(3),
                                     rt::milliseconds(10),   rt::milliseconds(50), rt::milliseconds(150),
                                     rt::milliseconds(1100), rt::seconds(31)};

std::string ack(std::string_view errno_field, std::string_view msg) {
  return "*3\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n$" + std::to_string(errno_field.size()) + "\r\n" +
         std::string(errno_field) + "\r\n$" + std::to_string(msg.size()) + "\r\n" + std::string(msg) + "\r\n";
}
const std::string kGoodAck = ack("0", "1");
const std::string kStateArray = "*1\r\n*4\r\n:0\r\n$5\r\nowned\r\n$0\r\n\r\n:1\r\n";

// Canned replies: what a target (a good one, Codis's, a broken one) might write.
const std::vector<std::string>& canned() {
  static const std::vector<std::string> r = {
      "+OK\r\n",
      "-ERR boom\r\n",
      "+PONG\r\n",
      ":1\r\n",
      ":0\r\n",
      "*0\r\n",
      "$-1\r\n",
      kGoodAck,
      ack("-1", "refused"),
      ack("1", "x"),
      ack("abc", "x"),
      ack("", "x"),
      ack("00", "x"),
      ack("-0", "x"),
      "*2\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n$1\r\n0\r\n",                        // two elements
      "*4\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n1\r\n",  // four
      "*3\r\n$22\r\nslotsrestore-async-ack\r\n$1\r\n0\r\n$1\r\n1\r\n",             // lower case
      "*3\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n:0\r\n$1\r\n1\r\n",                  // errno integer
      "*3\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n-0\r\n$1\r\n1\r\n",                  // errno an error
      "*3\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n(0\r\n$1\r\n1\r\n",                  // errno a big number
      ">3\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n$1\r\n0\r\n$1\r\n1\r\n",             // a push
      "*3\r\n+SLOTSRESTORE-ASYNC-ACK\r\n+0\r\n+1\r\n",                             // simple strings
      "|1\r\n+a\r\n+b\r\n" + kGoodAck,                                             // attribute first
      "*3\r\n$-1\r\n$-1\r\n$-1\r\n",
      "-ERR\r\n",
      "$2\r\nOK\r\n",
      "_\r\n",
      kStateArray,
      "-NOAUTH Authentication required.\r\n",
      ack("0 ", "x"),
      "*3\r\n*1\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n$1\r\n0\r\n$1\r\n1\r\n",  // nested name
      "-SLOTSRESTORE-ASYNC-ACK 0\r\n",
      kGoodAck + kGoodAck,
      "+OK\r\n+OK\r\n",
      "*3\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n=5\r\ntxt:0\r\n$1\r\n1\r\n",  // errno verbatim
      "*3\r\n$22\r\nSLOTSRESTORE-ASYNC-ACK\r\n$1\r\n0\r\n*-1\r\n",          // nil message
  };
  return r;
}

std::string upper(std::string_view v) {
  std::string s(v);
  for (char& ch : s) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
  return s;
}

// Replies parsed from the front of `bytes`, up to the first incomplete or malformed one (a source's link
// reads the same prefix, whatever the segmentation).
std::vector<Value> parse_replies(std::string_view bytes) {
  std::vector<Value> out;
  codis::resp::ReplyParser p;
  size_t at = 0;
  for (;;) {
    Value v;
    const auto r = p.parse(bytes.substr(at), v);
    at += r.consumed;
    if (!r.ok()) return out;
    out.push_back(std::move(v));
  }
}

// One side of a simulated connection: everything read and written, and a writer that never has two
// writes outstanding (the stream contract).
struct Pipe {
  rt::StreamPtr s;
  std::string in;       // every byte read
  std::string written;  // every byte handed to the writer
  std::string outbox;
  std::string held;  // a reply's tail the input holds back
  bool writing = false;
  bool closed = false;  // nothing more is written (closed, or its writing side shut down)
  bool gone = false;    // closed both ways
  bool eof = false;
  // The fake target's view of the requests, parsed as they come.
  codis::resp::RequestParser req_parser;
  size_t req_at = 0;
  std::vector<std::vector<std::string>> requests;
  size_t reply_at = 0;  // a client's: where its next reply starts in `in`
  // The fake target's count of whole replies in `written`, kept as it grows (answering must not re-parse
  // everything written for every reply: long eager runs would be quadratic).
  codis::resp::ReplyParser written_parser;
  size_t written_at = 0;
  size_t replies_written = 0;
  bool written_broken = false;
};
using PipePtr = std::shared_ptr<Pipe>;

rt::Task<void> write_loop(PipePtr p) {
  while (!p->outbox.empty() && !p->closed) {
    std::string chunk;
    chunk.swap(p->outbox);
    if (auto r = co_await rt::write_all(*p->s, chunk); !r.ok()) break;
  }
  p->writing = false;
}

// What a client of the source sent and what the reply must look like.
enum class Cmd : uint8_t { kSetup, kGet, kSet, kIncr, kStatus, kFence, kCancel, kMigrate };
struct Sent {
  explicit Sent(Cmd c, size_t k = 0, std::string v = {}) : cmd(c), key(k), value(std::move(v)) {}
  Cmd cmd;
  size_t key = 0;
  std::string value;  // SET's
  Form form = Form::kOne;
  uint64_t event = 0;  // the world's event count when it was sent
};

struct KeyTrack {
  bool exists = false;
  bool in_flight = false;
  std::string value;                  // strings: the current value
  uint64_t last_in_flight = 0;        // the last event after which it was in flight
  std::vector<std::string> seen;      // strings: every value it had (GET answers one)
  std::vector<std::string> changes;   // strings: each new value, in order (re-creations included)
  std::vector<std::string> expected;  // strings: the value each acknowledged write left, in order
  std::vector<DumpValue> deleted;     // the value it had each time it left the source
};

DumpValue normalized(DumpValue v) {
  std::sort(v.fields.begin(), v.fields.end());
  std::sort(v.zmembers.begin(), v.zmembers.end());
  if (v.type == ValueType::kSet) std::sort(v.elems.begin(), v.elems.end());
  return v;
}

class Run {
 public:
  explicit Run(uint8_t conf) {
    password_ = (conf & 1) != 0;
    db_ = (conf & 2) != 0 ? 1 : 0;
    codis_cpp_ = (conf & 16) != 0;
    eager_ = (conf & 32) != 0;
    sim::WorldOptions o;
    o.seed = 1;
    if (const char* plant = std::getenv("CODIS_FUZZ_PLANT"); plant != nullptr) {
      for (std::string_view rest = plant; !rest.empty();) {
        const size_t comma = std::min(rest.find(','), rest.size());
        o.planted.emplace(rest.substr(0, comma));
        rest.remove_prefix(std::min(comma + 1, rest.size()));
      }
    }
    o.net.latency_min = rt::microseconds(50);
    o.net.latency_max = rt::microseconds(300);
    o.net.tail_chance = 0;
    constexpr size_t kSegments[] = {64 * 1024, 1, 3, 17};
    o.net.max_segment = kSegments[(conf >> 2) & 3];
    world_ = std::make_unique<sim::World>(std::move(o));
    sim::add_server_on(*world_, "source", slot_, [this](codis::server::Config& c) {
      if (password_) c.requirepass = "pw";
    });
    auto& th = world_->add_host("target");
    target_ =
        &world_->add_process(th, "fake-target", [this](rt::Env& env) { return target_main(env, this); });
    target_->start();
    auto& ch = world_->add_host("clients");
    clients_proc_ = &world_->add_process(ch, "clients", [](rt::Env&) -> rt::Task<void> { co_return; });
    clients_proc_->start();
    run_for(rt::milliseconds(5));
    FUZZ_CHECK(slot_.server != nullptr);
    for (auto& c : clients_) {
      c = std::make_shared<Pipe>();
      clients_proc_->spawn(connect_client(clients_proc_->env(), this, c));
    }
    run_for(rt::milliseconds(5));
    for (size_t i = 0; i < clients_.size(); ++i) {
      FUZZ_CHECK(clients_[i]->s != nullptr);
      if (password_) command(i, {"AUTH", "pw"}, Sent{Cmd::kSetup});
      if (db_ != 0) command(i, {"SELECT", "1"}, Sent{Cmd::kSetup});
    }
    auto fill = [&](std::vector<std::string> argv) { command(kWriter, argv, Sent{Cmd::kSetup}); };
    fill({"SET", "a", "1"});
    fill({"SET", "b", "2"});
    fill({"SET", "{t}1", "3"});
    fill({"SET", "{t}2", "4"});
    fill({"SET", "c", "5"});
    std::vector<std::string> l = {"RPUSH", "{t}list"}, h = {"HSET", "{t}hash"}, s = {"SADD", "{t}set"},
                             z = {"ZADD", "{t}zset"}, u = {"RPUSH", "{u}list"};
    for (int i = 0; i < 9; ++i) {
      const std::string e = "e" + std::to_string(i);
      l.push_back(e);
      u.push_back(std::to_string(i * 7));
      h.insert(h.end(), {e, "v" + std::to_string(i)});
      s.push_back(e);
      z.insert(z.end(), {std::to_string(i) + ".5", e});
    }
    for (auto* v : {&l, &h, &s, &z, &u}) fill(*v);
    run_for(rt::milliseconds(5));
    FUZZ_CHECK(setup_left_ == 0);
    // The initial values, read back through DUMP's encoder and decoder (what the target must get).
    for (size_t i = 0; i < kNumKeys; ++i) {
      const codis::server::Entry* e = slot_.server->db(db_).peek(kKeys[i].name, 0);
      FUZZ_CHECK(e != nullptr);
      std::string payload;
      FUZZ_CHECK(codis::server::dump_payload(e->value, &payload, false).ok());
      auto d = codis::server::rdb::decode_dump_payload(payload);
      FUZZ_CHECK(d.ok());
      initial_[i] = normalized(std::move(d->value));
    }
    poll();
  }

  ~Run() {
    // Streams go before the world (their connections live in its network).
    for (auto& c : clients_) c.reset();
    conns_.clear();
  }

  // --- the fake target ---

  static rt::Task<void> target_main(rt::Env& env, Run* run) {
    auto l = env.net.listen(rt::Endpoint("0.0.0.0", kTargetPort));
    FUZZ_CHECK(l.ok());
    for (;;) {
      auto s = co_await (*l)->accept();
      if (!s.ok()) co_return;
      auto p = std::make_shared<Pipe>();
      p->s = std::move(*s);
      run->conns_.push_back(p);
      if (run->draining_) {
        run->close(*p, false);
        continue;
      }
      run->target_->spawn(read_loop(p, run, -1));
    }
  }

  // Reads a pipe until it ends; `client` is the client's index, or -1 for a fake target's connection.
  static rt::Task<void> read_loop(PipePtr p, Run* run, int client) {
    std::array<char, 4096> buf;
    for (;;) {
      auto n = co_await p->s->read(std::span<char>(buf.data(), buf.size()));
      if (!n.ok() || *n == 0) {
        p->eof = true;
        co_return;
      }
      p->in.append(buf.data(), *n);
      if (client < 0) {
        run->on_request_bytes(*p);
      } else {
        run->on_reply_bytes(static_cast<size_t>(client), *p);
      }
    }
  }

  void on_request_bytes(Pipe& p) {
    for (;;) {
      const auto r = p.req_parser.parse(std::string_view(p.in).substr(p.req_at));
      p.req_at += r.consumed;
      if (!r.ok()) break;
      const auto args = p.req_parser.args();
      p.requests.emplace_back(args.begin(), args.end());
      if (trace()) {
        std::string line;
        for (const auto& a : p.requests.back()) line += " " + printable(a, 40);
        std::fprintf(stderr, "  target reads #%zu:%s\n", p.requests.size() - 1, line.c_str());
      }
    }
    if (eager_) answer(p, SIZE_MAX);
  }

  void send(Pipe& p, std::string_view bytes) {
    if (p.closed || bytes.empty()) return;
    if (trace()) std::fprintf(stderr, "  target writes %s\n", printable(bytes).c_str());
    p.written.append(bytes);
    while (!p.written_broken) {
      Value v;
      const auto r = p.written_parser.parse(std::string_view(p.written).substr(p.written_at), v);
      p.written_at += r.consumed;
      if (!r.ok()) {
        p.written_broken = r.error();
        break;
      }
      ++p.replies_written;
    }
    p.outbox.append(bytes);
    if (!p.writing) {
      p.writing = true;
      // The pipe is owned by conns_; find its shared_ptr for the task.
      for (auto& c : conns_) {
        if (c.get() == &p) target_->spawn(write_loop(c));
      }
    }
  }

  void release(Pipe& p) {
    std::string h;
    h.swap(p.held);
    send(p, h);
  }

  // The correct reply to a request, as a codis-cpp target (or, for SLOTSSTATE, Codis's) would write it.
  std::string correct(const std::vector<std::string>& req) const {
    const std::string name = req.empty() ? "" : upper(req[0]);
    if (name == "AUTH" || name == "SELECT" || name == "SLOTSRESTORE") return "+OK\r\n";
    if (name == "PING") return "+PONG\r\n";
    if (name == "SLOTSSTATE") return codis_cpp_ ? kStateArray : "-ERR unknown command 'SLOTSSTATE'\r\n";
    if (name == "CLIENT") return ":1\r\n";
    if (name == "SLOTSRESTORE-ASYNC") return kGoodAck;
    return "-ERR unknown command\r\n";
  }

  // Answers up to n requests not answered yet (by position: the replies already written count).
  void answer(Pipe& p, size_t n) {
    release(p);
    for (size_t i = 0; i < n; ++i) {
      const size_t next = p.replies_written;
      if (p.closed || p.written_broken || next >= p.requests.size()) return;
      send(p, correct(p.requests[next]));
      // After raw bytes a reply may only complete something earlier (an array's elements): one at a time.
      if (p.replies_written == next) return;
    }
  }

  void close(Pipe& p, bool write_side_only) {
    if (p.gone || (p.closed && write_side_only)) return;
    if (trace()) std::fprintf(stderr, "  target closes%s\n", write_side_only ? " its writing side" : "");
    if (write_side_only) {
      p.s->shutdown_write();
    } else {
      p.s->close();
      p.gone = true;
    }
    p.closed = true;
  }

  // The newest (or oldest) open connection of the fake target.
  Pipe* pick(bool oldest) {
    Pipe* found = nullptr;
    for (auto& c : conns_) {
      if (c->closed) continue;
      if (found == nullptr || !oldest) found = c.get();
      if (oldest) break;
    }
    return found;
  }

  // --- the source's clients ---

  static rt::Task<void> connect_client(rt::Env& env, Run* run, PipePtr p) {
    auto s = co_await env.net.connect(rt::Endpoint("source", sim::kServerPort), rt::seconds(1));
    if (!s.ok()) co_return;
    p->s = std::move(*s);
    size_t index = 0;
    for (size_t i = 0; i < run->clients_.size(); ++i) {
      if (run->clients_[i] == p) index = i;
    }
    run->clients_proc_->spawn(read_loop(p, run, static_cast<int>(index)));
  }

  void command(size_t client, const std::vector<std::string>& argv, Sent sent) {
    Pipe& p = *clients_[client];
    sent.event = events_;
    if (sent.cmd == Cmd::kSetup) ++setup_left_;
    pending_[client].push_back(std::move(sent));
    std::vector<std::string_view> views(argv.begin(), argv.end());
    std::string bytes;
    codis::resp::append_command(views, bytes);
    if (trace()) {
      std::string line;
      for (const auto& a : argv) line += " " + printable(a, 40);
      std::fprintf(stderr, "  client %zu sends%s\n", client, line.c_str());
    }
    p.outbox.append(bytes);
    if (!p.writing) {
      p.writing = true;
      clients_proc_->spawn(write_loop(clients_[client]));
    }
  }

  void on_reply_bytes(size_t client, Pipe& p) {
    for (;;) {
      Value v;
      const auto r = reply_parser_[client].parse(std::string_view(p.in).substr(p.reply_at), v);
      p.reply_at += r.consumed;
      if (r.error()) std::fprintf(stderr, "client %zu got bad bytes: %s\n", client, printable(p.in).c_str());
      FUZZ_CHECK(!r.error());
      if (!r.ok()) return;
      if (pending_[client].empty()) std::fprintf(stderr, "client %zu: a reply to nothing\n", client);
      FUZZ_CHECK(!pending_[client].empty());
      Sent sent = std::move(pending_[client].front());
      pending_[client].pop_front();
      check_reply(client, sent, v);
    }
  }

  static bool is_tryagain(const Value& v) { return v.kind == Kind::kError && v.str.starts_with("TRYAGAIN "); }

  void check_reply(size_t client, const Sent& sent, const Value& v) {
    if (trace()) std::fprintf(stderr, "  client %zu gets %s\n", client, sim::describe(v).c_str());
    auto fail = [&](const char* what) {
      std::fprintf(stderr, "client %zu: %s: %s\n", client, what, sim::describe(v).c_str());
      FUZZ_CHECK(false);
    };
    switch (sent.cmd) {
      case Cmd::kSetup:
        if (v.is_error()) fail("setup failed");
        --setup_left_;
        break;
      case Cmd::kGet: {
        KeyTrack& k = keys_[sent.key];
        if (!v.is_null() &&
            (v.kind != Kind::kBulkString || std::find(k.seen.begin(), k.seen.end(), v.str) == k.seen.end())) {
          fail("GET answered a value the key never had");
        }
        break;
      }
      case Cmd::kSet:
      case Cmd::kIncr: {
        KeyTrack& k = keys_[sent.key];
        if (is_tryagain(v)) {
          // Refused: the key was in flight at some point after the command was sent.
          if (k.last_in_flight < sent.event) fail("TRYAGAIN for a key not in flight");
        } else if (sent.cmd == Cmd::kSet && v.kind == Kind::kSimpleString && v.str == "OK") {
          k.expected.push_back(sent.value);
        } else if (sent.cmd == Cmd::kIncr && v.kind == Kind::kInteger) {
          k.expected.push_back(std::to_string(v.num));
        } else {
          fail("a write got neither its result nor TRYAGAIN");
        }
        break;
      }
      case Cmd::kStatus:
        if (!v.is_null() && !(v.kind == Kind::kArray && v.elems.size() == 18)) fail("STATUS");
        break;
      case Cmd::kFence:
        break;  // +OK, or what the batch's caller gets: checked as a reply (it parsed)
      case Cmd::kCancel:
        if (v.kind != Kind::kInteger || (v.num != 0 && v.num != 1)) fail("CANCEL");
        break;
      case Cmd::kMigrate: {
        if (v.is_error()) break;  // the keys stay: what the deletions check sees
        const bool by_slot = sent.form == Form::kSlot || sent.form == Form::kTagSlot ||
                             sent.form == Form::kSlotAsync || sent.form == Form::kTagSlotAsync;
        int64_t moved = -1;
        if (by_slot && v.kind == Kind::kArray && v.elems.size() == 2 && v.elems[0].kind == Kind::kInteger &&
            v.elems[1].kind == Kind::kInteger && v.elems[1].num >= 0) {
          moved = v.elems[0].num;
        } else if (!by_slot && v.kind == Kind::kInteger) {
          moved = v.num;
        }
        if (moved < 0) fail("a migration's reply has the wrong shape");
        moved_ += static_cast<uint64_t>(moved);
        break;
      }
    }
  }

  // --- watching the keys, after every event ---

  void poll() {
    ++events_;
    FUZZ_CHECK(events_ < kMaxEvents);
    codis::server::Server* s = slot_.server;
    if (s == nullptr || !watching_) return;
    codis::server::Db& db = s->db(db_);
    for (size_t i = 0; i < kNumKeys; ++i) {
      KeyTrack& k = keys_[i];
      const codis::server::Entry* e = db.peek(kKeys[i].name, 0);
      const bool in_flight = s->migrations().in_flight(db_, kKeys[i].name);
      const bool string = kKeys[i].type == ValueType::kString;
      if (e == nullptr && k.exists) {
        // It left: only a migration deletes, and only keys it holds in flight.
        if (!k.in_flight)
          std::fprintf(stderr, "%s left the source without being in flight\n", kKeys[i].name.data());
        FUZZ_CHECK(k.in_flight);
        k.deleted.push_back(string ? DumpValue::string(k.value) : initial_[i]);
        ++deletions_;
        if (trace()) std::fprintf(stderr, "  %s left the source\n", kKeys[i].name.data());
      } else if (e != nullptr && string) {
        FUZZ_CHECK(e->value.type() == codis::server::ObjType::kString);
        const std::string_view now(e->value.str());
        if (!k.exists || now != k.value) {
          if (k.in_flight && in_flight) std::fprintf(stderr, "%s written in flight\n", kKeys[i].name.data());
          FUZZ_CHECK(!(k.in_flight && in_flight));
          k.value = std::string(now);
          k.changes.push_back(k.value);
          k.seen.push_back(k.value);
        }
      } else if (e != nullptr && !k.exists) {
        FUZZ_CHECK(false);  // containers are never written, so never come back
      }
      k.exists = e != nullptr;
      k.in_flight = in_flight;
      if (in_flight) k.last_in_flight = events_;
    }
  }

  void run_for(rt::Duration d) {
    const rt::MonoTime until = world_->now() + d;
    world_->run_until(
        [this] {
          poll();
          return false;
        },
        until);
    world_->run_until(until);  // the clock reaches `until` even when nothing was left to run
  }

  void start_watching() {
    watching_ = true;
    for (size_t i = 0; i < kNumKeys; ++i) {
      const codis::server::Entry* e = slot_.server->db(db_).peek(kKeys[i].name, 0);
      keys_[i].exists = true;
      if (kKeys[i].type == ValueType::kString) {
        keys_[i].value = std::string(e->value.str());
        keys_[i].seen.push_back(keys_[i].value);
      }
    }
  }

  // --- the steps ---

  void step(Reader& in, size_t index) {
    const uint8_t op = in.byte();
    if (op < 40) {
      const uint8_t b = in.byte();
      if (Pipe* p = pick((b & 0x40) != 0)) answer(*p, b >= 0xf0 ? SIZE_MAX : b % 8 + 1);
    } else if (op < 70) {
      const uint8_t b = in.byte();
      if (Pipe* p = pick(b >= 128)) send(*p, canned()[b % canned().size()]);
    } else if (op < 80) {
      const uint8_t b = in.byte(), c = in.byte();
      if (Pipe* p = pick(b >= 128)) {
        const std::string& r = canned()[b % canned().size()];
        const size_t cut = c % r.size();
        release(*p);
        send(*p, std::string_view(r).substr(0, cut));
        p->held = r.substr(cut);
      }
    } else if (op < 85) {
      for (auto& c : conns_) release(*c);
    } else if (op < 90) {
      const uint8_t b = in.byte();
      const std::string raw(in.bytes(in.byte() % 32));
      if (Pipe* p = pick(b >= 128)) send(*p, raw);
    } else if (op < 95) {
      const uint8_t b = in.byte();
      if (Pipe* p = pick(b >= 128)) close(*p, (b & 1) != 0);
    } else if (op < 100) {
      eager_ = !eager_;
      if (eager_) {
        for (auto& c : conns_) answer(*c, SIZE_MAX);
      }
    } else if (op < 140) {
      const rt::Duration d = kAdvance[in.byte() % std::size(kAdvance)];
      if (trace()) std::fprintf(stderr, "  advance %lld us\n", static_cast<long long>(d.count() / 1000));
      run_for(d);
    } else if (op < 180) {
      migrate(in);
    } else if (op < 240) {
      const uint8_t b = in.byte();
      const size_t key = kWritten[(b / 3) % std::size(kWritten)];
      const std::string name(kKeys[key].name);
      if (b % 3 == 0) {
        command(kWriter, {"GET", name}, Sent{Cmd::kGet, key});
      } else if (b % 3 == 1) {
        // Unique values: every acknowledged SET shows as a change of the key.
        const std::string v = std::to_string((index + 1) * 1000000);
        command(kWriter, {"SET", name, v}, Sent{Cmd::kSet, key, v});
      } else {
        command(kWriter, {"INCR", name}, Sent{Cmd::kIncr, key});
      }
    } else {
      const uint8_t b = in.byte();
      static constexpr std::string_view kAdmin[] = {"SLOTSMGRT-ASYNC-STATUS", "SLOTSMGRT-ASYNC-FENCE",
                                                    "SLOTSMGRT-ASYNC-CANCEL"};
      static constexpr Cmd kAdminCmd[] = {Cmd::kStatus, Cmd::kFence, Cmd::kCancel};
      // FENCE waits on a client of its own, so STATUS and CANCEL are not queued behind it.
      command(b % 3 == 1 ? kFenceClient : kAdminClient, {std::string(kAdmin[b % 3])}, Sent(kAdminCmd[b % 3]));
    }
    run_for(rt::milliseconds(1));
  }

  void migrate(Reader& in) {
    const uint8_t f = in.byte();
    const auto form = static_cast<Form>(f % 8);
    const bool async = f % 8 >= 4;
    const uint8_t t = in.byte(), mb = in.byte(), mx = in.byte(), what = in.byte();
    std::vector<std::string> argv = {std::string(kFormNames[f % 8]), "target",
                                     f >= 0xf8 ? "7003" : std::to_string(kTargetPort)};
    argv.emplace_back(async ? kAsyncTimeouts[t % std::size(kAsyncTimeouts)]
                            : kSyncTimeouts[t % std::size(kSyncTimeouts)]);
    if (async) {
      argv.emplace_back(kMaxBulks[mb % std::size(kMaxBulks)]);
      argv.emplace_back(kMaxBytes[mx % std::size(kMaxBytes)]);
    }
    const bool by_slot = form == Form::kSlot || form == Form::kTagSlot || form == Form::kSlotAsync ||
                         form == Form::kTagSlotAsync;
    if (by_slot) {
      argv.push_back(std::to_string(kSlotChoices[what % std::size(kSlotChoices)]));
      if (async) argv.emplace_back(kNumKeysArg[in.byte() % std::size(kNumKeysArg)]);
    } else {
      argv.emplace_back(kKeys[what % kNumKeys].name);
      if (async) {
        for (int n = in.byte() % 3; n > 0; --n) argv.emplace_back(kKeys[in.byte() % kNumKeys].name);
      }
    }
    const size_t client = !async ? kSyncCaller : (f & 8) != 0 ? kAsyncCaller2 : kAsyncCaller;
    Sent sent{Cmd::kMigrate};
    sent.form = form;
    command(client, argv, sent);
  }

  // --- the end ---

  void finish() {
    // First every link so far is cut and the fake target answers whatever comes next correctly, so that the
    // source deletes the copies a failed batch may have left (slots/cleanup.h keeps those keys in flight
    // until then, retrying with a backoff of up to 1 s and a timeout of up to 5 s).
    for (auto& c : conns_) close(*c, false);
    eager_ = true;
    run_for(rt::seconds(30));
    // Then it closes everything and refuses what comes: every wait of the source ends at once.
    draining_ = true;
    for (auto& c : conns_) close(*c, false);
    run_for(rt::seconds(2));
    for (size_t i = 0; i < clients_.size(); ++i) {
      if (!pending_[i].empty())
        std::fprintf(stderr, "client %zu has %zu commands unanswered\n", i, pending_[i].size());
      FUZZ_CHECK(pending_[i].empty());
    }
    codis::server::Server& s = *slot_.server;
    FUZZ_CHECK(!s.migrations().any_in_flight());
    FUZZ_CHECK(!s.migrations().any_async());

    // What the fake target accepted: per key, the values of its streams that were acknowledged whole.
    std::vector<std::vector<DumpValue>> accepted(kNumKeys);
    for (const auto& c : conns_) collect_accepted(*c, accepted);
    for (size_t i = 0; i < kNumKeys; ++i) {
      for (const DumpValue& d : keys_[i].deleted) {
        if (std::find(accepted[i].begin(), accepted[i].end(), d) == accepted[i].end()) {
          std::fprintf(stderr,
                       "%s left the source but the target never acknowledged it whole (%zu streams "
                       "acknowledged)\n",
                       kKeys[i].name.data(), accepted[i].size());
          FUZZ_CHECK(false);
        }
      }
      if (keys_[i].changes != keys_[i].expected) {
        std::fprintf(stderr, "%s changed %zu times, the writer's acknowledged writes say %zu\n",
                     kKeys[i].name.data(), keys_[i].changes.size(), keys_[i].expected.size());
        FUZZ_CHECK(false);
      }
    }
    if (deletions_ != moved_) {
      std::fprintf(stderr, "%llu keys left the source, the migrations answered %llu moved\n",
                   static_cast<unsigned long long>(deletions_), static_cast<unsigned long long>(moved_));
      FUZZ_CHECK(false);
    }
  }

  static size_t key_index(std::string_view name) {
    for (size_t i = 0; i < kNumKeys; ++i) {
      if (kKeys[i].name == name) return i;
    }
    return kNumKeys;
  }

  static bool str_is(const Value& v, std::string_view s) {
    return (v.kind == Kind::kBulkString || v.kind == Kind::kSimpleString) && v.str == s;
  }
  static bool good_ack(const Value* v) {
    return v != nullptr && v->kind == Kind::kArray && v->elems.size() == 3 &&
           str_is(v->elems[0], "SLOTSRESTORE-ASYNC-ACK") && str_is(v->elems[1], "0");
  }

  // Walks one connection's requests with the replies the fake target wrote, paired by position.
  static void collect_accepted(const Pipe& p, std::vector<std::vector<DumpValue>>& accepted) {
    const std::vector<Value> replies = parse_replies(p.written);
    struct Stream {
      bool active = false;
      bool acked = false;
      DumpValue value;
    };
    std::map<size_t, Stream> streams;
    for (size_t i = 0; i < p.requests.size(); ++i) {
      const auto& req = p.requests[i];
      const Value* rep = i < replies.size() ? &replies[i] : nullptr;
      if (req.empty()) continue;
      if (req[0] == "SLOTSRESTORE") {
        const bool ok = rep != nullptr && rep->kind == Kind::kSimpleString && rep->str == "OK";
        for (size_t j = 1; ok && j + 2 < req.size(); j += 3) {
          const size_t k = key_index(req[j]);
          auto d = codis::server::rdb::decode_dump_payload(req[j + 2]);
          if (k < kNumKeys && d.ok() && req[j + 1] == "0")
            accepted[k].push_back(normalized(std::move(d->value)));
        }
        continue;
      }
      if (req[0] != "SLOTSRESTORE-ASYNC" || req.size() < 3) continue;
      const size_t k = key_index(req[2]);
      if (k == kNumKeys) continue;
      Stream& st = streams[k];
      const std::string& kind = req[1];
      if (kind == "del") {
        st = Stream{true, good_ack(rep), DumpValue{}};
        continue;
      }
      if (!st.active) continue;
      st.acked = st.acked && good_ack(rep);
      if (kind == "object" && req.size() >= 5) {
        auto d = codis::server::rdb::decode_dump_payload(req[4]);
        if (st.acked && d.ok() && req[3] == "0") accepted[k].push_back(normalized(std::move(d->value)));
        st.active = false;
      } else if (kind == "expire") {
        if (st.acked && req.size() >= 4 && req[3] == "0") accepted[k].push_back(normalized(st.value));
        st.active = false;
      } else if (req.size() >= 5) {
        // A chunk: list|hash|dict|zset key ttl hint elements...
        DumpValue& v = st.value;
        const std::span<const std::string> elems(req.begin() + 5, req.end());
        if (kind == "list") {
          v.type = ValueType::kList;
          v.elems.insert(v.elems.end(), elems.begin(), elems.end());
        } else if (kind == "dict") {
          v.type = ValueType::kSet;
          v.elems.insert(v.elems.end(), elems.begin(), elems.end());
        } else if (kind == "hash") {
          v.type = ValueType::kHash;
          for (size_t e = 0; e + 1 < elems.size(); e += 2) v.fields.emplace_back(elems[e], elems[e + 1]);
        } else if (kind == "zset") {
          v.type = ValueType::kZSet;
          for (size_t e = 0; e + 1 < elems.size(); e += 2) {
            v.zmembers.emplace_back(elems[e], std::strtod(elems[e + 1].c_str(), nullptr));
          }
        }
      }
    }
  }

  static constexpr size_t kWriter = 0, kAdminClient = 1, kSyncCaller = 2, kAsyncCaller = 3, kAsyncCaller2 = 4,
                          kFenceClient = 5, kClients = 6;

 private:
  bool password_ = false;
  int db_ = 0;
  bool codis_cpp_ = false;
  bool eager_ = false;
  bool draining_ = false;
  bool watching_ = false;
  sim::ServerSlot slot_;  // outlives the world: the server's process clears it when it ends
  std::unique_ptr<sim::World> world_;
  sim::Process* target_ = nullptr;
  sim::Process* clients_proc_ = nullptr;
  std::vector<PipePtr> conns_;  // the fake target's connections, in accept order
  std::array<PipePtr, kClients> clients_;
  std::array<std::deque<Sent>, kClients> pending_;
  std::array<codis::resp::ReplyParser, kClients> reply_parser_;
  std::array<KeyTrack, kNumKeys> keys_;
  std::array<DumpValue, kNumKeys> initial_;
  uint64_t events_ = 0;
  uint64_t deletions_ = 0;
  uint64_t moved_ = 0;
  int setup_left_ = 0;

 public:
  void begin() { start_watching(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  Reader in(data, size);
  Run run(in.byte());
  run.begin();
  for (size_t step = 0; step < kMaxSteps && !in.empty(); ++step) {
    if (trace()) std::fprintf(stderr, "step %zu\n", step);
    run.step(in, step);
  }
  run.finish();
  return 0;
}
