// LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS.
#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using ListTest = RawServerTest;

const std::string kNotInt = err("ERR value is not an integer or out of range");

TEST_F(ListTest, Llen) {
  EXPECT_EQ(run({"llen", "l"}), integer(0));
  exec({"rpush", "l", "a", "b"});
  EXPECT_EQ(run({"llen", "l"}), integer(2));
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"llen", "s"}), kWrongType);
}

TEST_F(ListTest, LrangeClamps) {
  exec({"rpush", "l", "a", "b", "c", "d"});
  EXPECT_EQ(run({"lrange", "l", "1", "2"}), bulks({"b", "c"}));
  EXPECT_EQ(run({"lrange", "l", "-2", "-1"}), bulks({"c", "d"}));
  EXPECT_EQ(run({"lrange", "l", "-100", "100"}), bulks({"a", "b", "c", "d"}));
  EXPECT_EQ(run({"lrange", "l", "2", "1"}), kEmpty);
  EXPECT_EQ(run({"lrange", "l", "4", "10"}), kEmpty);
  EXPECT_EQ(run({"lrange", "l", "0", "-5"}), kEmpty);
  EXPECT_EQ(run({"lrange", "l", "-9223372036854775808", "9223372036854775807"}), bulks({"a", "b", "c", "d"}));
  EXPECT_EQ(run({"lrange", "nokey", "0", "-1"}), kEmpty);
  EXPECT_EQ(run({"lrange", "nokey", "a", "-1"}), kNotInt);  // numbers before the key
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"lrange", "s", "0", "-1"}), kWrongType);
  EXPECT_EQ(run({"lrange", "s", "0", "x"}), kNotInt);
}

TEST_F(ListTest, Lindex) {
  exec({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(run({"lindex", "l", "0"}), bulk("a"));
  EXPECT_EQ(run({"lindex", "l", "-1"}), bulk("c"));
  EXPECT_EQ(run({"lindex", "l", "3"}), kNull);
  EXPECT_EQ(run({"lindex", "l", "-4"}), kNull);
  EXPECT_EQ(run({"lindex", "l", "x"}), kNotInt);
  EXPECT_EQ(run({"lindex", "nokey", "x"}), kNull);  // the key before the index
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"lindex", "s", "x"}), kWrongType);
  resp3();
  EXPECT_EQ(run({"lindex", "l", "9"}), kNull3);
}

TEST_F(ListTest, Lset) {
  exec({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(run({"lset", "l", "1", "B"}), kOk);
  EXPECT_EQ(run({"lset", "l", "-1", "C"}), kOk);
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"a", "B", "C"}));
  EXPECT_EQ(run({"lset", "l", "3", "x"}), err("ERR index out of range"));
  EXPECT_EQ(run({"lset", "l", "x", "x"}), kNotInt);
  EXPECT_EQ(run({"lset", "nokey", "x", "x"}), err("ERR no such key"));
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"lset", "s", "x", "x"}), kWrongType);
}

TEST_F(ListTest, Linsert) {
  exec({"rpush", "l", "a", "b", "a"});
  EXPECT_EQ(run({"linsert", "l", "before", "a", "x"}), integer(4));
  EXPECT_EQ(run({"linsert", "l", "AFTER", "b", "y"}), integer(5));
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"x", "a", "b", "y", "a"}));
  EXPECT_EQ(run({"linsert", "l", "after", "zz", "y"}), integer(-1));
  EXPECT_EQ(run({"linsert", "nokey", "after", "a", "y"}), integer(0));
  EXPECT_EQ(run({"exists", "nokey"}), integer(0));
  EXPECT_EQ(run({"linsert", "l", "middle", "a", "y"}), err("ERR syntax error"));
  EXPECT_EQ(run({"linsert", "nokey", "middle", "a", "y"}), err("ERR syntax error"));
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"linsert", "s", "before", "a", "y"}), kWrongType);
}

TEST_F(ListTest, Lrem) {
  exec({"rpush", "l", "a", "b", "a", "c", "a", "b"});
  EXPECT_EQ(run({"lrem", "l", "1", "a"}), integer(1));
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"b", "a", "c", "a", "b"}));
  EXPECT_EQ(run({"lrem", "l", "-1", "a"}), integer(1));
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"b", "a", "c", "b"}));
  EXPECT_EQ(run({"lrem", "l", "0", "b"}), integer(2));
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"a", "c"}));
  EXPECT_EQ(run({"lrem", "l", "-9223372036854775808", "a"}), integer(1));
  EXPECT_EQ(run({"lrem", "l", "5", "zz"}), integer(0));
  EXPECT_EQ(run({"lrem", "l", "0", "c"}), integer(1));
  EXPECT_EQ(run({"exists", "l"}), integer(0));
  EXPECT_EQ(run({"lrem", "nokey", "0", "c"}), integer(0));
  EXPECT_EQ(run({"lrem", "nokey", "x", "c"}), kNotInt);
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"lrem", "s", "0", "c"}), kWrongType);
}

TEST_F(ListTest, Ltrim) {
  exec({"rpush", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(run({"ltrim", "l", "1", "-2"}), kOk);
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"b", "c", "d"}));
  EXPECT_EQ(run({"ltrim", "l", "-100", "100"}), kOk);
  EXPECT_EQ(run({"llen", "l"}), integer(3));
  EXPECT_EQ(run({"ltrim", "l", "1", "1"}), kOk);
  EXPECT_EQ(run({"lrange", "l", "0", "-1"}), bulks({"c"}));
  EXPECT_EQ(run({"ltrim", "l", "2", "1"}), kOk);
  EXPECT_EQ(run({"exists", "l"}), integer(0));
  EXPECT_EQ(run({"ltrim", "nokey", "0", "1"}), kOk);
  EXPECT_EQ(run({"ltrim", "nokey", "x", "1"}), kNotInt);
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"ltrim", "s", "0", "1"}), kWrongType);
}

TEST_F(ListTest, LposBasics) {
  exec({"rpush", "l", "a", "b", "c", "a", "b", "a"});
  EXPECT_EQ(run({"lpos", "l", "a"}), integer(0));
  EXPECT_EQ(run({"lpos", "l", "b"}), integer(1));
  EXPECT_EQ(run({"lpos", "l", "zz"}), kNull);
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "2"}), integer(3));
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "-1"}), integer(5));
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "-3"}), integer(0));
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "4"}), kNull);
  EXPECT_EQ(run({"lpos", "l", "a", "count", "0"}), arr({integer(0), integer(3), integer(5)}));
  EXPECT_EQ(run({"lpos", "l", "a", "count", "2"}), arr({integer(0), integer(3)}));
  EXPECT_EQ(run({"lpos", "l", "a", "count", "2", "rank", "-1"}), arr({integer(5), integer(3)}));
  EXPECT_EQ(run({"lpos", "l", "a", "count", "0", "rank", "2"}), arr({integer(3), integer(5)}));
  EXPECT_EQ(run({"lpos", "l", "a", "count", "0", "rank", "9"}), kEmpty);
  EXPECT_EQ(run({"lpos", "l", "a", "maxlen", "3"}), integer(0));
  EXPECT_EQ(run({"lpos", "l", "a", "maxlen", "3", "rank", "2"}), kNull);
  EXPECT_EQ(run({"lpos", "l", "a", "count", "0", "maxlen", "4"}), arr({integer(0), integer(3)}));
  EXPECT_EQ(run({"lpos", "l", "a", "count", "0", "maxlen", "1", "rank", "-1"}), arr({integer(5)}));
  EXPECT_EQ(run({"lpos", "l", "a", "RANK", "1", "rank", "2"}), integer(3));  // the last one wins
}

TEST_F(ListTest, LposRankLongMinMatchesEverything) {
  exec({"rpush", "l", "a", "b", "c", "a"});
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "-9223372036854775808"}), integer(3));
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "-9223372036854775808", "count", "1"}),
            arr({integer(3), integer(0)}));
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "9223372036854775807"}), kNull);
}

TEST_F(ListTest, LposErrors) {
  exec({"rpush", "l", "a"});
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "0"}),
            err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or "
                "use negative to start from the end of the list"));
  EXPECT_EQ(run({"lpos", "l", "a", "rank", "x"}), kNotInt);
  EXPECT_EQ(run({"lpos", "l", "a", "count", "-1"}), err("ERR COUNT can't be negative"));
  EXPECT_EQ(run({"lpos", "l", "a", "maxlen", "-1"}), err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(run({"lpos", "l", "a", "foo"}), err("ERR syntax error"));
  EXPECT_EQ(run({"lpos", "l", "a", "rank"}), err("ERR syntax error"));
  EXPECT_EQ(run({"lpos", "nokey", "a", "count", "x"}), err("ERR COUNT can't be negative"));
  EXPECT_EQ(run({"lpos", "l", "a", "maxlen", "1.5"}), err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(run({"lpos", "nokey", "a"}), kNull);
  EXPECT_EQ(run({"lpos", "nokey", "a", "count", "1"}), kEmpty);
  exec({"set", "s", "v"});
  EXPECT_EQ(run({"lpos", "s", "a"}), kWrongType);
  resp3();
  EXPECT_EQ(run({"lpos", "nokey", "a"}), kNull3);
  EXPECT_EQ(run({"lpos", "l", "zz"}), kNull3);
}

}  // namespace
}  // namespace codis::server::testing
