// Key family: SCAN covers the keyspace across calls, KEYS, RANDOMKEY, databases (SELECT, SWAPDB, MOVE,
// COPY), renaming. Reply texts of the error paths are in data/keys.txt.
#include <gtest/gtest.h>

#include <set>

#include "resp/reply_parser.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

// Runs a whole SCAN (extra options appended) and returns every key returned, with how often.
std::multiset<std::string> full_scan(ServerFixture& f, std::vector<std::string> extra, int* calls = nullptr,
                                     const std::function<void()>& between = {}) {
  std::multiset<std::string> keys;
  std::string cursor = "0";
  int n = 0;
  do {
    std::vector<std::string> argv = {"SCAN", cursor};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::string out;
    resp::ReplyWriter w(&out);
    std::vector<std::string_view> v(argv.begin(), argv.end());
    f.server().execute(f.client(), v, w);
    resp::ReplyParser p;
    resp::Value reply;
    EXPECT_TRUE(p.parse(out, reply).ok()) << out;
    EXPECT_EQ(reply.elems.size(), 2u) << out;
    if (reply.elems.size() != 2) {
      break;
    }
    cursor = reply.elems[0].str;
    for (const auto& k : reply.elems[1].elems) {
      keys.insert(k.str);
    }
    if (between) {
      between();
    }
    ++n;
  } while (cursor != "0" && n < 100000);
  if (calls) {
    *calls = n;
  }
  return keys;
}

TEST(Scan, CoversEveryKeyOnceAcrossCalls) {
  ServerFixture f;
  std::set<std::string> want;
  for (int i = 0; i < 2000; ++i) {
    std::string k = "key:" + std::to_string(i);
    f.run({"SET", k, "v"});
    want.insert(k);
  }
  int calls = 0;
  auto got = full_scan(f, {"COUNT", "7"}, &calls);
  EXPECT_EQ(got.size(), want.size()) << "no key twice";
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want);
  EXPECT_GT(calls, 50) << "COUNT bounds the work per call";
  // Default COUNT, and a huge COUNT in one call.
  EXPECT_EQ(full_scan(f, {}).size(), want.size());
  int one = 0;
  EXPECT_EQ(full_scan(f, {"COUNT", "100000"}, &one).size(), want.size());
  EXPECT_EQ(one, 1);
}

TEST(Scan, MatchAndTypeFilter) {
  ServerFixture f;
  for (int i = 0; i < 300; ++i) {
    f.run({"SET", "s:" + std::to_string(i), "v"});
    f.run({"RPUSH", "l:" + std::to_string(i), "v"});
  }
  auto strings = full_scan(f, {"TYPE", "string", "COUNT", "20"});
  EXPECT_EQ(strings.size(), 300u);
  for (const auto& k : strings) {
    EXPECT_EQ(k.rfind("s:", 0), 0u) << k;
  }
  auto lists = full_scan(f, {"MATCH", "l:1?", "COUNT", "20"});
  EXPECT_EQ(lists, (std::multiset<std::string>{"l:10", "l:11", "l:12", "l:13", "l:14", "l:15", "l:16", "l:17",
                                               "l:18", "l:19"}));
  EXPECT_TRUE(full_scan(f, {"TYPE", "hash"}).empty());
  EXPECT_EQ(full_scan(f, {"TYPE", "LIST", "MATCH", "l:29?"}).size(), 10u) << "TYPE is case-insensitive";
}

TEST(Scan, KeysPresentThroughoutAreReturnedDespiteChurn) {
  ServerFixture f;
  for (int i = 0; i < 500; ++i) {
    f.run({"SET", "stable:" + std::to_string(i), "v"});
  }
  int added = 0;
  auto got = full_scan(f, {"COUNT", "10"}, nullptr, [&] {
    // Writes between calls (adding and deleting other keys) must not hide stable keys.
    f.run({"SET", "churn:" + std::to_string(added), "v"});
    if (added > 3) {
      f.run({"DEL", "churn:" + std::to_string(added - 3)});
    }
    ++added;
  });
  std::set<std::string> stable;
  for (const auto& k : got) {
    if (k.rfind("stable:", 0) == 0) {
      EXPECT_EQ(got.count(k), 1u) << k;
      stable.insert(k);
    }
  }
  EXPECT_EQ(stable.size(), 500u);
}

TEST(Scan, SkipsExpiredKeys) {
  ServerFixture f;
  f.cmd("set live v");
  f.cmd("set dying v px 100");
  f.advance(rt::milliseconds(200));
  EXPECT_EQ(full_scan(f, {}), (std::multiset<std::string>{"live"}));
  EXPECT_EQ(f.cmd("keys *"), "['live']");
}

TEST(Keys, PatternsAndEmptyDb) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("keys *"), "[]");
  EXPECT_EQ(f.cmd("randomkey"), "(nil)");
  f.cmd("mset foo 1 foobar 2 bar 3");
  EXPECT_EQ(unordered(f.cmd("keys foo*")), "['foo', 'foobar']");
  EXPECT_EQ(f.cmd("keys b?r"), "['bar']");
  EXPECT_EQ(f.cmd("keys nothing"), "[]");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    seen.insert(f.cmd("randomkey"));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"'bar'", "'foo'", "'foobar'"}));
}

TEST(Databases, SelectIsPerClientAndSwapdbMovesData) {
  ServerFixture f;
  f.cmd("set k db0");
  EXPECT_EQ(f.cmd("select 3"), "+OK");
  EXPECT_EQ(f.cmd("get k"), "(nil)");
  EXPECT_EQ(f.cmd("get k", 1), "'db0'") << "another client stays in db 0";
  f.cmd("set k db3");
  EXPECT_EQ(f.cmd("dbsize"), ":1");
  EXPECT_EQ(f.cmd("swapdb 0 3"), "+OK");
  EXPECT_EQ(f.cmd("get k"), "'db0'");
  EXPECT_EQ(f.cmd("get k", 1), "'db3'");
  EXPECT_EQ(f.cmd("select 15"), "+OK");
  EXPECT_EQ(f.cmd("select 16"), "-ERR DB index is out of range");
  EXPECT_EQ(f.cmd("flushall"), "+OK");
  EXPECT_EQ(f.cmd("dbsize", 1), ":0");
}

TEST(Databases, MoveAndCopyKeepTtlAndValue) {
  ServerFixture f;
  f.cmd("rpush l a b c");
  f.cmd("pexpire l 5000");
  EXPECT_EQ(f.cmd("copy l l2 db 2"), ":1");
  f.cmd("rpush l d");
  EXPECT_EQ(f.cmd("move l 1"), ":1");
  EXPECT_EQ(f.cmd("exists l"), ":0");
  f.cmd("select 1");
  EXPECT_EQ(f.cmd("lrange l 0 -1"), "['a', 'b', 'c', 'd']");
  EXPECT_EQ(f.cmd("pttl l"), ":5000");
  f.cmd("select 2");
  EXPECT_EQ(f.cmd("lrange l2 0 -1"), "['a', 'b', 'c']") << "COPY is deep";
  EXPECT_EQ(f.cmd("pttl l2"), ":5000");
}

TEST(Rename, CarriesTtlAndReplacesAnyType) {
  ServerFixture f;
  f.cmd("set a 1 px 700");
  f.cmd("rpush b x");
  EXPECT_EQ(f.cmd("rename a b"), "+OK");
  EXPECT_EQ(f.cmd("type b"), "+string");
  EXPECT_EQ(f.cmd("pttl b"), ":700");
  f.cmd("set c 2");
  EXPECT_EQ(f.cmd("renamenx b c"), ":0");
  EXPECT_EQ(f.cmd("renamenx b d"), ":1");
  f.advance(rt::milliseconds(701));
  EXPECT_EQ(f.cmd("rename d e"), "-ERR no such key") << "an expired source is missing";
}

}  // namespace
}  // namespace codis::server::testing
