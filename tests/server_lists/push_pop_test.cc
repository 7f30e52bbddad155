// LPUSH/RPUSH/LPUSHX/RPUSHX and LPOP/RPOP with and without COUNT, in RESP2 and RESP3.
#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using ListTest = RawServerTest;

TEST_F(ListTest, PushReturnsLengthAndKeepsOrder) {
  EXPECT_EQ(run({"rpush", "l", "a", "b"}), integer(2));
  EXPECT_EQ(run({"lpush", "l", "x", "y"}), integer(4));
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"y", "x", "a", "b"}));
  EXPECT_EQ(run({"type", "l"}), "+list\r\n");
}

TEST_F(ListTest, PushxOnlyOnExistingLists) {
  EXPECT_EQ(run({"lpushx", "l", "a"}), integer(0));
  EXPECT_EQ(run({"rpushx", "l", "a"}), integer(0));
  EXPECT_EQ(run({"exists", "l"}), integer(0));
  exec({"rpush", "l", "m"});
  EXPECT_EQ(run({"lpushx", "l", "a", "b"}), integer(3));
  EXPECT_EQ(run({"rpushx", "l", "z"}), integer(4));
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"b", "a", "m", "z"}));
}

TEST_F(ListTest, PushOnWrongTypeAndArity) {
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"lpush", "s", "a"}), kWrongType);
  EXPECT_EQ(run({"rpushx", "s", "a"}), kWrongType);
  EXPECT_EQ(run({"lpush", "l"}), err("ERR wrong number of arguments for 'lpush' command"));
  EXPECT_EQ(run({"get", "s"}), bulk("v"));
}

TEST_F(ListTest, PopWithoutCount) {
  exec({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(run({"lpop", "l"}), bulk("a"));
  EXPECT_EQ(run({"rpop", "l"}), bulk("c"));
  EXPECT_EQ(run({"rpop", "l"}), bulk("b"));
  EXPECT_EQ(run({"exists", "l"}), integer(0));  // an emptied list is deleted
  EXPECT_EQ(run({"lpop", "l"}), kNull);
  EXPECT_EQ(run({"rpop", "l"}), kNull);
}

TEST_F(ListTest, PopWithCount) {
  exec({"rpush", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(run({"lpop", "l", "2"}), bulks({"a", "b"}));
  EXPECT_EQ(run({"rpop", "l", "1"}), bulks({"e"}));
  EXPECT_EQ(run({"lpop", "l", "0"}), kEmpty);
  EXPECT_EQ(run({"rpop", "l", "100"}), bulks({"d", "c"}));
  EXPECT_EQ(run({"exists", "l"}), integer(0));
  EXPECT_EQ(run({"lpop", "l", "0"}), kNullArray);
  EXPECT_EQ(run({"lpop", "l", "3"}), kNullArray);
}

TEST_F(ListTest, PopErrors) {
  const std::string range = err("ERR value is out of range, must be positive");
  exec({"rpush", "l", "a"});
  EXPECT_EQ(run({"lpop", "l", "-1"}), range);
  EXPECT_EQ(run({"rpop", "l", "x"}), range);
  EXPECT_EQ(run({"lpop", "nokey", "-1"}), range);  // the count is checked before the key
  EXPECT_EQ(run({"lpop", "l", "9223372036854775808"}), range);
  EXPECT_EQ(run({"lpop", "l", "1", "2"}), err("ERR wrong number of arguments for 'lpop' command"));
  EXPECT_EQ(run({"rpop", "l", "1", "2"}), err("ERR wrong number of arguments for 'rpop' command"));
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"lpop", "s"}), kWrongType);
  EXPECT_EQ(run({"lpop", "s", "0"}), kWrongType);
  EXPECT_EQ(run({"llen", "l"}), integer(1));
}

TEST_F(ListTest, PopNullsInResp3) {
  resp3();
  EXPECT_EQ(run({"lpop", "nokey"}), kNull3);
  EXPECT_EQ(run({"rpop", "nokey", "2"}), kNull3);
  exec({"rpush", "l", "x"});
  EXPECT_EQ(run({"lpop", "l", "0"}), kEmpty);
  EXPECT_EQ(run({"lpop", "l", "5"}), bulks({"x"}));
}

TEST_F(ListTest, ExpiredListIsGone) {
  exec({"rpush", "l", "a"});
  exec({"pexpire", "l", "100"});
  sleep_ms(200);
  EXPECT_EQ(run({"lpop", "l"}), kNull);
  EXPECT_EQ(run({"rpushx", "l", "b"}), integer(0));
  EXPECT_EQ(run({"lpush", "l", "b"}), integer(1));
  EXPECT_EQ(run({"ttl", "l"}), integer(-1));
}

TEST_F(ListTest, WritesKeepTheTtlUntilTheListEmpties) {
  exec({"rpush", "l", "a", "b"});
  exec({"expire", "l", "100"});
  exec({"rpush", "l", "c"});
  exec({"lmove", "l", "l", "left", "right"});
  exec({"lpop", "l"});
  EXPECT_EQ(run({"ttl", "l"}), integer(100));
  exec({"rpop", "l", "5"});
  exec({"rpush", "l", "a"});
  EXPECT_EQ(run({"ttl", "l"}), integer(-1));
}

TEST_F(ListTest, WritesInvalidateWatch) {
  exec({"rpush", "l", "a", "b"});
  exec({"watch", "l"});
  exec({"rpop", "l"});
  exec({"multi"});
  exec({"ping"});
  EXPECT_EQ(run({"exec"}), kNullArray);
}

TEST_F(ListTest, FailedWritesDoNotInvalidateWatch) {
  exec({"rpush", "l", "a"});
  exec({"watch", "l", "nokey"});
  exec({"lpop", "l", "0"});
  exec({"lpushx", "nokey", "a"});
  exec({"lrem", "l", "0", "zz"});
  exec({"linsert", "l", "before", "zz", "q"});
  exec({"multi"});
  exec({"ping"});
  EXPECT_EQ(run({"exec"}), arr({"+PONG\r\n"}));
}

}  // namespace
}  // namespace codis::server::testing
