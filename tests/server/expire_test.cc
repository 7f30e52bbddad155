// Expiry on virtual time: lazy expiry at the exact millisecond, TTL rounding, the EXPIRE options, and the
// absolute forms. The server's cron is not running, so only lazy expiry deletes keys here.
#include <gtest/gtest.h>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

TEST(Expire, LazyExpiryAtTheExactMillisecond) {
  ServerFixture f;
  f.cmd("set k v px 1000");
  f.advance(rt::milliseconds(999));
  EXPECT_EQ(f.cmd("pttl k"), ":1");
  EXPECT_EQ(f.cmd("get k"), "'v'");
  f.advance(rt::milliseconds(1));
  EXPECT_EQ(f.cmd("pttl k"), ":0") << "Redis's keyIsExpired is now > deadline: alive through it";
  f.advance(rt::milliseconds(1));
  EXPECT_EQ(f.cmd("dbsize"), ":1") << "not deleted yet: nothing has touched it";
  EXPECT_EQ(f.cmd("get k"), "(nil)");
  EXPECT_EQ(f.cmd("dbsize"), ":0") << "the lookup deleted it";
  EXPECT_EQ(f.cmd("ttl k"), ":-2");
}

TEST(Expire, TtlRoundsToNearestSecond) {
  ServerFixture f;
  f.cmd("set k v px 10000");
  for (auto [elapsed, ttl] :
       {std::pair{0, ":10"}, {499, ":10"}, {1, ":10"}, {1, ":9"}, {8999, ":1"}, {499, ":0"}}) {
    f.advance(rt::milliseconds(elapsed));
    EXPECT_EQ(f.cmd("ttl k"), ttl);
  }
}

TEST(Expire, AbsoluteTimesAndExpiretimeRounding) {
  ServerFixture f;
  const int64_t now = f.now_ms();
  f.cmd("set k v");
  EXPECT_EQ(f.run({"PEXPIREAT", "k", std::to_string(now + 10700)}), ":1");
  EXPECT_EQ(f.cmd("pexpiretime k"), ":" + std::to_string(now + 10700));
  // Redis rounds EXPIRETIME like TTL: (ms + 500) / 1000.
  EXPECT_EQ(f.cmd("expiretime k"), ":" + std::to_string((now + 10700 + 500) / 1000));
  EXPECT_EQ(f.cmd("pttl k"), ":10700");
  EXPECT_EQ(f.run({"EXPIREAT", "k", std::to_string(now / 1000 + 100)}), ":1");
  EXPECT_EQ(f.cmd("expiretime k"), ":" + std::to_string(now / 1000 + 100));
  // A time already past deletes the key and still answers 1.
  EXPECT_EQ(f.run({"PEXPIREAT", "k", std::to_string(now)}), ":1");
  EXPECT_EQ(f.cmd("exists k"), ":0");
  EXPECT_EQ(f.cmd("expiretime k"), ":-2");
}

TEST(Expire, Options) {
  ServerFixture f;
  f.cmd("set k v");
  EXPECT_EQ(f.cmd("expire k 100 xx"), ":0");
  EXPECT_EQ(f.cmd("expire k 100 gt"), ":0") << "no TTL counts as infinite";
  EXPECT_EQ(f.cmd("expire k 100 lt"), ":1");
  EXPECT_EQ(f.cmd("expire k 100 nx"), ":0");
  EXPECT_EQ(f.cmd("expire k 100 gt"), ":0") << "equal is not greater";
  EXPECT_EQ(f.cmd("expire k 100 lt"), ":0") << "equal is not less";
  EXPECT_EQ(f.cmd("pexpire k 100001 gt xx"), ":1");
  EXPECT_EQ(f.cmd("pttl k"), ":100001");
  EXPECT_EQ(f.cmd("expire k 10 LT xx"), ":1");
  EXPECT_EQ(f.cmd("ttl k"), ":10");
  EXPECT_EQ(f.cmd("expire k 10 nx gt"),
            "-ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(f.cmd("expire k abc gt lt"), "-ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(f.cmd("expire k abc bogus"), "-ERR Unsupported option bogus");
  EXPECT_EQ(f.cmd("expire k -1 lt"), ":1");
  EXPECT_EQ(f.cmd("exists k"), ":0");
}

TEST(Expire, WritesAndTtl) {
  ServerFixture f;
  f.cmd("set k v ex 100");
  f.cmd("append k x");
  f.cmd("setrange k 0 y");
  f.cmd("incrbyfloat n 1");
  EXPECT_EQ(f.cmd("ttl k"), ":100") << "in-place changes keep the TTL";
  f.cmd("getset k z");
  EXPECT_EQ(f.cmd("ttl k"), ":-1") << "GETSET replaces the value and its TTL";
  f.cmd("set k v ex 100");
  f.cmd("mset k w");
  EXPECT_EQ(f.cmd("ttl k"), ":-1");
  f.cmd("set k v ex 100");
  EXPECT_EQ(f.cmd("persist k"), ":1");
  EXPECT_EQ(f.cmd("persist k"), ":0");
  EXPECT_EQ(f.cmd("ttl k"), ":-1");
}

TEST(Expire, ExpiredKeysAreMissingForEveryCommand) {
  ServerFixture f;
  f.cmd("set s v px 10");
  f.cmd("rpush l a");
  f.cmd("pexpire l 10");
  f.advance(rt::milliseconds(11));
  EXPECT_EQ(f.cmd("setnx s v2"), ":1");
  EXPECT_EQ(f.cmd("rpush l b"), ":1") << "a new list, not the expired one";
  f.cmd("set t v px 10");
  f.advance(rt::milliseconds(11));
  EXPECT_EQ(f.cmd("exists t"), ":0");
  EXPECT_EQ(f.cmd("type t"), "+none");
  EXPECT_EQ(f.cmd("incr t"), ":1");
  EXPECT_EQ(f.cmd("ttl t"), ":-1");
  f.cmd("set u v px 10");
  f.advance(rt::milliseconds(11));
  EXPECT_EQ(f.cmd("msetnx u 1 w 2"), ":1");
  EXPECT_EQ(f.cmd("copy u w"), ":0");
  EXPECT_EQ(f.cmd("set x v px 10 get"), "(nil)");
  f.advance(rt::milliseconds(11));
  EXPECT_EQ(f.cmd("set x v2 xx"), "(nil)");
}

}  // namespace
}  // namespace codis::server::testing

namespace codis::server::testing {
namespace {

// Redis keeps the data set still while clients are paused: an expired key reads as missing but is not
// deleted, by lookups or by the active cycle, until the pause ends (CLIENT UNPAUSE or its timeout).
TEST(Expire, NothingExpiresWhileClientsArePaused) {
  ServerFixture f;
  f.cmd("set k v px 100");
  f.cmd("set other v px 100");
  EXPECT_EQ(f.cmd("client pause 10000 write"), "+OK");
  f.advance(rt::milliseconds(200));
  EXPECT_EQ(f.cmd("get k"), "(nil)") << "reads see it expired";
  EXPECT_EQ(f.cmd("exists k"), ":0");
  f.server().expire_cycle();
  EXPECT_EQ(f.cmd("dbsize"), ":2") << "neither the lookup nor the active cycle deleted anything";
  EXPECT_EQ(f.cmd("client unpause"), "+OK");
  EXPECT_EQ(f.cmd("get k"), "(nil)");
  EXPECT_EQ(f.cmd("dbsize"), ":1") << "after the pause the lookup deletes it";
  f.server().expire_cycle();
  EXPECT_EQ(f.cmd("dbsize"), ":0") << "and the active cycle runs again";
}

TEST(Expire, APauseThatRunsOutLetsTheActiveCycleExpireAgain) {
  ServerFixture f;
  f.cmd("set k v px 100");
  EXPECT_EQ(f.cmd("client pause 1000 write"), "+OK");
  f.advance(rt::milliseconds(500));
  f.server().expire_cycle();
  EXPECT_EQ(f.cmd("dbsize"), ":1");
  f.advance(rt::milliseconds(600));  // the pause is over; no command has noticed yet
  f.server().expire_cycle();
  EXPECT_EQ(f.cmd("dbsize"), ":0");
}

// EXISTS, TYPE and the TTL family look keys up without touching them but still count keyspace hits and
// misses (Redis's lookupKeyReadWithFlags with LOOKUP_NOTOUCH).
TEST(Expire, NoTouchLookupsCountKeyspaceHitsAndMisses) {
  ServerFixture f;
  f.cmd("set k v");
  f.cmd("config resetstat");
  f.cmd("exists k nokey");
  f.cmd("type k");
  f.cmd("ttl nokey");
  f.cmd("pttl k");
  f.cmd("touch k");
  const std::string info = f.cmd("info stats");
  EXPECT_NE(info.find("keyspace_hits:4"), std::string::npos) << info;
  EXPECT_NE(info.find("keyspace_misses:2"), std::string::npos) << info;
}

}  // namespace
}  // namespace codis::server::testing
