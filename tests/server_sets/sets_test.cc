// SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SMOVE and the set algebra, replies compared with
// what redis-server 7.0.15 sends.
#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using V = std::vector<std::string>;
using SetsTest = RawServerTest;

TEST_F(SetsTest, AddRemoveCardinality) {
  EXPECT_EQ(run({"sadd", "s", "a", "b", "a"}), ":2\r\n");
  EXPECT_EQ(run({"sadd", "s", "b", "c"}), ":1\r\n");
  EXPECT_EQ(run({"scard", "s"}), ":3\r\n");
  EXPECT_EQ(run({"scard", "none"}), ":0\r\n");
  EXPECT_EQ(members({"smembers", "s"}), (V{"a", "b", "c"}));
  EXPECT_EQ(run({"srem", "s", "a", "x", "a"}), ":1\r\n");
  EXPECT_EQ(run({"srem", "none", "a"}), ":0\r\n");
  EXPECT_EQ(run({"srem", "s", "b", "c"}), ":2\r\n");
  EXPECT_EQ(run({"exists", "s"}), ":0\r\n");  // emptied sets are deleted
  EXPECT_EQ(run({"smembers", "s"}), "*0\r\n");
}

// A stored result is built like Redis's: an intset converted for good by its first non-integer member,
// so removing that member later leaves it "hashtable" (redis-server 7.0.15).
TEST_F(SetsTest, StoredResultsKeepTheirConversion) {
  EXPECT_EQ(run({"sadd", "{t}a", "c", "5"}), ":2\r\n");
  EXPECT_EQ(run({"sinterstore", "{t}k", "{t}a", "{t}a"}), ":2\r\n");
  EXPECT_EQ(run({"object", "encoding", "{t}k"}), "$9\r\nhashtable\r\n");
  EXPECT_EQ(run({"smove", "{t}k", "{t}b", "c"}), ":1\r\n");
  EXPECT_EQ(run({"object", "encoding", "{t}k"}), "$9\r\nhashtable\r\n");
  EXPECT_EQ(run({"sunionstore", "{t}u", "{t}a"}), ":2\r\n");
  EXPECT_EQ(run({"srem", "{t}u", "c"}), ":1\r\n");
  EXPECT_EQ(run({"object", "encoding", "{t}u"}), "$9\r\nhashtable\r\n");
  EXPECT_EQ(run({"sadd", "{t}i", "1", "2"}), ":2\r\n");
  EXPECT_EQ(run({"sdiffstore", "{t}d", "{t}i"}), ":2\r\n");
  EXPECT_EQ(run({"object", "encoding", "{t}d"}), "$6\r\nintset\r\n");
}

TEST_F(SetsTest, Membership) {
  run({"sadd", "s", "a", "b"});
  EXPECT_EQ(run({"sismember", "s", "a"}), ":1\r\n");
  EXPECT_EQ(run({"sismember", "s", "z"}), ":0\r\n");
  EXPECT_EQ(run({"sismember", "none", "a"}), ":0\r\n");
  EXPECT_EQ(run({"smismember", "s", "a", "z", "b"}), "*3\r\n:1\r\n:0\r\n:1\r\n");
  EXPECT_EQ(run({"smismember", "none", "a"}), "*1\r\n:0\r\n");
}

TEST_F(SetsTest, WrongType) {
  run({"set", "str", "x"});
  for (auto argv : std::vector<std::vector<std::string_view>>{{"sadd", "str", "a"},
                                                              {"srem", "str", "a"},
                                                              {"smembers", "str"},
                                                              {"sismember", "str", "a"},
                                                              {"smismember", "str", "a"},
                                                              {"scard", "str"},
                                                              {"spop", "str"},
                                                              {"spop", "str", "0"},
                                                              {"srandmember", "str"},
                                                              {"srandmember", "str", "0"},
                                                              {"sinter", "none", "str"},
                                                              {"sintercard", "2", "none", "str"},
                                                              {"sinterstore", "d", "none", "str"},
                                                              {"sunion", "none", "str"},
                                                              {"sdiff", "none", "str"},
                                                              {"sdiffstore", "d", "none", "str"},
                                                              {"sscan", "str", "0"},
                                                              {"smove", "str", "d", "a"}}) {
    EXPECT_EQ(run_vec(argv), kWrongType) << argv[0];
  }
  EXPECT_EQ(run({"get", "str"}), "$1\r\nx\r\n");
}

TEST_F(SetsTest, Resp3RepliesSets) {
  resp3();
  run({"sadd", "s", "a"});
  EXPECT_EQ(run({"smembers", "s"}), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(run({"smembers", "none"}), "~0\r\n");
  EXPECT_EQ(run({"sinter", "s"}), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(run({"sinter", "none"}), "~0\r\n");
  EXPECT_EQ(run({"sunion", "s", "none"}), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(run({"sdiff", "none", "s"}), "~0\r\n");
  EXPECT_EQ(run({"smismember", "s", "a"}), "*1\r\n:1\r\n");
  EXPECT_EQ(run({"srandmember", "s", "1"}), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(run({"srandmember", "none", "3"}), "*0\r\n");
  EXPECT_EQ(run({"srandmember", "none"}), "_\r\n");
  EXPECT_EQ(run({"spop", "none"}), "_\r\n");
  EXPECT_EQ(run({"spop", "none", "1"}), "~0\r\n");
  EXPECT_EQ(run({"spop", "s", "0"}), "~0\r\n");
  EXPECT_EQ(run({"spop", "s", "5"}), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(run({"sscan", "s", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_F(SetsTest, Smove) {
  run({"sadd", "s", "a", "b"});
  run({"set", "str", "x"});
  EXPECT_EQ(run({"smove", "s", "s", "a"}), ":1\r\n");
  EXPECT_EQ(run({"smove", "s", "s", "z"}), ":0\r\n");
  EXPECT_EQ(run({"smove", "none", "str", "a"}), ":0\r\n");  // missing source wins over the wrong type
  EXPECT_EQ(run({"smove", "s", "str", "a"}), kWrongType);
  EXPECT_EQ(run({"smove", "s", "d", "z"}), ":0\r\n");
  EXPECT_EQ(run({"smove", "s", "d", "a"}), ":1\r\n");
  EXPECT_EQ(run({"smove", "s", "d", "b"}), ":1\r\n");
  EXPECT_EQ(run({"exists", "s"}), ":0\r\n");
  EXPECT_EQ(members({"smembers", "d"}), (V{"a", "b"}));
  run({"sadd", "e", "a"});
  EXPECT_EQ(run({"smove", "e", "d", "a"}), ":1\r\n");  // already in the destination: still moved
  EXPECT_EQ(run({"exists", "e"}), ":0\r\n");
  EXPECT_EQ(run({"scard", "d"}), ":2\r\n");
}

TEST_F(SetsTest, Algebra) {
  run({"sadd", "a", "1", "2", "3", "4"});
  run({"sadd", "b", "2", "3", "5"});
  run({"sadd", "c", "3", "4", "2"});
  EXPECT_EQ(members({"sinter", "a", "b", "c"}), (V{"2", "3"}));
  EXPECT_EQ(members({"sinter", "a", "a"}), (V{"1", "2", "3", "4"}));
  EXPECT_EQ(members({"sinter", "a", "none"}), V{});
  EXPECT_EQ(members({"sunion", "a", "b", "none"}), (V{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(members({"sdiff", "a", "b"}), (V{"1", "4"}));
  EXPECT_EQ(members({"sdiff", "a", "b", "c"}), (V{"1"}));
  EXPECT_EQ(members({"sdiff", "a", "a"}), V{});
  EXPECT_EQ(members({"sdiff", "a", "none"}), (V{"1", "2", "3", "4"}));
  EXPECT_EQ(members({"sdiff", "none", "a"}), V{});
}

TEST_F(SetsTest, Stores) {
  run({"sadd", "a", "1", "2", "3"});
  run({"sadd", "b", "2", "3", "4"});
  run({"set", "dst", "x"});
  run({"expire", "dst", "100"});
  EXPECT_EQ(run({"sinterstore", "dst", "a", "b"}), ":2\r\n");
  EXPECT_EQ(members({"smembers", "dst"}), (V{"2", "3"}));
  EXPECT_EQ(run({"ttl", "dst"}), ":-1\r\n");  // the old value's TTL goes with it
  EXPECT_EQ(run({"sunionstore", "dst", "a", "b"}), ":4\r\n");
  EXPECT_EQ(run({"sdiffstore", "dst", "a", "b"}), ":1\r\n");
  EXPECT_EQ(members({"smembers", "dst"}), (V{"1"}));
  // The destination may be a source.
  EXPECT_EQ(run({"sunionstore", "a", "a", "b"}), ":4\r\n");
  EXPECT_EQ(members({"smembers", "a"}), (V{"1", "2", "3", "4"}));
  // An empty result deletes the destination, whatever it held.
  run({"set", "str", "x"});
  EXPECT_EQ(run({"sinterstore", "str", "a", "none"}), ":0\r\n");
  EXPECT_EQ(run({"exists", "str"}), ":0\r\n");
  EXPECT_EQ(run({"sdiffstore", "dst", "b", "a"}), ":0\r\n");
  EXPECT_EQ(run({"exists", "dst"}), ":0\r\n");
  EXPECT_EQ(run({"sunionstore", "dst", "none"}), ":0\r\n");
}

TEST_F(SetsTest, Sintercard) {
  run({"sadd", "a", "1", "2", "3"});
  run({"sadd", "b", "1", "2", "3", "4"});
  EXPECT_EQ(run({"sintercard", "2", "a", "b"}), ":3\r\n");
  EXPECT_EQ(run({"sintercard", "2", "a", "b", "limit", "2"}), ":2\r\n");
  EXPECT_EQ(run({"sintercard", "2", "a", "b", "LIMIT", "0"}), ":3\r\n");
  EXPECT_EQ(run({"sintercard", "1", "a", "limit", "1", "limit", "5"}), ":3\r\n");
  EXPECT_EQ(run({"sintercard", "2", "a", "none"}), ":0\r\n");
  const std::string numkeys = "-ERR numkeys should be greater than 0\r\n";
  EXPECT_EQ(run({"sintercard", "0", "a"}), numkeys);
  EXPECT_EQ(run({"sintercard", "-1", "a"}), numkeys);
  EXPECT_EQ(run({"sintercard", "x", "a"}), numkeys);
  EXPECT_EQ(run({"sintercard", "3", "a", "b"}),
            "-ERR Number of keys can't be greater than number of args\r\n");
  const std::string limit = "-ERR LIMIT can't be negative\r\n";
  EXPECT_EQ(run({"sintercard", "1", "a", "limit", "-1"}), limit);
  EXPECT_EQ(run({"sintercard", "1", "a", "limit", "x"}), limit);
  EXPECT_EQ(run({"sintercard", "1", "none", "limit", "-1"}), limit);
  EXPECT_EQ(run({"sintercard", "1", "a", "foo", "1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(run({"sintercard", "1", "a", "limit"}), "-ERR syntax error\r\n");
  EXPECT_EQ(run({"sintercard", "1", "none", "a"}), "-ERR syntax error\r\n");
}

TEST_F(SetsTest, WritesTouchWatchers) {
  Client other;
  other.authenticated = true;
  other.id = server().next_client_id();
  server().add_client(&other);
  auto in_other = [&](std::initializer_list<std::string_view> argv) {
    std::string out;
    resp::ReplyWriter w(&out);
    std::vector<std::string_view> v(argv);
    server().execute(other, v, w);
    return out;
  };
  run({"sadd", "s", "a"});
  EXPECT_EQ(run({"watch", "s"}), "+OK\r\n");
  in_other({"sadd", "s", "a"});  // no change: does not touch
  run({"multi"});
  run({"scard", "s"});
  EXPECT_EQ(run({"exec"}), "*1\r\n:1\r\n");
  run({"watch", "s"});
  in_other({"spop", "s"});
  run({"multi"});
  run({"scard", "s"});
  EXPECT_EQ(run({"exec"}), "*-1\r\n");
  server().remove_client(&other);
}

}  // namespace
}  // namespace codis::server::testing
