// maxmemory-policy: which keys each of Redis 7.0's eight policies gives up, and the LFU counter behind
// OBJECT FREQ (values checked against redis-server 7.0.15). Memory is a probe that charges 100 bytes a key.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

// A server whose used memory is 100 bytes per key over every database, limited to `keys` keys' worth. As in
// Redis, eviction runs before a command when memory is already over the limit, so a write can take the
// keyspace to keys + 1 and the next write evicts back down.
struct Limited {
  explicit Limited(const std::string& policy, int keys) {
    f.server().set_memory_probe([this] {
      size_t n = 0;
      for (int i = 0; i < f.server().databases(); ++i) {
        n += f.server().db(i).size();
      }
      return n * 100;
    });
    EXPECT_EQ(f.cmd("config set maxmemory-policy " + policy), "+OK");
    EXPECT_EQ(f.cmd("config set maxmemory " + std::to_string(keys * 100)), "+OK");
  }
  bool exists(const std::string& k) { return f.cmd("exists " + k) == ":1"; }
  ServerFixture f;
};

TEST(Eviction, PolicyNamesAndSettings) {
  ServerFixture f;
  for (const char* p : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                        "allkeys-lfu", "allkeys-random", "noeviction"}) {
    EXPECT_EQ(f.cmd(std::string("config set maxmemory-policy ") + p), "+OK");
    EXPECT_EQ(f.cmd("config get maxmemory-policy"), std::string("['maxmemory-policy', '") + p + "']");
  }
  EXPECT_EQ(
      f.cmd("config set maxmemory-policy bogus"),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one "
      "of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
      "allkeys-lfu, allkeys-random, noeviction");
  EXPECT_EQ(f.cmd("config get maxmemory-samples"), "['maxmemory-samples', '5']");
  EXPECT_EQ(f.cmd("config set maxmemory-samples 0"),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be "
            "between 1 and 2147483647 inclusive");
  EXPECT_EQ(f.cmd("config get lfu-*"), "['lfu-log-factor', '10', 'lfu-decay-time', '1']");
}

TEST(Eviction, VolatileTtlGivesUpTheSoonestToExpire) {
  Limited l("volatile-ttl", 3);
  l.f.cmd("set a 1 px 5000");
  l.f.cmd("set b 1 px 1000");
  l.f.cmd("set c 1 px 3000");
  l.f.cmd("set d 1");
  EXPECT_EQ(l.f.cmd("set e 1"), "+OK");  // 4 keys were one over
  EXPECT_FALSE(l.exists("b"));
  EXPECT_EQ(l.f.cmd("set f 1"), "+OK");
  EXPECT_FALSE(l.exists("c"));
  EXPECT_TRUE(l.exists("a"));
  EXPECT_TRUE(l.exists("d"));
  EXPECT_EQ(l.f.cmd("info stats").find("evicted_keys:2") != std::string::npos, true);
}

TEST(Eviction, VolatilePoliciesKeepKeysWithoutExpiryAndRefuseWhenOnlyThoseAreLeft) {
  for (const char* p : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    Limited l(p, 19);
    for (int i = 0; i < 10; ++i) {
      l.f.cmd("set keep" + std::to_string(i) + " 1");
      l.f.cmd("set tmp" + std::to_string(i) + " 1 ex 100");
    }
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(l.f.cmd("set new" + std::to_string(i) + " 1"), "+OK") << p;
    }
    for (int i = 0; i < 10; ++i) {
      EXPECT_TRUE(l.exists("keep" + std::to_string(i))) << p;
      EXPECT_TRUE(l.exists("new" + std::to_string(i))) << p;
      EXPECT_FALSE(l.exists("tmp" + std::to_string(i))) << p;
    }
    EXPECT_EQ(l.f.cmd("set more 1"), "-OOM command not allowed when used memory > 'maxmemory'.") << p;
    EXPECT_EQ(l.f.cmd("dbsize"), ":20") << p;
  }
}

TEST(Eviction, AllKeysRandomEvictsAnyKey) {
  Limited l("allkeys-random", 9);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(l.f.cmd("set k" + std::to_string(i) + " 1" + (i % 2 ? " ex 100" : "")), "+OK");
  }
  EXPECT_EQ(l.f.cmd("dbsize"), ":10");
}

TEST(Eviction, AllKeysLruGivesUpTheIdlest) {
  Limited l("allkeys-lru", 9);
  EXPECT_EQ(l.f.cmd("config set maxmemory-samples 200"), "+OK");  // sees every key
  for (int i = 0; i < 10; ++i) {
    l.f.cmd("set k" + std::to_string(i) + " 1");
    l.f.advance(rt::seconds(1));
  }
  l.f.cmd("get k0");  // k0 is now the most recent; k1 the idlest
  l.f.cmd("set n 1");
  EXPECT_TRUE(l.exists("k0"));
  EXPECT_FALSE(l.exists("k1"));
}

TEST(Eviction, AllKeysLfuGivesUpTheLeastUsed) {
  Limited l("allkeys-lfu", 9);
  EXPECT_EQ(l.f.cmd("config set maxmemory-samples 200"), "+OK");
  EXPECT_EQ(l.f.cmd("config set lfu-log-factor 0"), "+OK");  // every access counts
  for (int i = 0; i < 10; ++i) {
    l.f.cmd("set k" + std::to_string(i) + " 1");
    for (int j = 0; j < (i == 7 ? 0 : 3); ++j) {
      l.f.cmd("get k" + std::to_string(i));
    }
  }
  l.f.cmd("set n 1");
  EXPECT_FALSE(l.exists("k7"));
}

TEST(Eviction, LfuCounterAsRedisKeepsIt) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("set k v"), "+OK");
  EXPECT_EQ(
      f.cmd("object freq k"),
      "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
      "switching between policies at runtime LRU and LFU data will take some time to adjust.");
  f.cmd("config set maxmemory-policy allkeys-lfu");
  f.cmd("config set lfu-log-factor 0");
  f.cmd("del k");
  EXPECT_EQ(f.cmd("set k v"), "+OK");
  EXPECT_EQ(f.cmd("object freq k"), ":5");
  f.cmd("get k");
  f.cmd("get k");
  f.cmd("get k");
  EXPECT_EQ(f.cmd("object freq k"), ":8");
  EXPECT_EQ(f.cmd("set k v2"), "+OK");
  EXPECT_EQ(f.cmd("object freq k"), ":9") << "an overwrite counts as an access and keeps the counter";
  EXPECT_EQ(
      f.cmd("object idletime k"),
      "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
      "between policies at runtime LRU and LFU data will take some time to adjust.");
  f.advance(rt::seconds(180));
  EXPECT_EQ(f.cmd("object freq k"), ":6") << "one less per lfu-decay-time minute";
  f.cmd("config set lfu-decay-time 0");
  EXPECT_EQ(f.cmd("object freq k"), ":9") << "no decay";
  // RESTORE ... FREQ sets the counter under LFU (IDLETIME is ignored there).
  const std::string payload = f.raw({"dump", "k"});
  ASSERT_EQ(payload.substr(0, 1), "$");
  const std::string bytes =
      payload.substr(payload.find("\r\n") + 2, payload.size() - payload.find("\r\n") - 4);
  EXPECT_EQ(f.run_args({"restore", "r", "0", bytes, "freq", "100"}), "+OK");
  EXPECT_EQ(f.cmd("object freq r"), ":100");
  // With the default log factor, increments get rarer as the counter grows.
  f.cmd("config set lfu-log-factor 10");
  for (int i = 0; i < 1000; ++i) {
    f.cmd("get r");
  }
  const int freq = std::stoi(f.cmd("object freq r").substr(1));
  EXPECT_GE(freq, 100);
  EXPECT_LE(freq, 104);
}

TEST(Eviction, VolatileDrawsAreUniformAmongKeysWithAnExpiry) {
  ServerFixture f;
  for (int i = 0; i < 1000; ++i) {
    f.cmd("set plain" + std::to_string(i) + " 1");
  }
  for (int i = 0; i < 10; ++i) {
    f.cmd("set v" + std::to_string(i) + " 1 ex " + std::to_string(i == 9 ? 86400 : 60));
  }
  f.cmd("del v3");  // a swap-removal in the middle
  f.cmd("persist v5");
  rt::Random r(7);
  std::map<std::string, int> seen;
  for (int i = 0; i < 4000; ++i) {
    ++seen[f.server().db(0).random_volatile_key([&r](uint64_t n) { return r.uniform(0, n - 1); })];
  }
  EXPECT_EQ(seen.size(), 8u);
  for (const auto& [k, n] : seen) {
    EXPECT_EQ(k[0], 'v');
    EXPECT_NE(k, "v3");
    EXPECT_NE(k, "v5");
    EXPECT_GT(n, 350) << k;  // 500 expected each
  }
}

TEST(Eviction, AnEmptyKeyNameIsAKeyLikeAnyOther) {
  Limited l("volatile-ttl", 6);
  EXPECT_EQ(l.f.run({"set", "", "1", "ex", "100"}), "+OK");
  for (int i = 0; i < 5; ++i) {  // enough later-expiring keys whatever the freed-bytes estimate
    EXPECT_EQ(l.f.cmd("set x" + std::to_string(i) + " 1 ex 200"), "+OK");
  }
  EXPECT_EQ(l.f.cmd("set a 1"), "+OK");
  EXPECT_EQ(l.f.cmd("set b 1"), "+OK");
  EXPECT_EQ(l.f.run({"exists", ""}), ":0") << "\"\" expires first, so it went first";
}

// RENAME and MOVE carry the value's access stamp to its new name (Redis moves the object): under LFU the
// counter, which their own lookup of the key has just raised (7, 8, 9 as redis-server 7.0.15).
TEST(Eviction, RenameAndMoveKeepTheCounter) {
  ServerFixture f;
  f.cmd("config set maxmemory-policy allkeys-lfu");
  f.cmd("config set lfu-log-factor 0");
  f.cmd("set k v");  // not an integer: Redis would share "1" and count its accesses together
  f.cmd("get k");
  f.cmd("get k");
  EXPECT_EQ(f.cmd("object freq k"), ":7");
  f.cmd("rename k k2");
  EXPECT_EQ(f.cmd("object freq k2"), ":8");
  f.cmd("move k2 1");
  f.cmd("select 1");
  EXPECT_EQ(f.cmd("object freq k2"), ":9");
}

}  // namespace
}  // namespace codis::server::testing
