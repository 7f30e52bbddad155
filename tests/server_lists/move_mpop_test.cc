// LMOVE, RPOPLPUSH and LMPOP.
#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using ListTest = RawServerTest;

TEST_F(ListTest, LmoveAllDirections) {
  exec({"rpush", "src", "a", "b", "c", "d"});
  EXPECT_EQ(run({"lmove", "src", "dst", "left", "right"}), bulk("a"));
  EXPECT_EQ(run({"lmove", "src", "dst", "RIGHT", "LEFT"}), bulk("d"));
  EXPECT_EQ(run({"lmove", "src", "dst", "left", "left"}), bulk("b"));
  EXPECT_EQ(run({"lmove", "src", "dst", "right", "right"}), bulk("c"));
  EXPECT_EQ(run({"exists", "src"}), integer(0));
  EXPECT_EQ(run({"lrange", "dst", "0", "-1"}), bulks({"b", "d", "a", "c"}));
  EXPECT_EQ(run({"lmove", "src", "dst", "left", "left"}), kNull);
}

TEST_F(ListTest, LmoveSameKeyRotates) {
  exec({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(run({"lmove", "l", "l", "left", "right"}), bulk("a"));
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"b", "c", "a"}));
  EXPECT_EQ(run({"rpoplpush", "l", "l"}), bulk("a"));
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"a", "b", "c"}));
  exec({"rpush", "one", "x"});
  EXPECT_EQ(run({"lmove", "one", "one", "left", "left"}), bulk("x"));
  EXPECT_EQ(run({"lrange", "one", "0", "-1"}), bulks({"x"}));
}

TEST_F(ListTest, LmoveErrors) {
  exec({"rpush", "l", "a"});
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"lmove", "l", "d", "up", "left"}), err("ERR syntax error"));
  EXPECT_EQ(run({"lmove", "l", "d", "left", "down"}), err("ERR syntax error"));
  EXPECT_EQ(run({"lmove", "s", "d", "left", "left"}), kWrongType);
  EXPECT_EQ(run({"lmove", "l", "s", "left", "left"}), kWrongType);
  EXPECT_EQ(run({"lmove", "nokey", "s", "left", "left"}), kNull);  // a missing source wins
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"a"}));        // nothing popped on error
  EXPECT_EQ(run({"rpoplpush", "l", "s"}), kWrongType);
  EXPECT_EQ(run({"rpoplpush", "s", "l"}), kWrongType);
  resp3();
  EXPECT_EQ(run({"rpoplpush", "nokey", "l"}), kNull3);
}

TEST_F(ListTest, Rpoplpush) {
  exec({"rpush", "src", "a", "b"});
  EXPECT_EQ(run({"rpoplpush", "src", "dst"}), bulk("b"));
  EXPECT_EQ(run({"rpoplpush", "src", "dst"}), bulk("a"));
  EXPECT_EQ(run({"rpoplpush", "src", "dst"}), kNull);
  EXPECT_EQ(run({"lrange", "dst", "0", "-1"}), bulks({"a", "b"}));
}

TEST_F(ListTest, LmpopPopsFromFirstNonEmpty) {
  exec({"rpush", "b", "1", "2", "3"});
  exec({"rpush", "c", "x"});
  EXPECT_EQ(run({"lmpop", "3", "a", "b", "c", "left"}), arr({bulk("b"), bulks({"1"})}));
  EXPECT_EQ(run({"lmpop", "2", "a", "b", "right", "count", "5"}), arr({bulk("b"), bulks({"3", "2"})}));
  EXPECT_EQ(run({"exists", "b"}), integer(0));
  EXPECT_EQ(run({"lmpop", "3", "a", "b", "c", "LEFT", "COUNT", "1"}), arr({bulk("c"), bulks({"x"})}));
  EXPECT_EQ(run({"lmpop", "1", "c", "left"}), kNullArray);
  resp3();
  EXPECT_EQ(run({"lmpop", "1", "c", "left"}), kNull3);
}

TEST_F(ListTest, LmpopErrors) {
  const std::string numkeys = err("ERR numkeys should be greater than 0");
  const std::string count = err("ERR count should be greater than 0");
  const std::string syntax = err("ERR syntax error");
  EXPECT_EQ(run({"lmpop", "0", "l", "left"}), numkeys);
  EXPECT_EQ(run({"lmpop", "-1", "l", "left"}), numkeys);
  EXPECT_EQ(run({"lmpop", "x", "l", "left"}), numkeys);
  EXPECT_EQ(run({"lmpop", "2", "l", "left"}), syntax);
  EXPECT_EQ(run({"lmpop", "2147483648", "l", "left"}), syntax);
  EXPECT_EQ(run({"lmpop", "9223372036854775807", "l", "left"}), syntax);
  EXPECT_EQ(run({"lmpop", "1", "l", "middle"}), syntax);
  EXPECT_EQ(run({"lmpop", "1", "l", "left", "count", "0"}), count);
  EXPECT_EQ(run({"lmpop", "1", "l", "left", "count", "-1"}), count);
  EXPECT_EQ(run({"lmpop", "1", "l", "left", "count", "x"}), count);
  EXPECT_EQ(run({"lmpop", "1", "l", "left", "count"}), syntax);
  EXPECT_EQ(run({"lmpop", "1", "l", "left", "count", "1", "count", "2"}), syntax);
  EXPECT_EQ(run({"lmpop", "1", "l", "left", "foo"}), syntax);
  exec({"set", "s", "v"});
  exec({"rpush", "l", "a"});
  EXPECT_EQ(run({"lmpop", "2", "s", "l", "left"}), kWrongType);
  EXPECT_EQ(run({"lmpop", "2", "l", "s", "left"}), arr({bulk("l"), bulks({"a"})}));
}

}  // namespace
}  // namespace codis::server::testing
