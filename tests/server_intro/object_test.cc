// OBJECT ENCODING's computation (server/encoding.h) including the sticky flags, MEMORY USAGE estimates,
// LATENCY HISTOGRAM, and RESP3 forms of the introspection replies.
#include <gtest/gtest.h>

#include "server/encoding.h"
#include "server/memory_usage.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

TEST(Encoding, Strings) {
  EXPECT_EQ(string_encoding("123"), "int");
  EXPECT_EQ(string_encoding("-9223372036854775808"), "int");
  EXPECT_EQ(string_encoding("9223372036854775808"), "embstr");
  EXPECT_EQ(string_encoding("0123"), "embstr");
  EXPECT_EQ(string_encoding(std::string(44, 'a')), "embstr");
  EXPECT_EQ(string_encoding(std::string(45, 'a')), "raw");
  EXPECT_EQ(string_encoding("123", enc::kRawString), "raw");  // APPEND, SETRANGE, SETBIT...
  EXPECT_EQ(string_encoding("3", enc::kNoInt), "embstr");     // INCRBYFLOAT
  EXPECT_EQ(string_encoding(std::string(45, '1'), enc::kNoInt), "raw");
}

TEST(Encoding, ContainersFollowTheLimitsAndStayBigOnceConverted) {
  Config c;
  c.set_max_intset_entries = 2;
  SetValue s = {"1", "2"};
  EXPECT_EQ(set_encoding(s, c), "intset");
  EXPECT_EQ(set_encoding(s, c, enc::kBig), "hashtable");
  s.insert("3");
  EXPECT_EQ(set_encoding(s, c), "hashtable");
  HashValue h;
  h["f"] = "v";
  EXPECT_EQ(hash_encoding(h, c), "listpack");
  EXPECT_EQ(hash_encoding(h, c, enc::kBig), "hashtable");
  h["g"] = std::string(65, 'x');
  EXPECT_EQ(hash_encoding(h, c), "hashtable");
}

TEST(Encoding, MarksMakeConversionsSticky) {
  Config c;
  c.set_max_intset_entries = 2;
  c.hash_max_listpack_entries = 2;
  Object s = Object::set();
  for (const char* m : {"1", "2", "3"}) {
    s.set_value().insert(m);
    note_set_add(s, m, c);
  }
  EXPECT_EQ(object_encoding(s, c), "hashtable");
  s.set_value().erase("3");
  EXPECT_EQ(object_encoding(s, c), "hashtable");  // Redis never converts back

  Object h = Object::hash();
  h.hash_value()["f"] = std::string(100, 'v');
  note_hash_set(h, "f", std::string(100, 'v'), c);
  h.hash_value()["f"] = "v";
  EXPECT_EQ(object_encoding(h, c), "hashtable");

  Object str("123");
  EXPECT_EQ(object_encoding(str, c), "int");
  mark_raw_string(str);
  EXPECT_EQ(object_encoding(str, c), "raw");
  mark_int_string(str);
  EXPECT_EQ(object_encoding(str, c), "int");
  mark_float_string(str);
  EXPECT_EQ(object_encoding(str, c), "embstr");
  Object copy = str.clone();
  EXPECT_EQ(object_encoding(copy, c), "embstr");  // COPY keeps the encoding
}

TEST(Memory, MallocChunks) {
  EXPECT_EQ(malloc_chunk(0), 0u);
  EXPECT_EQ(malloc_chunk(1), 32u);
  EXPECT_EQ(malloc_chunk(24), 32u);
  EXPECT_EQ(malloc_chunk(25), 48u);
  EXPECT_EQ(malloc_chunk(40), 48u);
  EXPECT_EQ(malloc_chunk(1000), 1008u);
}

int64_t usage(ServerFixture& f, std::string_view key, std::string_view samples = "5") {
  const std::string r = f.run({"memory", "usage", key, "samples", samples});
  EXPECT_EQ(r[0], ':') << r;
  return std::stoll(r.substr(1));
}

TEST(Memory, UsageGrowsWithTheValue) {
  ServerFixture f;
  f.cmd("set small v");
  f.run({"set", "big", std::string(1000, 'x')});
  const int64_t small = usage(f, "small"), big = usage(f, "big");
  EXPECT_GE(small, 32);
  EXPECT_LE(small, 128);
  EXPECT_GE(big - small, 950);  // the small block's slack counts too
  EXPECT_LE(big - small, 1100);
  f.cmd("expire small 100");
  EXPECT_GT(usage(f, "small"), small);  // the expiry record

  for (int i = 0; i < 100; ++i) {
    f.run({"rpush", "l", std::string(100, static_cast<char>('a' + i % 26))});
    f.run({"sadd", "s", std::to_string(i) + std::string(50, 'm')});
    f.run({"hset", "h", "f" + std::to_string(i), std::string(30, 'v')});
    f.run({"zadd", "z", std::to_string(i), "member" + std::to_string(i)});
  }
  EXPECT_GE(usage(f, "l"), 100 * 100);
  EXPECT_GE(usage(f, "s"), 100 * 50);
  EXPECT_GE(usage(f, "h"), 100 * 30);
  EXPECT_GE(usage(f, "z"), 100 * 8);
  // Sampling extrapolates from uniform elements: close to the full count.
  const int64_t all = usage(f, "l", "0"), sampled = usage(f, "l", "5");
  EXPECT_NEAR(static_cast<double>(sampled), static_cast<double>(all), all * 0.05);
  EXPECT_EQ(f.cmd("memory usage nokey"), "(nil)");
}

TEST(Memory, DoctorStatsPurge) {
  ServerFixture f;
  EXPECT_NE(f.cmd("memory doctor").find("Hi Sam"), std::string::npos);
  const std::string stats = f.cmd("memory stats");
  EXPECT_NE(stats.find("'peak.allocated'"), std::string::npos) << stats;
  EXPECT_NE(stats.find("'keys.count', :0"), std::string::npos) << stats;
  f.cmd("set a b");
  EXPECT_NE(f.cmd("memory stats").find("'db.0', ['overhead.hashtable.main'"), std::string::npos);
  EXPECT_EQ(f.cmd("memory purge"), "+OK");
  EXPECT_EQ(f.cmd("memory malloc-stats"), "'Stats not supported for the current allocator'");
}

TEST(Latency, HistogramReportsCommandsThatRan) {
  ServerFixture f;
  f.cmd("set a 1");
  f.cmd("set a 2");
  const std::string h = f.cmd("latency histogram set get");
  EXPECT_EQ(h.substr(0, 22), "['set', ['calls', :2, ") << h;
  EXPECT_EQ(f.cmd("latency histogram nosuch"), "[]");
}

TEST(Resp3, IntrospectionReplies) {
  ServerFixture f;
  f.cmd("hello 3");
  EXPECT_EQ(f.raw({"object", "encoding", "nokey"}), "_\r\n");
  EXPECT_EQ(f.raw({"memory", "usage", "nokey"}), "_\r\n");
  EXPECT_EQ(f.raw({"latency", "doctor"}).substr(0, 9), "=292\r\ntxt");
  EXPECT_EQ(f.raw({"command", "getkeysandflags", "set", "a", "b"}),
            "*1\r\n*2\r\n$1\r\na\r\n~2\r\n+OW\r\n+update\r\n");
  EXPECT_EQ(f.raw({"command", "docs", "nosuch"}), "%0\r\n");
}

}  // namespace
}  // namespace codis::server::testing

namespace codis::server::testing {
namespace {

TEST(Object, IdletimeCountsFromTheLastAccessAndObjectDoesNotTouch) {
  ServerFixture f;
  f.cmd("set k hello");
  f.cmd("get k");  // Db::set does not stamp the access clock yet
  f.advance(std::chrono::seconds(5));
  EXPECT_EQ(f.cmd("object idletime k"), ":5");
  EXPECT_EQ(f.cmd("object encoding k"), "'embstr'");
  EXPECT_EQ(f.cmd("object idletime k"), ":5");  // OBJECT does not count as an access
  f.cmd("get k");
  EXPECT_EQ(f.cmd("object idletime k"), ":0");
  f.cmd("pexpire k 100");
  f.advance(std::chrono::seconds(1));
  EXPECT_EQ(f.cmd("object idletime k"), "(nil)");
  EXPECT_EQ(f.cmd("dbsize"), ":0");  // the expired key went
}

}  // namespace
}  // namespace codis::server::testing

namespace codis::server::testing {
namespace {

// Redis 7.0 looks keys up with LOOKUP_NOTOUCH in TYPE, EXISTS, the TTL family, OBJECT, and SCAN/KEYS/
// RANDOMKEY: none of them resets OBJECT IDLETIME; a read such as GET does.
TEST(NoTouch, IdletimeIsNotResetByNoTouchLookups) {
  ServerFixture f;
  f.cmd("set k hello");
  f.cmd("expire k 1000");
  f.advance(std::chrono::seconds(7));
  for (const char* c : {"type k", "exists k", "exists k k", "ttl k", "pttl k", "expiretime k",
                        "pexpiretime k", "object encoding k", "object refcount k", "object freq k", "scan 0",
                        "scan 0 type string", "keys *", "randomkey"}) {
    f.cmd(c);
    EXPECT_EQ(f.cmd("object idletime k"), ":7") << c;
  }
  f.cmd("get k");
  EXPECT_EQ(f.cmd("object idletime k"), ":0");
}

TEST(NoTouch, IdletimeIsResetByReadsAndWrites) {
  ServerFixture f;
  for (const char* c : {"get k", "strlen k", "touch k", "dump k", "persist k", "append k x"}) {
    f.cmd("set k hello");
    f.advance(std::chrono::seconds(3));
    ASSERT_EQ(f.cmd("object idletime k"), ":3") << c;
    f.cmd(c);
    EXPECT_EQ(f.cmd("object idletime k"), ":0") << c;
  }
}

// Not touching is not skipping lazy expiry: each of these lookups deletes the expired key it meets.
TEST(NoTouch, LookupsStillExpireKeys) {
  ServerFixture f;
  for (const char* c : {"type k", "exists k", "ttl k", "pttl k", "expiretime k", "pexpiretime k",
                        "object idletime k", "object encoding k"}) {
    f.cmd("set k v px 100");
    f.advance(std::chrono::milliseconds(200));
    ASSERT_EQ(f.cmd("dbsize"), ":1") << c;  // no cron in the fixture: only a lookup expires
    f.cmd(c);
    EXPECT_EQ(f.cmd("dbsize"), ":0") << c;
  }
}

// SCAN deletes the expired keys it walks over once they pass MATCH (scanGenericCommand's expireIfNeeded);
// KEYS only leaves them out.
TEST(NoTouch, ScanExpiresTheKeysItMatchesAndKeysDoesNot) {
  ServerFixture f;
  f.cmd("set a:1 v px 100");
  f.cmd("set b:1 v px 100");
  f.cmd("set a:2 v");
  f.advance(std::chrono::milliseconds(200));
  EXPECT_EQ(f.cmd("keys *"), "['a:2']");
  EXPECT_EQ(f.cmd("dbsize"), ":3");
  EXPECT_EQ(f.cmd("scan 0 match a:* count 1000"), "['0', ['a:2']]");
  EXPECT_EQ(f.cmd("dbsize"), ":2");
  EXPECT_EQ(f.cmd("scan 0 type string count 1000"), "['0', ['a:2']]");
  EXPECT_EQ(f.cmd("dbsize"), ":1");
}

}  // namespace
}  // namespace codis::server::testing
