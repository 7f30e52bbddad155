// Async slot migration of whole values and of big values in chunks (docs/slots.md), against a model: "after
// any interleaving of batches, acks, failures, retries and cancels, every key exists in exactly one place
// with its value and TTL".
//
// Two servers on simulated processes of one world (one virtual clock), neither running (no cron: expiry is
// lazy, so what the checks find stored is what the commands left). The source holds random keys of every
// type, tiny to a few hundred elements (so some go in chunks), some with TTLs, some that expire during the
// run. Batches of keys are streamed as the source's batch does it: each key's KeyStream
// (server/slots/key_stream.h) makes its SLOTSRESTORE-ASYNC messages one at a time from the source's Db, and
// each runs through the target's real handler (Server::execute); every ACK must be errno 0 with the message
// the model expects (del: whether a live copy was there; object and expire: 1; a chunk: the copy's length).
// Between messages, at random: virtual time passes (a batch idle longer than its timeout fails, as the
// source's read timeout fails it), a batch fails (a cut link: the keys stay on the source, the target keeps
// what it applied), a batch is cancelled (its keys stay on the source for good), new batches start (a
// failed key's retry begins with `del`), and a batch whose every message was acknowledged ends: the source
// deletes its moved keys, as end_batch does. Several batches may be open at once, their messages
// interleaved (the target handles each key on its own; the real source runs one batch per db). Messages go
// at once or paced, so a long stream outlives its chunks' temporary TTL (each chunk must push it back).
// Limits are random (timeout 1-2000 ms, maxbulks 1-8, maxbytes 1 B to 1 MiB), access stamps on or off,
// maxmemory-policy LRU or LFU (IDLETIME or FREQ stamps).
//
// The model knows, for each key, whether the source still holds it and what copy the target holds: none, a
// partial one (chunks so far, under the chunk's temporary TTL of 3 x timeout) or a whole one (its final TTL).
// After every step both servers must match it exactly: which keys they hold, their expiry times to the
// millisecond, a copy's type and length. When a copy becomes whole (object, or the expire after the last
// chunk), its DEBUG DIGEST-VALUE digest (which covers whether a TTL is set) must be the source's, and with
// access stamps on, OBJECT IDLETIME or OBJECT FREQ must read the same on both servers.
// At the end the dashboard settles everything: open batches complete, fail or are cancelled; failed keys
// whose whole copy reached the target are moved again; then time passes 3 x timeout so that abandoned
// partial copies expire by themselves. Then every live key is in exactly one place with its value and its
// TTL, and the servers hold nothing else. The one exception is documented (SLOTSMGRT-ASYNC-CANCEL): a key
// whose batch was cancelled after the target had applied its last message is on both servers, equal, until
// a later move's `del` replaces it.
//
// Values include hashes and sets whose members all have odd hashes: scan visits first the 128 buckets at
// multiples of buckets / 128, all even, so a chunk's bounded walk starts over 128 empty buckets. That found
// a key that could never move (tests/server/slots_test.cc, AChunkedHashOrSetNeverStartsWithAnEmptyChunk).
// RC_CLASSIFY reports how many cases moved chunks, retried over an earlier copy, let a partial copy
// expire, saw a key expire mid-stream, left a cancelled whole copy and compared access stamps.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "props/pick.h"
#include "resp/number.h"
#include "resp/reply_parser.h"
#include "resp/reply_writer.h"
#include "server/dict.h"
#include "server/families/digest.h"
#include "server/server.h"
#include "server/slots/key_stream.h"
#include "server/value_length.h"
#include "sim/process.h"
#include "sim/world.h"

namespace codis::server {
namespace {

using props::choice;
using props::uniform;

// A server on its own simulated process, never started, with one client: the source's test driver, or the
// target's end of the migration link.
struct Node {
  Node(sim::World& world, const std::string& host, Config config) {
    proc = &world.add_process(world.add_host(host), "codis-server",
                              [](rt::Env&) -> rt::Task<void> { co_return; });
    server = std::make_unique<Server>(proc->env(), std::move(config));
    client.id = server->next_client_id();
    client.authenticated = true;
    server->add_client(&client);
  }
  ~Node() { server->remove_client(&client); }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  resp::Value run(const std::vector<std::string>& argv) { return run_on(client, argv); }
  resp::Value run_on(Client& c, const std::vector<std::string>& argv) {
    const std::vector<std::string_view> v(argv.begin(), argv.end());
    std::string out;
    resp::ReplyWriter w(&out, 2);
    server->execute(c, v, w);
    resp::ReplyParser p;
    resp::Value reply;
    const auto r = p.parse(out, reply);
    RC_ASSERT(r.ok());
    RC_ASSERT(r.consumed == out.size());
    return reply;
  }
  Db& db() { return server->db(0); }
  const Entry* peek(const std::string& key) { return db().peek(key, server->now_ms()); }

  sim::Process* proc = nullptr;
  std::unique_ptr<Server> server;
  Client client;
};

// A deterministic stream of element bytes: a value of a few hundred elements is drawn from one generated
// seed, so RapidCheck does not carry (and try to shrink) every element.
struct Bytes {
  uint64_t state;
  uint64_t next() {  // splitmix64
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }
  // Flavour 0: small integers (intset and integer-encoded listpack entries); 1: short strings; 2: mixed,
  // with some longer than a listpack entry may be (so the value converts to a hash table or skip list);
  // 3: short strings whose hash is odd. A table of more than 128 elements has at least 256 buckets, and
  // scan visits first the 128 whose index is a multiple of buckets / 128, all even: those stay empty, so
  // a hash's or set's first chunk must walk past 128 empty buckets.
  std::string element(int flavour) {
    if (flavour == 3) {
      for (;;) {
        std::string s = element(1);
        if (StrHash{}(s) % 2 == 1) return s;
      }
    }
    const int kind = flavour == 2 ? static_cast<int>(below(3)) : flavour;
    if (kind == 0) {
      return std::to_string(static_cast<int64_t>(below(2000)) - 1000);
    }
    std::string s(kind == 1 ? below(12) : below(200), 'a');
    for (char& c : s) {
      c = static_cast<char>(below(256));
    }
    return s;
  }
  // Scores whose shortest text round-trips only with all 17 digits, integers, ties and infinities.
  std::string score() {
    double d = 0;
    switch (below(6)) {
      case 0:
        d = static_cast<double>(static_cast<int64_t>(below(20)) - 10);
        break;
      case 1:
        d = static_cast<double>(static_cast<int64_t>(below(400)) - 200) / 4;
        break;
      case 2:
        d = below(2) == 0 ? INFINITY : -INFINITY;
        break;
      default:
        d = std::ldexp(static_cast<double>(static_cast<int64_t>(next() >> 11)) * (below(2) == 0 ? 1 : -1),
                       static_cast<int>(below(120)) - 100);
        break;
    }
    char buf[resp::kMaxDoubleChars];
    return std::string(buf, resp::format_double(d, buf));
  }
};

const char* const kTypes[] = {"string", "list", "hash", "set", "zset"};

// The command that creates a key of type `type` with about `n` elements.
std::vector<std::string> create_command(int type, const std::string& key, size_t n, int flavour, Bytes& b) {
  switch (type) {
    case 0:
      return {"SET", key, b.element(flavour)};
    case 1: {
      std::vector<std::string> argv = {"RPUSH", key};
      for (size_t i = 0; i < n; ++i) argv.push_back(b.element(flavour));
      return argv;
    }
    case 2: {
      std::vector<std::string> argv = {"HSET", key};
      for (size_t i = 0; i < n; ++i) {
        argv.push_back(b.element(flavour));
        argv.push_back(b.element(flavour));
      }
      return argv;
    }
    case 3: {
      std::vector<std::string> argv = {"SADD", key};
      for (size_t i = 0; i < n; ++i) argv.push_back(b.element(flavour));
      return argv;
    }
    default: {
      std::vector<std::string> argv = {"ZADD", key};
      for (size_t i = 0; i < n; ++i) {
        argv.push_back(b.score());
        argv.push_back(b.element(flavour));
      }
      return argv;
    }
  }
}

std::string digest_of(const Entry& e) {
  Digest d{};
  mix_object_digest(d, e.value, e.has_expire());
  return to_hex(d);
}

// Redis's rule: a key lives through its deadline millisecond.
bool alive(int64_t expire_at, int64_t now) {
  return expire_at < 0 || expire_at >= now;
}

enum class Copy : uint8_t { kNone, kPartial, kWhole };

struct KeyModel {
  std::string name;
  ObjType type = ObjType::kString;
  size_t length = 0;
  std::string digest;      // of the source's value, when the migrations start
  int64_t expire_at = -1;  // the source's expiry, -1 none
  bool on_source = true;   // false once a batch that moved it ended (the source deleted it)
  bool pinned = false;     // its batch was cancelled: it stays on the source for good
  bool in_batch = false;
  // What the target holds of it. A copy's expiry: the chunk's temporary one, or the final one.
  Copy copy = Copy::kNone;
  int64_t copy_expire = -1;
  size_t copy_length = 0;
};

// What a case went through, for RC_CLASSIFY: a run that never reaches a branch proves nothing about it.
struct Stats {
  int moved = 0;              // keys a completed batch moved
  int chunked_moved = 0;      // of them, in chunks
  int retried_over_copy = 0;  // streams whose `del` removed a copy an earlier attempt left
  int vanished = 0;           // streams ended by the key's expiry on the source
  int partial_expired = 0;    // abandoned partial copies that expired by themselves
  int cancelled_whole = 0;    // whole copies left by a cancel (the documented exception)
  int stamps_checked = 0;
};

// The target's end of one batch's link (a source sends a batch's keys one after the other on its own link:
// the target lets only the first chunk after a key's `del` on that link create the key).
struct LinkClient {
  explicit LinkClient(Server& s) : server(&s) {
    client.id = s.next_client_id();
    client.authenticated = true;
    s.add_client(&client);
  }
  ~LinkClient() { server->remove_client(&client); }
  LinkClient(const LinkClient&) = delete;
  LinkClient& operator=(const LinkClient&) = delete;
  Server* server;
  Client client;
};

struct Batch {
  std::unique_ptr<LinkClient> link;
  std::vector<size_t> keys;  // indexes into the model
  std::vector<KeyStream> streams;
  size_t current = 0;
  int64_t last_ms = 0;  // when a message last went (or the batch started): the source's timeout runs from it
};

class Harness {
 public:
  Harness(EvictionPolicy policy, StreamLimits limits) : limits_(limits) {
    sim::WorldOptions o;
    o.seed = 1;
    world_ = std::make_unique<sim::World>(std::move(o));
    Config config;
    config.maxmemory_policy = policy;
    src_ = std::make_unique<Node>(*world_, "src", config);
    dst_ = std::make_unique<Node>(*world_, "dst", config);
    limits_.lfu = is_lfu(policy);
    limits_.lfu_decay_minutes = config.lfu_decay_time;
  }

  int64_t now() const { return src_->server->now_ms(); }
  const Stats& stats() const { return stats_; }
  void advance(int64_t ms) { world_->run_until(world_->now() + rt::milliseconds(ms)); }

  // Creates the source's keys: a random value of a random type each, touched a few times (LFU counters),
  // then aged a while (idle times and LFU decay differ from key to key).
  void populate() {
    const int nkeys = *uniform(1, 25);
    std::vector<int64_t> ttls;
    for (int i = 0; i < nkeys; ++i) {
      const int type = choice(5);
      static const size_t kSizes[][2] = {{1, 5}, {5, 41}, {41, 301}};
      const auto& range = kSizes[choice(3)];
      const size_t n = *uniform(range[0], range[1]);
      const int flavour = choice(4);
      Bytes bytes{*rc::gen::arbitrary<uint64_t>()};
      const std::string key = "k" + std::to_string(i) + ":" + kTypes[type];
      const resp::Value r = src_->run(create_command(type, key, n, flavour, bytes));
      RC_ASSERT(r.kind != resp::Kind::kError);
      const int touches = *uniform(0, 40);
      for (int t = 0; t < touches; ++t) src_->run({"TOUCH", key});
      // A TTL that may run out during the migrations, one that will not, or none.
      static const int64_t kNoTtl = -1;
      switch (choice(5)) {
        case 0:
          ttls.push_back(*uniform<int64_t>(1, 8 * limits_.timeout_ms));
          break;
        case 1:
          ttls.push_back(3600 * 1000);
          break;
        default:
          ttls.push_back(kNoTtl);
          break;
      }
      KeyModel k;
      k.name = key;
      keys_.push_back(k);
      advance(*uniform<int64_t>(0, 90000));
    }
    // The TTLs are set last, through the Db: PEXPIRE would count as an access and reset the idle times,
    // and time spent creating the other keys would eat into them.
    for (size_t i = 0; i < keys_.size(); ++i) {
      KeyModel& k = keys_[i];
      Entry* e = src_->db().find(k.name, now(), Db::Touch::kNo);
      RC_ASSERT(e != nullptr);
      if (ttls[i] >= 0) {
        src_->db().set_expire(*e, now() + ttls[i]);
      }
      k.type = e->value.type();
      k.length = value_length(e->value);
      k.digest = digest_of(*e);
      k.expire_at = src_->db().expire_of(*e);
    }
  }

  // One step of the interleaving.
  void step() {
    const int op = choice(16);
    // An operation on a batch when none is open starts one instead, so that batches are open most of
    // the time and failures and cancels land in the middle of streams.
    switch (batches_.empty() && op >= 6 ? 0 : op) {
      case 0:
      case 1:
      case 2:
        start_batch();
        break;
      case 3:
      case 4:
      case 5: {
        // Mostly a little (a stream goes on across it), sometimes up to a whole timeout.
        const int64_t t = limits_.timeout_ms;
        advance_and_time_out(*uniform<int64_t>(0, (choice(3) == 0 ? t : t / 4) + 1));
        break;
      }
      case 6:
      case 7:
      case 8:
      case 9:
        // Mostly a cut link; a cancel for good, which keeps the keys on the source, one time in eight.
        abandon(pick_batch(), /*cancel=*/choice(8) == 0);
        break;
      default: {
        const size_t b = pick_batch();
        // One message, a few, many, or the rest of the batch; at once, or paced (a long stream then
        // outlives its keys' TTLs and its chunks' temporary TTL, which each chunk must push back).
        static const size_t kMost[] = {1, 8, 60, SIZE_MAX};
        const size_t most = kMost[choice(4)];
        const size_t n = most == SIZE_MAX ? most : *uniform<size_t>(1, most + 1);
        send(b, n, choice(2) == 0 ? 0 : *uniform<int64_t>(0, limits_.timeout_ms / 16 + 1));
        advance_and_time_out(0);  // the other batches waited meanwhile
        break;
      }
    }
    check_state();
  }

  // The dashboard finishes: open batches complete, fail or are cancelled; keys that failed after their
  // whole copy reached the target are moved again (the slot is still migrating, so it retries); then the
  // partial copies' temporary TTLs run out.
  void settle() {
    while (!batches_.empty()) {
      const int what = choice(3);
      if (what == 0) {
        send(batches_.size() - 1, SIZE_MAX);
      } else {
        abandon(batches_.size() - 1, /*cancel=*/what == 2);
      }
      check_state();
    }
    for (size_t i = 0; i < keys_.size(); ++i) {
      const KeyModel& k = keys_[i];
      if (k.on_source && !k.pinned && k.copy == Copy::kWhole && alive(k.expire_at, now())) {
        open_batch({i});
        send(batches_.size() - 1, SIZE_MAX);
        check_state();
      }
    }
    advance(3 * limits_.timeout_ms + 1);
    check_state();
  }

  // Every live key is in exactly one place (but for the documented cancel case) with its value and TTL;
  // neither server holds anything else.
  void check_final() {
    size_t on_src = 0, on_dst = 0;
    for (const KeyModel& k : keys_) {
      RC_ASSERT(k.copy != Copy::kPartial || !alive(k.copy_expire, now()));
      stats_.partial_expired += k.copy == Copy::kPartial;
      const Entry* s = src_->peek(k.name);
      const Entry* d = dst_->peek(k.name);
      if (!alive(k.expire_at, now())) {
        RC_ASSERT(s == nullptr);
        RC_ASSERT(d == nullptr);
        continue;
      }
      on_src += s != nullptr;
      on_dst += d != nullptr;
      const bool both = k.pinned && k.copy == Copy::kWhole;
      stats_.cancelled_whole += both;
      RC_ASSERT((s != nullptr) + (d != nullptr) == (both ? 2 : 1));
      if (s != nullptr) {
        RC_ASSERT(digest_of(*s) == k.digest);
        RC_ASSERT(src_->db().expire_of(*s) == k.expire_at);
      }
      if (d != nullptr) {
        RC_ASSERT(digest_of(*d) == k.digest);
        // The final TTL is the time left when the last message went, at least 1 ms: the same deadline, or
        // 1 ms later when it went in the deadline's very millisecond.
        const int64_t at = dst_->db().expire_of(*d);
        RC_ASSERT(at == k.expire_at || (k.expire_at >= 0 && at == k.expire_at + 1));
      }
    }
    // Nothing else: once what expired is reaped, the servers hold exactly the keys above.
    src_->db().expire_some(now(), SIZE_MAX);
    dst_->db().expire_some(now(), SIZE_MAX);
    RC_ASSERT(src_->db().size() == on_src);
    RC_ASSERT(dst_->db().size() == on_dst);
  }

 private:
  size_t pick_batch() { return static_cast<size_t>(choice(static_cast<int>(batches_.size()))); }

  void start_batch() {
    std::vector<size_t> free;
    for (size_t i = 0; i < keys_.size(); ++i) {
      const KeyModel& k = keys_[i];
      if (k.on_source && !k.pinned && !k.in_batch && alive(k.expire_at, now())) free.push_back(i);
    }
    if (free.empty()) return;
    std::vector<size_t> picked;
    const int n = *uniform(1, 4);
    for (int j = 0; j < n && !free.empty(); ++j) {
      const size_t at = static_cast<size_t>(choice(static_cast<int>(free.size())));
      picked.push_back(free[at]);
      free.erase(free.begin() + static_cast<std::ptrdiff_t>(at));
    }
    open_batch(picked);
  }

  void open_batch(const std::vector<size_t>& picked) {
    Batch b;
    b.keys = picked;
    for (size_t i : picked) {
      keys_[i].in_batch = true;
      b.streams.emplace_back(keys_[i].name);
    }
    b.last_ms = now();
    b.link = std::make_unique<LinkClient>(*dst_->server);
    batches_.push_back(std::move(b));
  }

  // Sends up to n messages of batch bi, in order, pace_ms apart; a batch with none left ends (every
  // message was acknowledged: they run one at a time here).
  void send(size_t bi, size_t n, int64_t pace_ms = 0) {
    Batch& b = batches_[bi];
    std::vector<std::string> msg;
    for (size_t sent = 0; sent < n;) {
      if (sent > 0) advance(pace_ms);
      if (b.current == b.streams.size()) {
        end_batch(bi);
        return;
      }
      KeyStream& ks = b.streams[b.current];
      const bool first = ks.stage() == KeyStream::Stage::kPrepare;
      if (!ks.next(src_->db(), now(), static_cast<uint32_t>(now() / 1000), limits_, &msg)) {
        ++b.current;
        continue;
      }
      apply(b.link->client, keys_[b.keys[b.current]], msg, first);
      b.last_ms = now();
      ++sent;
    }
  }

  // Runs one message on the target and moves the model's copy along.
  void apply(Client& link, KeyModel& k, const std::vector<std::string>& msg, bool first) {
    RC_ASSERT(msg.size() >= 3);
    RC_ASSERT(msg[0] == "SLOTSRESTORE-ASYNC");
    RC_ASSERT(msg[2] == k.name);
    const std::string& kind = msg[1];
    const bool had_live_copy = k.copy != Copy::kNone && alive(k.copy_expire, now());
    const bool had_dead_copy = k.copy != Copy::kNone && !had_live_copy;
    const resp::Value ack = dst_->run_on(link, msg);
    RC_ASSERT(ack.kind == resp::Kind::kArray);
    RC_ASSERT(ack.elems.size() == 3u);
    RC_ASSERT(ack.elems[0].str == "SLOTSRESTORE-ASYNC-ACK");
    if (ack.elems[1].str != "0") {
      std::string what = "ACK " + ack.elems[1].str + " '" + ack.elems[2].str + "' for";
      for (size_t i = 1; i < std::min<size_t>(msg.size(), 6); ++i) what += " " + msg[i];
      RC_FAIL(what + (msg.size() > 6 ? " ..." : ""));
    }
    RC_ASSERT(!link.close_after_reply);
    const std::string& reply = ack.elems[2].str;
    const int64_t t = now();
    if (kind == "del") {
      // The stream's first message, or its end because the key expired on the source meanwhile.
      RC_ASSERT(first || !alive(k.expire_at, t));
      // A copy past its expiry may still be stored (expiry is lazy here), and del removes what is stored.
      RC_ASSERT(reply == (had_live_copy ? "1" : had_dead_copy ? reply : "0"));
      stats_.retried_over_copy += first && had_live_copy;
      stats_.vanished += !first;
      k.copy = Copy::kNone;
      k.copy_length = 0;
      k.copy_expire = -1;
      return;
    }
    RC_ASSERT(!first);
    RC_ASSERT(alive(k.expire_at, t));
    if (kind == "object" || kind == "expire") {
      RC_ASSERT(reply == "1");
      if (kind == "expire") {
        // The last chunk went before it: the copy is whole, under its temporary TTL until now.
        RC_ASSERT(k.copy == Copy::kPartial);
        RC_ASSERT(k.copy_length == k.length);
      } else {
        RC_ASSERT(k.copy == Copy::kNone);
      }
      k.copy = Copy::kWhole;
      k.copy_length = k.length;
      k.copy_expire = k.expire_at < 0 ? -1 : t + std::max<int64_t>(1, k.expire_at - t);
      check_whole(k);
      return;
    }
    // A chunk: appended to the copy its stream's earlier chunks made, under the temporary TTL.
    RC_ASSERT(k.type != ObjType::kString);
    RC_ASSERT(k.copy == Copy::kNone || (k.copy == Copy::kPartial && had_live_copy));
    const bool pairs = k.type == ObjType::kHash || k.type == ObjType::kZSet;
    const size_t elems = (msg.size() - 5) / (pairs ? 2 : 1);
    // A hash's or set's chunk is a bounded walk of its table's buckets: one may come back empty, but only
    // after the chunk that created the copy (the target takes an empty chunk only for an existing key).
    RC_ASSERT(elems > 0u || k.copy == Copy::kPartial);
    k.copy = Copy::kPartial;
    k.copy_length += elems;
    k.copy_expire = t + 3 * limits_.timeout_ms;
    RC_ASSERT(reply == std::to_string(k.copy_length));
    RC_ASSERT(k.copy_length <= k.length);
  }

  // A copy just became whole: the source's value and, with stamps, its access stamp.
  void check_whole(const KeyModel& k) {
    const Entry* d = dst_->peek(k.name);
    RC_ASSERT(d != nullptr);
    RC_ASSERT(digest_of(*d) == k.digest);
    if (limits_.stamps) {
      const char* what = limits_.lfu ? "FREQ" : "IDLETIME";
      const resp::Value at_src = src_->run({"OBJECT", what, k.name});
      const resp::Value at_dst = dst_->run({"OBJECT", what, k.name});
      RC_ASSERT(at_src.kind == resp::Kind::kInteger);
      RC_ASSERT(at_dst.kind == resp::Kind::kInteger);
      RC_ASSERT(at_dst.num == at_src.num);
      ++stats_.stamps_checked;
    }
  }

  // Every message was acknowledged: the source deletes the keys that moved (as end_batch does).
  void end_batch(size_t bi) {
    Batch& b = batches_[bi];
    for (size_t j = 0; j < b.streams.size(); ++j) {
      KeyModel& k = keys_[b.keys[j]];
      k.in_batch = false;
      if (!b.streams[j].moved()) {
        // Not found when its stream began, or gone half way: only because it expired.
        RC_ASSERT(!alive(k.expire_at, now()));
        continue;
      }
      RC_ASSERT(k.copy == Copy::kWhole);
      k.on_source = false;
      ++stats_.moved;
      stats_.chunked_moved += b.streams[j].chunked();
      if (src_->db().find(k.name, now(), Db::Touch::kNo) != nullptr) src_->db().remove(k.name);
    }
    batches_.erase(batches_.begin() + static_cast<std::ptrdiff_t>(bi));
  }

  // A cut link or a cancel: the keys stay on the source, the target keeps what it applied.
  void abandon(size_t bi, bool cancel) {
    for (size_t i : batches_[bi].keys) {
      keys_[i].in_batch = false;
      keys_[i].pinned = keys_[i].pinned || cancel;
    }
    batches_.erase(batches_.begin() + static_cast<std::ptrdiff_t>(bi));
  }

  // Time passes; a batch that sent nothing for longer than its timeout fails (the source's read of the
  // next ACK times out). So a live stream never leaves 3 x timeout between two of its chunks.
  void advance_and_time_out(int64_t ms) {
    advance(ms);
    for (size_t bi = batches_.size(); bi-- > 0;) {
      if (now() - batches_[bi].last_ms > limits_.timeout_ms) abandon(bi, /*cancel=*/false);
    }
  }

  // Both servers hold exactly what the model says, to the millisecond of each expiry.
  void check_state() {
    const int64_t t = now();
    for (const KeyModel& k : keys_) {
      const bool live = alive(k.expire_at, t);
      const Entry* s = src_->peek(k.name);
      RC_ASSERT((s != nullptr) == (live && k.on_source));
      if (s != nullptr) RC_ASSERT(src_->db().expire_of(*s) == k.expire_at);
      // A key the source gave up holds a whole copy on the target (while it lives).
      RC_ASSERT(k.on_source || k.copy == Copy::kWhole);
      const Entry* d = dst_->peek(k.name);
      RC_ASSERT((d != nullptr) == (k.copy != Copy::kNone && alive(k.copy_expire, t)));
      if (d != nullptr) {
        RC_ASSERT(dst_->db().expire_of(*d) == k.copy_expire);
        RC_ASSERT(d->value.type() == k.type);
        RC_ASSERT(value_length(d->value) == k.copy_length);
      }
    }
  }

  StreamLimits limits_;
  Stats stats_;
  std::unique_ptr<sim::World> world_;
  std::unique_ptr<Node> src_, dst_;
  std::vector<KeyModel> keys_;
  std::vector<Batch> batches_;
};

StreamLimits gen_limits() {
  StreamLimits l;
  l.timeout_ms = *uniform<int64_t>(1, 2001);
  l.maxbulks = *uniform<size_t>(1, 9);
  static const size_t kBytes[][2] = {{1, 64}, {64, 4096}, {1 << 20, (1 << 20) + 1}};
  const auto& range = kBytes[choice(3)];
  l.maxbytes = *uniform<size_t>(range[0], range[1]);
  l.stamps = choice(2) == 1;
  return l;
}

RC_GTEST_PROP(ChunkedMigrationProps, EveryKeyEndsInExactlyOnePlaceWithItsValueAndTtl, ()) {
  static const EvictionPolicy kPolicies[] = {EvictionPolicy::kNoEviction, EvictionPolicy::kAllKeysLru,
                                             EvictionPolicy::kAllKeysLfu};
  Harness h(kPolicies[choice(3)], gen_limits());
  h.populate();
  const int steps = *uniform(1, 100);
  for (int i = 0; i < steps; ++i) h.step();
  h.settle();
  h.check_final();
  const Stats& s = h.stats();
  RC_CLASSIFY(s.moved > 0, "moved keys");
  RC_CLASSIFY(s.chunked_moved > 0, "moved a value in chunks");
  RC_CLASSIFY(s.retried_over_copy > 0, "a retry replaced an earlier attempt's copy");
  RC_CLASSIFY(s.vanished > 0, "a key expired during its stream");
  RC_CLASSIFY(s.partial_expired > 0, "an abandoned partial copy expired");
  RC_CLASSIFY(s.cancelled_whole > 0, "a cancel left a whole copy");
  RC_CLASSIFY(s.stamps_checked > 0, "access stamps compared");
}

}  // namespace
}  // namespace codis::server
