// DEBUG: DIGEST and DIGEST-VALUE byte for byte as Redis 7.0, OBJECT's line, SET-ACTIVE-EXPIRE, HELP and
// the error texts.
//
// The expected digests were read from a real redis-server 7.0.15 (Debian), started as
// `redis-server --port <free port> --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes`,
// by running FLUSHALL, the same commands as each test, and DEBUG DIGEST (or DIGEST-VALUE). The
// serializedlength values come from DEBUG OBJECT on the same server.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "server/families/digest.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

constexpr const char* kZero = "+0000000000000000000000000000000000000000";

TEST(Sha1, KnownVectors) {
  // FIPS 180-2 appendix A (and coreutils sha1sum).
  EXPECT_EQ(to_hex(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(to_hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(to_hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(to_hex(sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

struct DigestCase {
  const char* name;
  std::vector<const char*> commands;
  const char* redis_digest;
};

TEST(DebugDigest, MatchesRedis70) {
  const std::vector<DigestCase> cases = {
      {"empty", {}, "0000000000000000000000000000000000000000"},
      {"string", {"set s hello"}, "a500c6b54937da22f2ac1167da1da852479c7339"},
      {"int-encoded string", {"set n 12345"}, "b5c1d2e75e149529637440c6cd7a1e5c770fb1a3"},
      {"strings",
       {"set s hello", "set n 12345", "set neg -7", "set big 12345678901234567890", "set e ''"},
       "d273faf5d535fc0d51e569280d13023440ca2d3e"},
      {"list", {"rpush l a b c 1 2"}, "54ce859a4dee9a5f56ce65a5913ce53215c35f9f"},
      {"intset", {"sadd si 1 2 3 -5"}, "e3001465022e9cf9183e3637c63b42f8e6bedc7b"},
      {"set", {"sadd ss a b c"}, "edbb2de447db118287b6ad608de1b5d6fa8df305"},
      {"hash", {"hset h f1 v1 f2 2"}, "10045996b25c3c7f5cc75a22773effc1897ce8f3"},
      // Scores go in as "%.17g": 0.1 is "0.10000000000000001", 2.5 "2.5", 1 "1".
      {"zset fractional scores", {"zadd z 1 a 2.5 b -3 c 0.1 d"}, "5248e00d8d97ab27248fd82b56b7b07fb5a8a5bf"},
      {"zset integer scores", {"zadd z 1 a 2 b -3 c"}, "c485623d031e92ae34ece7a11186a6a167d60645"},
      {"zset skiplist",
       {"zadd z 0.1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 1 a"},
       "39cc6587026a1b14611ec425e3744e75018ec559"},
      {"key with TTL", {"set t v EX 1000"}, "5776412b4fddd411d82d35aa1897705a69d096bd"},
      {"db 1 only", {"select 1", "set k v"}, "3efb24844f90383a755c8c3b3dd4be484730a360"},
      {"two dbs", {"set k v", "select 1", "set k v"}, "794cf907ddc694cc1d15645a71582e3d0a57d2a0"},
      {"everything",
       {"set s hello", "set n 12345", "rpush l a b c 1 2", "sadd si 1 2 3 -5", "sadd ss a b c",
        "hset h f1 v1 f2 2", "zadd z 1 a 2.5 b -3 c 0.1 d", "set t v EX 1000", "select 1", "set k v"},
       "ff86f0874e3d9b1e8fdd287da65371c14f655399"},
  };
  for (const auto& c : cases) {
    ServerFixture f;
    for (const char* cmd : c.commands) {
      ASSERT_NE(f.cmd(cmd).substr(0, 1), "-") << c.name << ": " << cmd;
    }
    EXPECT_EQ(f.cmd("select 0"), "+OK");
    EXPECT_EQ(f.cmd("debug digest"), std::string("+") + c.redis_digest) << c.name;
    EXPECT_EQ(f.cmd("debug digest", 1), std::string("+") + c.redis_digest) << c.name << ": any db selected";
  }
}

TEST(DebugDigest, IndependentOfInsertionOrder) {
  ServerFixture a, b;
  a.cmd("sadd s x y z");
  a.cmd("hset h a 1 b 2");
  a.cmd("set k1 v1");
  a.cmd("set k2 v2");
  b.cmd("set k2 v2");
  b.cmd("hset h b 2 a 1");
  b.cmd("sadd s z x y");
  b.cmd("set k1 v1");
  EXPECT_EQ(a.cmd("debug digest"), b.cmd("debug digest"));
  b.cmd("rpush l a b");
  a.cmd("rpush l b a");
  EXPECT_NE(a.cmd("debug digest"), b.cmd("debug digest")) << "list order counts";
}

TEST(DebugDigest, ExpiredButStoredKeysCount) {
  // Redis's digest walks the dictionary without expiring: a key past its time that nothing deleted yet
  // still counts (with its "!!expire!!").
  ServerFixture f;
  f.cmd("set t v px 100");
  f.advance(rt::milliseconds(500));
  EXPECT_EQ(f.cmd("debug digest"), "+5776412b4fddd411d82d35aa1897705a69d096bd");
  EXPECT_EQ(f.cmd("get t"), "(nil)");
  EXPECT_EQ(f.cmd("debug digest"), kZero);
}

TEST(DebugDigestValue, MatchesRedis70) {
  ServerFixture f;
  for (const char* cmd : {"set s hello", "set n 12345", "rpush l a b c 1 2", "zadd z 1 a 2.5 b -3 c 0.1 d",
                          "set t v EX 1000"}) {
    f.cmd(cmd);
  }
  EXPECT_EQ(f.cmd("debug digest-value s n nokey l z t"),
            "[+36b23a1456b2dce2c3ed252c456761301dba8060, +e1cf90774e995ae03de66e8109dc5cb9d9c2dc83, "
            "+0000000000000000000000000000000000000000, +f48a1249517530ff1906fc79ddbf9b687f71f06f, "
            "+3dc7f8b21da75976eeba6d13045a9515124b6c33, +311b17018163335616e089f6b951c82c477335ac]");
  EXPECT_EQ(f.cmd("debug digest-value"), "[]");
  EXPECT_EQ(f.raw({"debug", "digest-value", "nokey"}), "*1\r\n+0000000000000000000000000000000000000000\r\n")
      << "status replies, as Redis";
}

// The "Value at:... lru_seconds_idle:N" line without the address and the clock.
std::string object_line(ServerFixture& f, const std::string& key) {
  const std::string r = f.cmd("debug object " + key);
  static const std::regex kLine(
      R"(\+Value at:0x[0-9a-f]+ (refcount:\d+ encoding:\S+ serializedlength:\d+) lru:\d+ lru_seconds_idle:(\d+)(.*))");
  std::smatch m;
  if (!std::regex_match(r, m, kLine)) {
    return "unexpected: " + r;
  }
  return m[1].str() + " idle:" + m[2].str() + m[3].str();
}

TEST(DebugObject, MatchesRedis70) {
  ServerFixture f;
  for (const char* cmd :
       {"set s hello", "set n 12345", "set k 5", "rpush l a b c 1 2", "sadd si 1 2 3 -5", "sadd ss a b c",
        "hset h f1 v1 f2 2", "zadd z 1 a 2.5 b -3 c 0.1 d", "set t v EX 1000"}) {
    f.cmd(cmd);
  }
  EXPECT_EQ(object_line(f, "s"), "refcount:1 encoding:embstr serializedlength:6 idle:0");
  EXPECT_EQ(object_line(f, "n"), "refcount:1 encoding:int serializedlength:3 idle:0");
  EXPECT_EQ(object_line(f, "k"), "refcount:2147483647 encoding:int serializedlength:2 idle:0")
      << "shared integer";
  EXPECT_EQ(object_line(f, "l"),
            "refcount:1 encoding:quicklist serializedlength:23 idle:0 ql_nodes:1 ql_avg_node:5.00 "
            "ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:20");
  EXPECT_EQ(object_line(f, "si"), "refcount:1 encoding:intset serializedlength:17 idle:0");
  EXPECT_EQ(object_line(f, "ss"), "refcount:1 encoding:hashtable serializedlength:7 idle:0");
  EXPECT_EQ(object_line(f, "h"), "refcount:1 encoding:listpack serializedlength:22 idle:0");
  EXPECT_EQ(object_line(f, "z"), "refcount:1 encoding:listpack serializedlength:44 idle:0");
  EXPECT_EQ(object_line(f, "t"), "refcount:1 encoding:embstr serializedlength:2 idle:0");
  EXPECT_EQ(f.cmd("debug object nokey"), "-ERR no such key");
  f.advance(rt::seconds(7));
  EXPECT_EQ(object_line(f, "s"), "refcount:1 encoding:embstr serializedlength:6 idle:7") << "does not touch";
}

TEST(DebugObject, QuicklistOfManyElements) {
  ServerFixture f;
  std::string cmd = "rpush big";
  for (int i = 1; i <= 300; ++i) {
    cmd += " " + std::to_string(i);
  }
  f.cmd(cmd);
  EXPECT_EQ(object_line(f, "big"),
            "refcount:1 encoding:quicklist serializedlength:784 idle:0 ql_nodes:1 ql_avg_node:300.00 "
            "ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:780");
}

TEST(DebugSetActiveExpire, TurnsTheCycleOffAndOn) {
  ServerFixture f;
  f.cmd("set k v px 100");
  f.advance(rt::milliseconds(200));
  EXPECT_EQ(f.cmd("debug set-active-expire 0"), "+OK");
  EXPECT_FALSE(f.server().active_expire());
  f.server().expire_cycle();
  EXPECT_EQ(f.cmd("dbsize"), ":1") << "the cycle deleted nothing";
  EXPECT_EQ(f.cmd("debug set-active-expire 1"), "+OK");
  f.server().expire_cycle();
  EXPECT_EQ(f.cmd("dbsize"), ":0");
  // Redis keeps atoi(arg): "2" is on, "foo" off.
  EXPECT_EQ(f.cmd("debug set-active-expire foo"), "+OK");
  EXPECT_FALSE(f.server().active_expire());
  EXPECT_EQ(f.cmd("debug set-active-expire 2"), "+OK");
  EXPECT_TRUE(f.server().active_expire());
}

TEST(Debug, ErrorsAndHelp) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("debug"), "-ERR wrong number of arguments for 'debug' command");
  // Unknown subcommands and known ones with the wrong number of arguments: addReplySubcommandSyntaxError.
  for (const auto& [line, sub] :
       std::vector<std::pair<std::string, std::string>>{{"debug foo", "foo"},
                                                        {"debug digest x", "digest"},
                                                        {"debug object a b", "object"},
                                                        {"debug set-active-expire", "set-active-expire"}}) {
    EXPECT_EQ(f.cmd(line),
              "-ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try DEBUG HELP.");
  }
  const std::string help = f.cmd("debug help");
  EXPECT_EQ(help.substr(0, 64), "[+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const char* sub : {"+DIGEST,", "+DIGEST-VALUE <key>", "+OBJECT <key>", "+SET-ACTIVE-EXPIRE <0|1>",
                          "+SLEEP <seconds>", "+PROTOCOL <type>", "+HELP,"}) {
    EXPECT_NE(help.find(sub), std::string::npos) << sub;
  }
  EXPECT_EQ(f.cmd("debug protocol integer"), ":12345");
  // DEBUG RELOAD saves and loads through the running server's disk (tests/server_persist); an engine that
  // is not running cannot, and says so.
  EXPECT_EQ(f.cmd("debug reload"), "-ERR the server is not running, nothing can be saved");
  EXPECT_EQ(f.cmd("debug reload bogus"),
            "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
}

}  // namespace
}  // namespace codis::server::testing
