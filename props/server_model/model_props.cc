// A stateful RapidCheck model of codis-server's engine: random command sequences (strings, expiry with a
// virtual clock, lists, hashes, sets, sorted sets, TYPE, RENAME, DBSIZE) run through Server::execute on a
// simulated process and against model.h's in-memory model; every reply must equal the model's exact RESP2
// reply (HGETALL and SMEMBERS compared sorted). A few keys only, so types collide (WRONGTYPE) and values
// grow. The cron is not running, so expiry is lazy on both sides; DBSIZE may count keys whose time passed
// while nothing looked at them, so it is checked between the live and the stored key counts.
//
// 200 cases by default (RC_PARAMS overrides, e.g. RC_PARAMS="max_success=2000 seed=7").
// CODIS_MODEL_EXPIRE_AT_DEADLINE=1 expects keys to expire at now == deadline instead of Redis's now >
// deadline.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "props/pick.h"
#include "props/server_model/model.h"
#include "resp/encoder.h"
#include "resp/reply_parser.h"
#include "resp/reply_writer.h"
#include "server/server.h"
#include "sim/process.h"
#include "sim/world.h"

namespace codis::server::model {
namespace {

// Before RapidCheck reads its configuration (on first use): 200 cases unless RC_PARAMS says otherwise.
const bool kDefaultParams = [] {
  setenv("RC_PARAMS", "max_success=200", /*overwrite=*/0);
  return true;
}();

// The system under test: one client of a server on a simulated process that is never started (no cron).
struct Sut {
  Sut() {
    sim::WorldOptions o;
    o.seed = 1;
    world = std::make_unique<sim::World>(std::move(o));
    auto& host = world->add_host("h1");
    proc = &world->add_process(host, "codis-server", [](rt::Env&) -> rt::Task<void> { co_return; });
    server = std::make_unique<Server>(proc->env(), Config{});
    client.id = server->next_client_id();
    client.authenticated = true;
    server->add_client(&client);
  }
  ~Sut() { server->remove_client(&client); }

  std::string execute(const std::vector<std::string>& argv) {
    std::vector<std::string_view> v(argv.begin(), argv.end());
    std::string out;
    resp::ReplyWriter w(&out, 2);
    server->execute(client, v, w);
    return out;
  }
  void advance(int64_t ms) { world->run_until(world->now() + rt::milliseconds(ms)); }

  std::unique_ptr<sim::World> world;
  sim::Process* proc = nullptr;
  std::unique_ptr<Server> server;
  Client client;
};

// The reply with its top-level array sorted as the model sorts it; the raw bytes if it does not parse.
std::string normalise(const std::string& raw, Order order) {
  if (order == Order::kExact) return raw;
  resp::ReplyParser p;
  resp::Value v;
  const auto r = p.parse(raw, v);
  if (!r.ok() || r.consumed != raw.size() || v.kind != resp::Kind::kArray) return raw;
  if (order == Order::kSortedElements) {
    std::sort(v.elems.begin(), v.elems.end(), [](const auto& x, const auto& y) { return x.str < y.str; });
  } else {
    std::vector<std::pair<resp::Value, resp::Value>> pairs;
    for (size_t i = 0; i + 1 < v.elems.size(); i += 2) pairs.emplace_back(v.elems[i], v.elems[i + 1]);
    std::sort(pairs.begin(), pairs.end(),
              [](const auto& x, const auto& y) { return x.first.str < y.first.str; });
    v.elems.clear();
    for (auto& [f, val] : pairs) {
      v.elems.push_back(std::move(f));
      v.elems.push_back(std::move(val));
    }
  }
  return resp::encode(v, 2);
}

std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 32 || c >= 127) {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool g_zsets = true;  // set by the test after checking that ZADD is served

// Generators: few keys, small values, the numbers where the edge cases are.
std::string key() {
  return *rc::gen::elementOf(std::vector<std::string>{"a", "b", "c", "d"});
}
std::string str_value() {
  return *rc::gen::elementOf(std::vector<std::string>{
      "", "1", "10", "-5", "x", "hello", "9223372036854775807", "-9223372036854775808", "007", "a\r\nb"});
}
std::string element() {
  return *rc::gen::elementOf(std::vector<std::string>{"x", "y", "z", "1", "10", ""});
}
std::string index() {
  return *rc::gen::elementOf(std::vector<std::string>{"0", "1", "2", "5", "-1", "-2", "-3", "-100", "100"});
}
std::string score() {
  return *rc::gen::elementOf(std::vector<std::string>{"-1", "0", "1", "1.5", "2", "3", "10", "inf", "-inf"});
}
std::string bound() {
  return *rc::gen::elementOf(
      std::vector<std::string>{"-inf", "+inf", "0", "1", "(1", "1.5", "2", "(2", "(-inf", "10", "(10"});
}

enum class Op {
  kSet,
  kGet,
  kAppend,
  kIncrBy,
  kDel,
  kExists,
  kStrlen,
  kGetRange,
  kSetRange,
  kExpire,
  kPexpire,
  kTtl,
  kPttl,
  kPersist,
  kAdvance,
  kPush,
  kPop,
  kLrange,
  kLlen,
  kLindex,
  kLrem,
  kLtrim,
  kHset,
  kHdel,
  kHget,
  kHlen,
  kHgetall,
  kSadd,
  kSrem,
  kSismember,
  kScard,
  kSmembers,
  kZadd,
  kZrem,
  kZscore,
  kZcard,
  kZrange,
  kZrangeByScore,
  kType,
  kRename,
  kDbsize
};

std::vector<std::string> generate(Op op, int64_t* advance_ms) {
  const std::string k = key();
  auto repeat = [](size_t lo, size_t hi, auto gen) {
    std::vector<std::string> out;
    const size_t n = *rc::gen::inRange(lo, hi + 1);
    for (size_t i = 0; i < n; ++i) {
      for (auto& s : gen()) out.push_back(std::move(s));
    }
    return out;
  };
  auto with = [](std::vector<std::string> head, const std::vector<std::string>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  switch (op) {
    case Op::kSet: {
      std::vector<std::string> a{"SET", k, str_value()};
      const int cond = codis::props::choice(4);
      if (cond == 1) a.push_back("NX");
      if (cond == 2) a.push_back("XX");
      if (codis::props::choice(3) == 0) a.push_back("GET");
      const int ttl = codis::props::choice(6);
      if (ttl == 1) a.insert(a.end(), {"EX", *rc::gen::elementOf(std::vector<std::string>{"1", "2", "10"})});
      if (ttl == 2 || ttl == 3) {
        a.insert(a.end(),
                 {"PX", *rc::gen::elementOf(std::vector<std::string>{"1", "100", "500", "1000", "2500"})});
      }
      if (ttl == 4) a.push_back("KEEPTTL");
      if (ttl == 5 && codis::props::choice(4) == 0) {
        a.insert(a.end(), {*rc::gen::elementOf(std::vector<std::string>{"EX", "PX"}), "0"});
      }
      return a;
    }
    case Op::kGet:
      return {"GET", k};
    case Op::kAppend:
      return {"APPEND", k, str_value()};
    case Op::kIncrBy:
      return {"INCRBY", k,
              *rc::gen::elementOf(std::vector<std::string>{"1", "-1", "5", "100", "9223372036854775807",
                                                           "-9223372036854775808"})};
    case Op::kDel:
      return with({"DEL"}, repeat(1, 3, [] { return std::vector<std::string>{key()}; }));
    case Op::kExists:
      return with({"EXISTS"}, repeat(1, 3, [] { return std::vector<std::string>{key()}; }));
    case Op::kStrlen:
      return {"STRLEN", k};
    case Op::kGetRange:
      return {"GETRANGE", k, index(), index()};
    case Op::kSetRange:
      return {"SETRANGE", k, *rc::gen::elementOf(std::vector<std::string>{"0", "1", "3", "10", "-1"}),
              str_value()};
    case Op::kExpire:
      return {"EXPIRE", k, *rc::gen::elementOf(std::vector<std::string>{"-1", "0", "1", "2", "10"})};
    case Op::kPexpire:
      return {"PEXPIRE", k,
              *rc::gen::elementOf(std::vector<std::string>{"-5", "0", "1", "500", "1000", "1500"})};
    case Op::kTtl:
      return {"TTL", k};
    case Op::kPttl:
      return {"PTTL", k};
    case Op::kPersist:
      return {"PERSIST", k};
    case Op::kAdvance:
      *advance_ms = *rc::gen::elementOf(std::vector<int64_t>{1, 10, 499, 500, 501, 999, 1000, 1500, 5000});
      return {};
    case Op::kPush:
      return with({*rc::gen::elementOf(std::vector<std::string>{"LPUSH", "RPUSH"}), k},
                  repeat(1, 4, [] { return std::vector<std::string>{element()}; }));
    case Op::kPop: {
      std::vector<std::string> a{*rc::gen::elementOf(std::vector<std::string>{"LPOP", "RPOP"}), k};
      if (*rc::gen::arbitrary<bool>()) {
        a.push_back(*rc::gen::elementOf(std::vector<std::string>{"0", "1", "2", "10"}));
      }
      return a;
    }
    case Op::kLrange:
      return {"LRANGE", k, index(), index()};
    case Op::kLlen:
      return {"LLEN", k};
    case Op::kLindex:
      return {"LINDEX", k, index()};
    case Op::kLrem:
      return {"LREM", k, *rc::gen::elementOf(std::vector<std::string>{"0", "1", "2", "-1", "-2"}), element()};
    case Op::kLtrim:
      return {"LTRIM", k, index(), index()};
    case Op::kHset:
      return with({"HSET", k}, repeat(1, 3, [] { return std::vector<std::string>{element(), str_value()}; }));
    case Op::kHdel:
      return with({"HDEL", k}, repeat(1, 3, [] { return std::vector<std::string>{element()}; }));
    case Op::kHget:
      return {"HGET", k, element()};
    case Op::kHlen:
      return {"HLEN", k};
    case Op::kHgetall:
      return {"HGETALL", k};
    case Op::kSadd:
      return with({"SADD", k}, repeat(1, 4, [] { return std::vector<std::string>{element()}; }));
    case Op::kSrem:
      return with({"SREM", k}, repeat(1, 3, [] { return std::vector<std::string>{element()}; }));
    case Op::kSismember:
      return {"SISMEMBER", k, element()};
    case Op::kScard:
      return {"SCARD", k};
    case Op::kSmembers:
      return {"SMEMBERS", k};
    case Op::kZadd: {
      std::vector<std::string> a{"ZADD", k};
      const int flags = codis::props::choice(8);
      if (flags == 1) a.push_back("NX");
      if (flags == 2) a.push_back("XX");
      if (flags == 3 || flags == 4) a.push_back("CH");
      if (flags == 4) a.push_back(*rc::gen::elementOf(std::vector<std::string>{"NX", "XX"}));
      return with(a, repeat(1, 3, [] { return std::vector<std::string>{score(), element()}; }));
    }
    case Op::kZrem:
      return with({"ZREM", k}, repeat(1, 3, [] { return std::vector<std::string>{element()}; }));
    case Op::kZscore:
      return {"ZSCORE", k, element()};
    case Op::kZcard:
      return {"ZCARD", k};
    case Op::kZrange: {
      std::vector<std::string> a{"ZRANGE", k, index(), index()};
      if (*rc::gen::arbitrary<bool>()) a.push_back("WITHSCORES");
      return a;
    }
    case Op::kZrangeByScore: {
      std::vector<std::string> a{"ZRANGEBYSCORE", k, bound(), bound()};
      if (*rc::gen::arbitrary<bool>()) a.push_back("WITHSCORES");
      return a;
    }
    case Op::kType:
      return {"TYPE", k};
    case Op::kRename:
      return {"RENAME", k, key()};
    case Op::kDbsize:
      return {"DBSIZE"};
  }
  return {"PING"};
}

Op pick_op() {
  std::vector<std::pair<size_t, Op>> w = {
      {4, Op::kSet},     {3, Op::kGet},      {1, Op::kAppend},   {2, Op::kIncrBy},   {2, Op::kDel},
      {1, Op::kExists},  {1, Op::kStrlen},   {1, Op::kGetRange}, {1, Op::kSetRange}, {2, Op::kExpire},
      {2, Op::kPexpire}, {2, Op::kTtl},      {2, Op::kPttl},     {1, Op::kPersist},  {4, Op::kAdvance},
      {4, Op::kPush},    {3, Op::kPop},      {2, Op::kLrange},   {1, Op::kLlen},     {1, Op::kLindex},
      {1, Op::kLrem},    {1, Op::kLtrim},    {3, Op::kHset},     {1, Op::kHdel},     {1, Op::kHget},
      {1, Op::kHlen},    {1, Op::kHgetall},  {3, Op::kSadd},     {1, Op::kSrem},     {1, Op::kSismember},
      {1, Op::kScard},   {1, Op::kSmembers}, {2, Op::kType},     {1, Op::kRename},   {2, Op::kDbsize}};
  if (g_zsets) {
    w.insert(w.end(), {{3, Op::kZadd},
                       {1, Op::kZrem},
                       {1, Op::kZscore},
                       {1, Op::kZcard},
                       {2, Op::kZrange},
                       {2, Op::kZrangeByScore}});
  }
  std::vector<Op> ops;  // each op as many times as its weight
  for (const auto& [n, op] : w) ops.insert(ops.end(), n, op);
  return *rc::gen::elementOf(ops);
}

struct Step : rc::state::Command<Model, Sut> {
  int64_t advance_ms = 0;
  std::vector<std::string> argv = generate(pick_op(), &advance_ms);

  void apply(Model& m) const override {
    if (argv.empty()) {
      m.advance(advance_ms);
    } else if (argv[0] != "DBSIZE") {
      m.execute(argv);
    }
  }

  void run(const Model& m, Sut& s) const override {
    if (argv.empty()) {
      s.advance(advance_ms);
      RC_ASSERT(s.server->now_ms() == m.now() + advance_ms);
      return;
    }
    const std::string got = s.execute(argv);
    if (argv[0] == "DBSIZE") {
      resp::ReplyParser p;
      resp::Value v;
      const auto r = p.parse(got, v);
      RC_ASSERT(r.ok() && v.kind == resp::Kind::kInteger);
      RC_ASSERT(static_cast<size_t>(v.num) >= m.live_count());
      RC_ASSERT(static_cast<size_t>(v.num) <= m.stored_count());
      return;
    }
    Model next = m;
    const Expected want = next.execute(argv);
    const std::string norm = normalise(got, want.order);
    if (norm != want.resp) {
      RC_FAIL("reply differs: model " + printable(want.resp) + " server " + printable(got));
    }
  }

  void show(std::ostream& os) const override {
    if (argv.empty()) {
      os << "<advance " << advance_ms << " ms>";
      return;
    }
    for (size_t i = 0; i < argv.size(); ++i) os << (i ? " " : "") << '"' << printable(argv[i]) << '"';
  }
};

bool zadd_works() {
  Sut s;
  return s.execute({"ZADD", "z", "1", "m"}) == ":1\r\n" && s.execute({"ZSCORE", "z", "m"}) == "$1\r\n1\r\n";
}

TEST(ServerModel, ZaddIsServed) {
  EXPECT_TRUE(zadd_works()) << "ZADD does not work in this build: the model leaves sorted sets out";
}

RC_GTEST_PROP(ServerModel, RepliesMatchTheModel, ()) {
  (void)kDefaultParams;
  static const bool zsets = zadd_works();
  g_zsets = zsets;
  Sut sut;
  Model model(sut.server->now_ms());
  // CODIS_MODEL_EXPIRE_AT_DEADLINE=1: expect a key gone already at its deadline (see model.h).
  const char* at_deadline = std::getenv("CODIS_MODEL_EXPIRE_AT_DEADLINE");
  model.set_expire_at_deadline(at_deadline != nullptr && at_deadline[0] == '1');
  rc::state::check(model, sut, rc::state::gen::execOneOfWithArgs<Step>());
}

}  // namespace
}  // namespace codis::server::model
