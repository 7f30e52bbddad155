// Structure-aware libFuzzer target for the target side of a slot migration (docs/slots.md): SLOTSRESTORE
// payloads and the async migration link's messages (SLOTSRESTORE-ASYNC select/del/expire/object/list/hash/
// dict/zset, -AUTH, -SELECT), run through Server::execute on a simulated process, with SLOTSSETSTATE moving
// the keys' slots between owned, importing, migrating and not-owned in cluster mode.
// Payloads are fuzzed bytes, or DUMP payloads of small values of every type and encoding made at start-up
// by running DUMP on keys a scratch server created, optionally mutated by a few bytes (with the CRC-64
// fixed up half the time, so the mutation reaches the decoder instead of stopping at the checksum).
// Oracles, after every message: no crash (ASan/UBSan clean); the reply parses as exactly one RESP value;
// - SLOTSRESTORE-ASYNC*: either the dispatcher's own refusal before the handler runs (arity, NOAUTH; the
//   exact error), or an array of three bulk strings SLOTSRESTORE-ASYNC-ACK, "0" or "-1", message; -1 if
//   and only if the link is closed after the reply; a -1 changes nothing (the keys the message names and
//   every db's key count are compared before and after); a 0 for a key message means the key's slot was
//   owned or importing, del left no key, other kinds left the key with the TTL the message gave (ttl ms
//   from now, none for 0), and a chunk's ACK is the value's length; AUTH 0 authenticates, SELECT 0
//   switches the link's db;
// - SLOTSRESTORE: +OK or an error; an error changes nothing, as above (all or nothing); +OK
//   means every key's slot was owned or importing and every key is there with its TTL;
// and after every step, in every db: no empty container, zset scores are numbers in order (and ZSet::check);
// SLOTSCHECK +OK every 16 steps and at the end.
//
// Input format: byte 0 is the configuration (bit 0 cluster-mode yes, bit 1 requirepass "pw", bit 2 in
// cluster mode: start owning all 1024 slots at epoch 1). Then steps (a step that runs out of bytes ends
// the program), each starting with an op byte:
//   op < 10:   raw bytes: a length byte n, then n bytes into the current link's query buffer (the
//              request parser splits them; commands not named SLOTSRESTORE* are dropped unrun).
//   op < 20:   advance virtual time by kAdvanceMs[byte % 4] (keys with a TTL expire).
//   op < 30:   switch to link byte % 2 (a source may hold several links).
//   op < 70:   SLOTSRESTORE: a count byte (1-4 triples; bit 7 adds a stray argument), then per triple a
//              key byte, a ttl byte and a payload (below).
//   op < 180:  SLOTSRESTORE-ASYNC: a kind byte (kKinds), then what the kind takes: a db byte (select) or a
//              key byte, a ttl byte, then a payload (object) or a hint byte, a count byte and that many
//              element bytes (hash and zset: pairs, unless bit 6 of the count); then one more byte, which
//              when >= 0xf0 appends (byte % 8) more elements whatever the kind (arity errors).
//   op < 200:  SLOTSRESTORE-ASYNC-AUTH: a byte, even "pw", odd "wrong".
//   op < 220:  SLOTSRESTORE-ASYNC-SELECT: a db byte (kDbs).
//   else:      SLOTSSETSTATE (a dashboard client): a slot byte (a key's slot, or 0-1023 when >= 240), a
//              state byte, an epoch byte (mostly the next epoch; % 8 == 0 the same one again, 1 epoch 0).
//   payload:   a byte p; p < 128: the start-up payload p % N, then (p >> 4) % 4 mutations of a position
//              u16 and an xor byte, the CRC fixed when p & 1; p >= 128: a length byte n and n raw bytes.
// Environment: CODIS_FUZZ_TRACE=1 prints each step and its reply.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
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
#include "resp/reply_writer.h"
#include "resp/request_parser.h"
#include "server/families/digest.h"
#include "server/rdb/crc64.h"
#include "server/server.h"
#include "server/value_length.h"
#include "sim/process.h"
#include "sim/world.h"

namespace {

using codis::fuzz::printable;
using codis::fuzz::Reader;
using codis::fuzz::trace;

using codis::resp::Kind;
using codis::resp::Value;
using codis::server::Client;
using codis::server::Config;
using codis::server::Server;
using codis::server::SlotState;

constexpr size_t kLinks = 2;
constexpr size_t kMaxSteps = 200;

// Hash tags put several keys in one slot, so a SLOTSSETSTATE on one key's slot moves its tag mates too.
constexpr std::string_view kKeys[] = {"k0", "k1", "k2", "{t}a", "{t}b", "a{t}", "{}x", "{", "x}{y}", "{u}k0"};
// TTLs and hints: the ones a source sends, and the edges of the parsers and of now + ttl.
constexpr std::string_view kInts[] = {"0",
                                      "0",
                                      "1",
                                      "100",
                                      "30000",
                                      "86400000",
                                      "2",
                                      "-1",
                                      "9223372036854775807",
                                      "9223372036854775806",
                                      "4611686018427387904",
                                      "-9223372036854775808",
                                      "9223372036854775808",
                                      "abc",
                                      "",
                                      "007",
                                      "+5",
                                      "1.5"};
// Elements: members, fields, values and scores (zset chunks take scores from here too).
constexpr std::string_view kElems[] = {"a",
                                       "b",
                                       "c",
                                       "1",
                                       "2",
                                       "-1",
                                       "0",
                                       "1.5",
                                       "-2.5",
                                       "inf",
                                       "-inf",
                                       "+inf",
                                       "nan",
                                       "-nan",
                                       "NaN",
                                       "1e308",
                                       "1e309",
                                       "",
                                       "12345678901234567890",
                                       "x y",
                                       "0x10",
                                       " 1",
                                       "1e-320",
                                       "4.9e-324"};
constexpr std::string_view kKinds[] = {"select", "del",  "expire", "object", "list", "hash", "dict", "zset",
                                       "list",   "hash", "dict",   "zset",   "LIST", "Zset", "frob", ""};
constexpr std::string_view kDbs[] = {"0", "1", "15", "16", "-1", "x", "2", "007"};
constexpr std::string_view kStates[] = {"owned", "importing", "not-owned", "migrating", "bogus"};
constexpr int64_t kAdvanceMs[] = {1, 100, 30000, 86400000};

template <size_t N>
std::string pick(const std::string_view (&table)[N], uint8_t v) {
  return std::string(table[v % N]);
}

// The one reply a command wrote; every byte must belong to it.
Value one_reply(std::string_view out) {
  codis::resp::ReplyParser p;
  Value v;
  const auto r = p.parse(out, v);
  if (!r.ok() || r.consumed != out.size()) std::fprintf(stderr, "bad reply: %s\n", printable(out).c_str());
  FUZZ_CHECK(r.ok() && r.consumed == out.size());
  return v;
}

// A simulated process with a server on it, as the server_dispatch target builds one.
struct Sim {
  explicit Sim(Config config) {
    codis::sim::WorldOptions o;
    o.seed = 1;
    world = std::make_unique<codis::sim::World>(std::move(o));
    auto& host = world->add_host("h1");
    proc = &world->add_process(host, "codis-server",
                               [](codis::rt::Env&) -> codis::rt::Task<void> { co_return; });
    server = std::make_unique<Server>(proc->env(), std::move(config));
  }
  std::unique_ptr<codis::sim::World> world;
  codis::sim::Process* proc = nullptr;
  std::unique_ptr<Server> server;
};

// Runs argv as c and returns its one reply.
Value run(Server& s, Client& c, std::span<const std::string_view> argv) {
  std::string out;
  codis::resp::ReplyWriter w(&out, c.protocol);
  s.execute(c, argv, w);
  return one_reply(out);
}
Value run(Server& s, Client& c, const std::vector<std::string>& argv) {
  const std::vector<std::string_view> v(argv.begin(), argv.end());
  return run(s, c, std::span<const std::string_view>(v));
}

// DUMP payloads of small values of every type, in each encoding a source could send (listpack and
// hashtable hashes, intset and hashtable sets, listpack and skiplist zsets, int and raw strings).
const std::vector<std::string>& payloads() {
  static const std::vector<std::string> out = [] {
    Sim sim{Config{}};
    Client c;
    c.id = sim.server->next_client_id();
    c.authenticated = true;
    sim.server->add_client(&c);
    std::vector<std::vector<std::string>> setup = {{"SET", "s", "hello"},
                                                   {"SET", "i", "12345"},
                                                   {"RPUSH", "l", "a", "b", "1"},
                                                   {"HSET", "h", "f", "v", "g", "1"},
                                                   {"SADD", "si", "1", "2", "-3"},
                                                   {"SADD", "ss", "a", "b", "c"},
                                                   {"ZADD", "z", "1", "a", "2.5", "b", "-inf", "c"},
                                                   {"SET", "e", ""}};
    std::vector<std::string> big_h = {"HSET", "hb"}, big_s = {"SADD", "sb"}, big_z = {"ZADD", "zb"},
                             big_l = {"RPUSH", "lb"};
    for (int i = 0; i < 200; ++i) {
      const std::string m = "m" + std::to_string(i);
      big_h.insert(big_h.end(), {m, std::string(i % 70, 'v')});
      big_s.push_back(m);
      big_z.insert(big_z.end(), {std::to_string(i % 17), m});
      big_l.push_back(std::string(i % 90, 'x'));
    }
    for (auto& cmd : {big_h, big_s, big_z, big_l}) setup.push_back(cmd);
    std::vector<std::string> dumps;
    for (const auto& cmd : setup) {
      FUZZ_CHECK(run(*sim.server, c, cmd).kind != Kind::kError);
      const Value d = run(*sim.server, c, {"DUMP", cmd[1]});
      FUZZ_CHECK(d.kind == Kind::kBulkString);
      dumps.push_back(d.str);
    }
    sim.server->remove_client(&c);
    return dumps;
  }();
  return out;
}

std::string payload(Reader& in) {
  const uint8_t p = in.byte();
  if (p >= 128) return std::string(in.bytes(in.byte()));
  const auto& all = payloads();
  std::string s = all[p % all.size()];
  const size_t body = s.size() - 10;  // the object; then RDB version (2 bytes) and CRC-64 (8)
  for (int m = (p >> 4) % 4; m > 0; --m) {
    const size_t pos = in.u16() % body;
    s[pos] = static_cast<char>(s[pos] ^ (in.byte() | 1));
  }
  if ((p & 1) != 0 && ((p >> 4) % 4) != 0) {
    uint64_t crc = codis::server::rdb::crc64(0, std::string_view(s).substr(0, s.size() - 8));
    for (size_t i = s.size() - 8; i < s.size(); ++i, crc >>= 8) s[i] = static_cast<char>(crc & 0xff);
  }
  return s;
}

std::string lower(std::string_view v) {
  std::string s(v);
  for (char& ch : s) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  return s;
}

// The keyspace as far as one message may change it: every db's key count, and the value digest (DEBUG
// DIGEST-VALUE) and expiry of each key the message names, in the link's db. Digesting every key before
// every message would cost most of the run; a message touches only the keys it names.
struct Snapshot {
  std::vector<size_t> sizes;
  std::map<std::string, std::pair<std::string, int64_t>> keys;
  bool operator==(const Snapshot&) const = default;
};

// The keys a SLOTSRESTORE* message names.
std::vector<std::string_view> named_keys(std::span<const std::string_view> argv, bool slotsrestore) {
  std::vector<std::string_view> out;
  if (slotsrestore) {
    for (size_t i = 1; i < argv.size(); i += 3) out.push_back(argv[i]);
  } else if (argv.size() >= 3) {
    out.push_back(argv[2]);
  }
  return out;
}

class Harness {
 public:
  Harness(bool cluster, bool password, bool own_all) : sim_(make_config(cluster, password)) {
    for (auto& l : links_) connect(l);
    admin_.id = server().next_client_id();
    admin_.authenticated = true;
    server().add_client(&admin_);
    if (cluster && own_all) {
      FUZZ_CHECK(run(server(), admin_, {"SLOTSSETSTATE", "0-1023", "owned", "-", "1"}).kind ==
                 Kind::kSimpleString);
      epoch_ = 1;
    }
  }
  ~Harness() {
    for (auto& l : links_) server().remove_client(l.client.get());
    server().remove_client(&admin_);
  }

  Server& server() { return *sim_.server; }

  // One structured message from the source over link i.
  void message(size_t i, const std::vector<std::string>& argv) {
    if (trace()) {
      std::string line;
      for (const auto& a : argv) line += " \"" + printable(a, 40) + "\"";
      std::fprintf(stderr, "[%zu]%s\n", i, line.c_str());
    }
    const std::vector<std::string_view> v(argv.begin(), argv.end());
    exec(links_[i], v);
    if (links_[i].client->close_after_reply) reconnect(links_[i]);
  }

  // Raw bytes on link i: the request parser splits them; only SLOTSRESTORE* commands run (the link carries
  // nothing else, and server_dispatch covers the rest of the table).
  void feed(size_t i, std::string_view bytes) {
    Link& l = links_[i];
    if (trace()) std::fprintf(stderr, "[%zu] raw: %s\n", i, printable(bytes).c_str());
    l.in.append(bytes);
    size_t used = 0;
    while (!l.client->close_after_reply) {
      const auto r = l.parser->parse(std::string_view(l.in).substr(used));
      used += r.consumed;
      if (r.ok()) {
        const auto args = l.parser->args();
        if (!args.empty() && lower(args[0]).starts_with("slotsrestore")) exec(l, args);
        continue;
      }
      if (r.error()) l.client->close_after_reply = true;  // answered with an error; the link closes
      break;
    }
    // After a close the rest of the buffer is gone with the connection.
    l.in.erase(0, std::min(used, l.in.size()));
    if (l.client->close_after_reply) reconnect(l);
  }

  // SLOTSSETSTATE from the dashboard: slot (or range), state, epoch mode.
  void set_state(std::string slots, uint8_t state, uint8_t epoch) {
    const std::string st = pick(kStates, state);
    // Mostly the next epoch; sometimes the same one again (a dashboard's retry) or a stale 0.
    if (epoch % 8 >= 2 || epoch_ == 0) ++epoch_;
    const std::string e = std::to_string(epoch % 8 == 1 ? 0 : epoch_);
    const std::string peer = st == "owned" || (st == "not-owned" && (state & 8) != 0) ? "-" : "10.0.0.2:7000";
    const Value r = run(server(), admin_, {"SLOTSSETSTATE", slots, st, peer, e});
    if (trace())
      std::fprintf(stderr, "slotssetstate %s %s %s %s -> %s\n", slots.c_str(), st.c_str(), peer.c_str(),
                   e.c_str(), r.str.c_str());
    FUZZ_CHECK(r.kind == Kind::kSimpleString || r.kind == Kind::kError);
  }

  void advance(int64_t ms) {
    if (trace()) std::fprintf(stderr, "advance %lld ms\n", static_cast<long long>(ms));
    sim_.world->run_until(sim_.world->now() + codis::rt::milliseconds(ms));
    // Time moves only here: deleting what expired keeps every stored key live between advances, so a
    // message's lazy expiry never changes a key count (the snapshot compares them).
    for (int d = 0; d < server().databases(); ++d) server().db(d).expire_some(server().now_ms(), SIZE_MAX);
  }

  // No empty container, sorted zsets with numeric scores, and every key in its slot's table.
  void check_invariants() {
    const int64_t now = server().now_ms();
    for (int d = 0; d < server().databases(); ++d) {
      codis::server::Db& db = server().db(d);
      if (db.size() == 0) continue;
      auto check = [&](const codis::server::Entry& e) {
        const size_t n = codis::server::value_length(e.value);
        if (n == 0)
          std::fprintf(stderr, "db %d key '%s' is an empty container\n", d, printable(e.key()).c_str());
        FUZZ_CHECK(n > 0);
        if (e.value.is(codis::server::ObjType::kZSet)) check_zset(d, e.key(), e.value.zset_value());
      };
      // The structured steps use only the vocabulary's keys; walk every slot only when raw bytes made others.
      size_t seen = 0;
      for (std::string_view k : kKeys) {
        if (const auto* e = db.peek(k, now)) {
          check(*e);
          ++seen;
        }
      }
      if (seen == db.size()) continue;
      for (uint32_t s = 0; s < codis::cmd::kSlots; ++s) {
        for (const auto& e : db.slot_table(s)) check(e);
      }
    }
  }

  // SLOTSCHECK walks all 16 x 1024 slot tables (a quarter of the run when done every step), so it runs every
  // 16 steps and at the end; a key found by peek above already sits in its own slot's table.
  void slots_check() {
    const Value r = run(server(), admin_, {"SLOTSCHECK"});
    if (r.kind != Kind::kSimpleString) std::fprintf(stderr, "SLOTSCHECK: %s\n", r.str.c_str());
    FUZZ_CHECK(r.kind == Kind::kSimpleString && r.str == "OK");
  }

 private:
  struct Link {
    std::unique_ptr<Client> client;
    std::unique_ptr<codis::resp::RequestParser> parser;
    std::string in;
  };

  // The sorted set's own consistency check, and scores that are numbers in ascending order (read directly:
  // in cluster mode a ZRANGE would be redirected).
  static void check_zset(int d, std::string_view key, const codis::server::ZSetValue& z) {
    double last = -HUGE_VAL;
    bool ordered = true;
    z.for_each([&](std::string_view, double score) {
      ordered = ordered && !std::isnan(score) && score >= last;
      last = score;
    });
    if (!ordered || !z.check()) {
      std::fprintf(stderr, "db %d zset '%s': broken (scores in order: %d)\n", d, printable(key).c_str(),
                   ordered);
    }
    FUZZ_CHECK(ordered && z.check());
  }

  static Config make_config(bool cluster, bool password) {
    Config c;
    c.cluster_mode = cluster;
    if (password) c.requirepass = "pw";
    return c;
  }

  void connect(Link& l) {
    l.client = std::make_unique<Client>();
    l.client->id = server().next_client_id();
    l.client->authenticated = server().config().requirepass.empty();
    server().add_client(l.client.get());
    codis::resp::RequestLimits limits;
    limits.max_bulk_len = server().config().proto_max_bulk_len;
    l.parser = std::make_unique<codis::resp::RequestParser>(limits);
    l.parser->set_authenticated(l.client->authenticated);
    l.in.clear();
  }
  // The source opens a new link after the target closed one (it starts its keys over).
  void reconnect(Link& l) {
    server().remove_client(l.client.get());
    connect(l);
  }

  Snapshot snapshot(int d, const std::vector<std::string_view>& keys) {
    Snapshot out;
    for (int i = 0; i < server().databases(); ++i) out.sizes.push_back(server().db(i).size());
    for (std::string_view k : keys) {
      if (const auto* e = entry(d, k)) {
        codis::server::Digest digest{};
        codis::server::mix_object_digest(digest, e->value, false);
        out.keys[std::string(k)] = {codis::server::to_hex(digest), server().db(d).expire_of(*e)};
      }
    }
    return out;
  }

  bool takes_keys(std::string_view key) {
    const SlotState st = server().slot_states().at(codis::cmd::slot_of(key)).state;
    return st == SlotState::kOwned || st == SlotState::kImporting;
  }

  // Where the key is now in db d: its entry, or nullptr.
  const codis::server::Entry* entry(int d, std::string_view key) {
    return server().db(d).peek(key, server().now_ms());
  }

  // The expiry a message's ttl argument asks for: none for 0, else now + ttl, which must not overflow (a
  // message that succeeded had a ttl the server could add).
  int64_t expiry_for(std::string_view ttl) {
    const int64_t t = std::strtoll(std::string(ttl).c_str(), nullptr, 10);
    int64_t at = 0;
    FUZZ_CHECK(!__builtin_add_overflow(server().now_ms(), t, &at));
    return t == 0 ? -1 : at;
  }

  void unchanged(const Snapshot& before, const Snapshot& after, std::string_view what) {
    if (after != before) {
      std::fprintf(stderr, "%s changed the keyspace:\n", std::string(what).c_str());
      for (size_t d = 0; d < before.sizes.size(); ++d) {
        if (before.sizes[d] != after.sizes[d])
          std::fprintf(stderr, "  db %zu: %zu keys, now %zu\n", d, before.sizes[d], after.sizes[d]);
      }
      for (const auto& [k, v] : before.keys) {
        auto it = after.keys.find(k);
        if (it == after.keys.end() || it->second != v) {
          std::fprintf(stderr, "  '%s' was %s/%lld, now %s\n", printable(k).c_str(), v.first.c_str(),
                       static_cast<long long>(v.second),
                       it == after.keys.end() ? "gone" : it->second.first.c_str());
        }
      }
      for (const auto& [k, v] : after.keys) {
        if (!before.keys.contains(k)) std::fprintf(stderr, "  '%s' is new\n", printable(k).c_str());
      }
    }
    FUZZ_CHECK(after == before);
  }

  // Runs one command on link l and checks its reply against the oracles of the header comment.
  void exec(Link& l, std::span<const std::string_view> argv) {
    Client& c = *l.client;
    const std::string name = lower(argv[0]);
    const std::string kind = argv.size() >= 2 ? lower(argv[1]) : "";
    const int db = c.db;  // the message runs in the db the link selected before it
    const std::vector<std::string_view> keys = named_keys(argv, name == "slotsrestore");
    const Snapshot before = snapshot(db, keys);
    const bool was_authenticated = c.authenticated;
    // Decided before the message runs: a key's slot may only take keys when it is owned or importing.
    bool all_take = true;
    for (std::string_view k : keys) all_take = all_take && takes_keys(k);
    std::string out;
    codis::resp::ReplyWriter w(&out, c.protocol);
    server().execute(c, argv, w);
    l.parser->set_authenticated(c.authenticated);
    if (trace())
      std::fprintf(stderr, "  -> %s%s\n", printable(out).c_str(), c.close_after_reply ? " (close)" : "");
    const Value r = one_reply(out);

    if (name == "slotsrestore") {
      FUZZ_CHECK(r.kind == Kind::kError || (r.kind == Kind::kSimpleString && r.str == "OK"));
      if (r.kind == Kind::kError) {
        unchanged(before, snapshot(db, keys), "a refused SLOTSRESTORE");
      } else {
        FUZZ_CHECK((argv.size() - 1) % 3 == 0 && all_take);
        // The last triple for a key wins.
        std::map<std::string_view, std::string_view> ttl;
        for (size_t i = 1; i + 2 < argv.size(); i += 3) ttl[argv[i]] = argv[i + 1];
        for (const auto& [key, t] : ttl) {
          const auto* e = entry(db, key);
          FUZZ_CHECK(e != nullptr && server().db(db).expire_of(*e) == expiry_for(t));
        }
      }
    } else if (name == "slotsrestore-async" || name == "slotsrestore-async-auth" ||
               name == "slotsrestore-async-select") {
      // The dispatcher's refusals come before the handler and are ordinary errors, not ACKs.
      const bool bad_arity = name == "slotsrestore-async" ? argv.size() < 2 : argv.size() != 2;
      const bool noauth =
          !server().config().requirepass.empty() && !was_authenticated && name != "slotsrestore-async-auth";
      if (bad_arity || noauth) {
        const std::string want = bad_arity ? "ERR wrong number of arguments for '" + name + "' command"
                                           : "NOAUTH Authentication required.";
        if (r.kind != Kind::kError || r.str != want) std::fprintf(stderr, "expected -%s\n", want.c_str());
        FUZZ_CHECK(r.kind == Kind::kError && r.str == want);
        FUZZ_CHECK(!c.close_after_reply);
        unchanged(before, snapshot(db, keys), "a refused message");
        return;
      }
      FUZZ_CHECK(r.kind == Kind::kArray && r.elems.size() == 3);
      for (const Value& e : r.elems) FUZZ_CHECK(e.kind == Kind::kBulkString);
      FUZZ_CHECK(r.elems[0].str == "SLOTSRESTORE-ASYNC-ACK");
      FUZZ_CHECK(r.elems[1].str == "0" || r.elems[1].str == "-1");
      const bool ok = r.elems[1].str == "0";
      FUZZ_CHECK(c.close_after_reply == !ok);
      if (!ok) {
        unchanged(before, snapshot(db, keys), "a message acked -1");
        return;
      }
      if (name == "slotsrestore-async-auth") {
        FUZZ_CHECK(c.authenticated);
      } else if (name == "slotsrestore-async-select" || kind == "select") {
        FUZZ_CHECK(std::to_string(c.db) == r.elems[2].str);
      } else {
        FUZZ_CHECK(argv.size() >= 3 && all_take);
        const auto* e = entry(db, argv[2]);
        if (kind == "del") {
          FUZZ_CHECK(e == nullptr);
          return;
        }
        FUZZ_CHECK(e != nullptr && argv.size() >= 4);
        FUZZ_CHECK(server().db(db).expire_of(*e) == expiry_for(argv[3]));
        if (kind != "expire" && kind != "object") {
          FUZZ_CHECK(r.elems[2].str == std::to_string(codis::server::value_length(e->value)));
        }
      }
    }
  }

  Sim sim_;
  std::array<Link, kLinks> links_;
  Client admin_;  // the dashboard (SLOTSSETSTATE) and the oracle's own reads
  uint64_t epoch_ = 0;
};

// SLOTSRESTORE-ASYNC <kind> ... as the source would build it, from the input.
std::vector<std::string> async_message(Reader& in) {
  const std::string kind = pick(kKinds, in.byte());
  std::vector<std::string> argv = {"SLOTSRESTORE-ASYNC", kind};
  const std::string k = lower(kind);
  if (k == "select") {
    argv.push_back(pick(kDbs, in.byte()));
  } else if (!k.empty()) {
    argv.push_back(pick(kKeys, in.byte()));
    if (k != "del") {
      argv.push_back(pick(kInts, in.byte()));  // ttl
      if (k == "object") {
        argv.push_back(payload(in));
      } else if (k != "expire") {
        argv.push_back(pick(kInts, in.byte()));  // hint
        const uint8_t n = in.byte();
        // Hash and zset chunks take pairs; an odd count tests their arity check.
        const size_t elems = (k == "hash" || k == "zset") && (n & 0x40) == 0 ? (n % 5) * 2 : n % 7;
        for (size_t e = 0; e < elems; ++e) argv.push_back(pick(kElems, in.byte()));
      }
    }
  }
  const uint8_t extra = in.byte();
  if (extra >= 0xf0) {
    for (int e = extra % 8; e > 0; --e) argv.push_back(pick(kElems, in.byte()));
  }
  return argv;
}

std::vector<std::string> slotsrestore(Reader& in) {
  const uint8_t count = in.byte();
  std::vector<std::string> argv = {"SLOTSRESTORE"};
  for (int t = count % 4 + 1; t > 0; --t) {
    argv.push_back(pick(kKeys, in.byte()));
    argv.push_back(pick(kInts, in.byte()));
    argv.push_back(payload(in));
  }
  if ((count & 0x80) != 0) argv.push_back(pick(kKeys, in.byte()));
  return argv;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  payloads();  // made once, before the first input's server exists
  Reader in(data, size);
  const uint8_t conf = in.byte();
  const bool cluster = (conf & 1) != 0;
  Harness h(cluster, (conf & 2) != 0, (conf & 4) != 0);
  size_t link = 0;
  for (size_t step = 0; step < kMaxSteps && !in.empty(); ++step) {
    const uint8_t op = in.byte();
    if (op < 10) {
      const uint8_t n = in.byte();
      h.feed(link, in.bytes(n));
    } else if (op < 20) {
      h.advance(kAdvanceMs[in.byte() % std::size(kAdvanceMs)]);
    } else if (op < 30) {
      link = in.byte() % kLinks;
    } else if (op < 220) {
      std::vector<std::string> argv;
      if (op < 70) {
        argv = slotsrestore(in);
      } else if (op < 180) {
        argv = async_message(in);
      } else if (op < 200) {
        argv = {"SLOTSRESTORE-ASYNC-AUTH", (in.byte() & 1) == 0 ? "pw" : "wrong"};
      } else {
        argv = {"SLOTSRESTORE-ASYNC-SELECT", pick(kDbs, in.byte())};
      }
      if (in.done()) break;
      h.message(link, argv);
    } else {
      const uint8_t s = in.byte();
      const uint8_t state = in.byte();
      const uint8_t epoch = in.byte();
      if (in.done()) break;
      const std::string slots =
          s >= 240 ? "0-1023" : std::to_string(codis::cmd::slot_of(kKeys[s % std::size(kKeys)]));
      h.set_state(slots, state, epoch);
    }
    h.check_invariants();
    if (step % 16 == 15) h.slots_check();
  }
  h.slots_check();
  return 0;
}
