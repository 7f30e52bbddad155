// String family through Server::execute: the exact RESP bytes of common replies, binary safety, and the
// cases the transcripts (data/strings.txt) cannot express.
#include <gtest/gtest.h>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

TEST(Strings, ReplyBytes) {
  ServerFixture f;
  EXPECT_EQ(f.raw({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(f.raw({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(f.raw({"GET", "missing"}), "$-1\r\n");
  EXPECT_EQ(f.raw({"INCR", "n"}), ":1\r\n");
  EXPECT_EQ(f.raw({"MGET", "k", "missing"}), "*2\r\n$1\r\nv\r\n$-1\r\n");
  EXPECT_EQ(f.raw({"SET", "k", "v", "NX"}), "$-1\r\n");
  EXPECT_EQ(f.raw({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
}

TEST(Strings, BinarySafe) {
  ServerFixture f;
  std::string v("a\0b\r\nc", 6);
  EXPECT_EQ(f.run({"SET", std::string_view("k\0", 2), v}), "+OK");
  EXPECT_EQ(f.raw({"GET", std::string_view("k\0", 2)}), "$6\r\n" + v + "\r\n");
  EXPECT_EQ(f.run({"GET", "k"}), "(nil)");
  EXPECT_EQ(f.run({"STRLEN", std::string_view("k\0", 2)}), ":6");
}

TEST(Strings, SetOptionCombinations) {
  ServerFixture f;
  // Every option may come in any order and case; the expiry kinds exclude each other and KEEPTTL.
  EXPECT_EQ(f.cmd("set k v Px 5000 nX gEt"), "(nil)");
  EXPECT_EQ(f.cmd("pttl k"), ":5000");
  EXPECT_EQ(f.cmd("set k w keepttl xx get"), "'v'");
  EXPECT_EQ(f.cmd("pttl k"), ":5000");
  EXPECT_EQ(f.cmd("set k x xx"), "+OK");
  EXPECT_EQ(f.cmd("pttl k"), ":-1");
  for (const char* bad :
       {"set k v ex 1 px 1", "set k v px 1 exat 1", "set k v exat 1 pxat 1", "set k v keepttl px 1",
        "set k v pxat 1 keepttl", "set k v nx xx", "set k v ex", "set k v persist"}) {
    EXPECT_EQ(f.cmd(bad), "-ERR syntax error") << bad;
  }
  EXPECT_EQ(f.cmd("set k v ex 1 ex 2 ex 3"), "+OK");
  EXPECT_EQ(f.cmd("ttl k"), ":3");
  // The time is checked only after every option: a later syntax error wins over a bad number.
  EXPECT_EQ(f.cmd("set k v ex abc nope"), "-ERR syntax error");
  EXPECT_EQ(f.cmd("set k v ex abc"), "-ERR value is not an integer or out of range");
  EXPECT_EQ(f.cmd("set k v exat 0"), "-ERR invalid expire time in 'set' command");
  // An absolute time in the past stores nothing (the key is gone at once).
  EXPECT_EQ(f.cmd("set k v pxat 1 get"), "'v'");
  EXPECT_EQ(f.cmd("exists k"), ":0");
  EXPECT_EQ(f.cmd("getex k persist persist"), "(nil)");
  EXPECT_EQ(f.cmd("getex k persist px 10"), "-ERR syntax error");
  // GETEX checks the time only for an existing string key (Redis 7.0 order: syntax, key, type, time).
  EXPECT_EQ(f.cmd("getex nokey px 0"), "(nil)");
  EXPECT_EQ(f.cmd("getex nokey ex abc"), "(nil)");
  EXPECT_EQ(f.cmd("getex nokey ex abc foo"), "-ERR syntax error");
  f.cmd("rpush l a");
  EXPECT_EQ(f.cmd("getex l ex abc"), "-WRONGTYPE Operation against a key holding the wrong kind of value");
  f.cmd("set s v");
  EXPECT_EQ(f.cmd("getex s ex abc"), "-ERR value is not an integer or out of range");
  EXPECT_EQ(f.cmd("getex s px 0"), "-ERR invalid expire time in 'getex' command");
}

TEST(Strings, IncrEdgeCases) {
  ServerFixture f;
  for (const char* v : {"1e3", " 1", "1 ", "+1", "01", "-0", "", "0x10", "1.0", "9223372036854775808"}) {
    f.run({"SET", "n", v});
    EXPECT_EQ(f.cmd("incr n"), "-ERR value is not an integer or out of range") << "'" << v << "'";
    EXPECT_EQ(f.cmd("get n"), "'" + std::string(v) + "'") << "a failed INCR must not change the value";
  }
  f.run({"SET", "n", "-9223372036854775808"});
  EXPECT_EQ(f.cmd("decr n"), "-ERR increment or decrement would overflow");
  EXPECT_EQ(f.cmd("incrby n 9223372036854775807"), ":-1");
  EXPECT_EQ(f.cmd("decrby n -9223372036854775808"), "-ERR decrement would overflow");
  EXPECT_EQ(f.cmd("decrby n 9223372036854775807"), ":-9223372036854775808");
  EXPECT_EQ(f.cmd("incrby n -1"), "-ERR increment or decrement would overflow");
  EXPECT_EQ(f.cmd("incrby n 99999999999999999999"), "-ERR value is not an integer or out of range");
  // INCR keeps the TTL (it changes the value in place).
  EXPECT_EQ(f.cmd("set c 5 px 3000"), "+OK");
  EXPECT_EQ(f.cmd("incr c"), ":6");
  EXPECT_EQ(f.cmd("pttl c"), ":3000");
}

TEST(Strings, IncrByFloatFormatting) {
  ServerFixture f;
  struct Case {
    const char* start;
    const char* by;
    const char* want;
  };
  // Results checked against redis-server 7.0.15 (long double arithmetic, %.17Lf, trailing zeros cut).
  for (const Case& c :
       {Case{"10.50", "0.1", "'10.6'"}, Case{"3", "1.1", "'4.1'"}, Case{"5.0e3", "200", "'5200'"},
        Case{"10.6", "-5", "'5.6'"}, Case{"5.6", "5.0e3", "'5005.60000000000000009'"}, Case{"1", "-1", "'0'"},
        Case{"0", "0x10", "'16'"}, Case{"1", "1", "'2'"},
        Case{"0", "1.23456789012345678", "'1.23456789012345678'"}}) {
    f.run({"SET", "f", c.start});
    EXPECT_EQ(f.run({"INCRBYFLOAT", "f", c.by}), c.want) << c.start << " + " << c.by;
  }
  f.run({"SET", "f", "1"});
  EXPECT_EQ(f.cmd("incrbyfloat f nan"), "-ERR value is not a valid float");
  EXPECT_EQ(f.cmd("incrbyfloat f inf"), "-ERR increment would produce NaN or Infinity");
  EXPECT_EQ(f.cmd("incrbyfloat f \" 1\""), "-ERR value is not a valid float");
  EXPECT_EQ(f.cmd("incrbyfloat missing 0.1"), "'0.1'");
}

TEST(Strings, RangesAndLimits) {
  ServerFixture f;
  f.cmd("set s \"Hello World\"");
  EXPECT_EQ(f.cmd("getrange s -100 -50"), "'H'");
  EXPECT_EQ(f.cmd("getrange s -1 -5"), "''");
  EXPECT_EQ(f.cmd("getrange s 11 11"), "''");
  EXPECT_EQ(f.cmd("setrange s 13 !"), ":14");
  EXPECT_EQ(f.cmd("get s"), "'Hello World\\x00\\x00!'");
  EXPECT_EQ(f.cmd("setrange s 536870912 x"), "-ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  EXPECT_EQ(f.cmd("setrange new 536870912 x"),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  EXPECT_EQ(f.cmd("exists new"), ":0");
  // The limit follows proto-max-bulk-len.
  EXPECT_EQ(f.cmd("config set proto-max-bulk-len 1mb"), "+OK");
  EXPECT_EQ(f.cmd("setrange s 1048576 x"), "-ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  EXPECT_EQ(f.cmd("setrange s 1048575 x"), ":1048576");
  EXPECT_EQ(f.cmd("append s x"), "-ERR string exceeds maximum allowed size (proto-max-bulk-len)");
}

TEST(Strings, WrongTypeEverywhere) {
  ServerFixture f;
  f.cmd("lpush l a");
  for (const char* c : {"get l", "getex l", "getdel l", "getset l v", "append l v", "strlen l", "incr l",
                        "decrby l 1", "incrbyfloat l 1", "getrange l 0 1", "setrange l 0 v", "set l v get"}) {
    EXPECT_EQ(f.cmd(c), "-WRONGTYPE Operation against a key holding the wrong kind of value") << c;
  }
  EXPECT_EQ(f.cmd("mget l"), "[(nil)]");
  EXPECT_EQ(f.cmd("setnx l v"), ":0");
  EXPECT_EQ(f.cmd("set l v"), "+OK");
  EXPECT_EQ(f.cmd("type l"), "+string");
}

}  // namespace
}  // namespace codis::server::testing
