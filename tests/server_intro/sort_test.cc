// SORT beyond the transcript (data/sort.txt): RESP3 nulls, STORE bookkeeping, sorted sets converted to
// the large encoding, and ties kept stable like glibc's merge sort.
#include <gtest/gtest.h>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

TEST(Sort, Resp3GetOfMissingIsNull) {
  ServerFixture f;
  f.cmd("rpush l 2 1");
  f.cmd("set w_1 x");
  f.cmd("hello 3");
  EXPECT_EQ(f.raw({"sort", "l", "get", "w_*"}), "*2\r\n$1\r\nx\r\n_\r\n");
}

TEST(Sort, StoreReplacesAnyTypeAndDeletesOnEmpty) {
  ServerFixture f;
  f.cmd("rpush l b a");
  f.cmd("sadd dst x");
  EXPECT_EQ(f.cmd("sort l alpha store dst"), ":2");
  EXPECT_EQ(f.cmd("lrange dst 0 -1"), "['a', 'b']");
  EXPECT_EQ(f.cmd("sort l alpha limit 5 1 store dst"), ":0");
  EXPECT_EQ(f.cmd("exists dst"), ":0");
  // The source itself as destination.
  EXPECT_EQ(f.cmd("sort l alpha store l"), ":2");
  EXPECT_EQ(f.cmd("lrange l 0 -1"), "['a', 'b']");
}

TEST(Sort, SortedSetsBecomeSkiplists) {
  ServerFixture f;
  f.cmd("zadd z 1 a 2 b");
  EXPECT_EQ(f.cmd("object encoding z"), "'listpack'");
  EXPECT_EQ(f.cmd("sort_ro z alpha"), "['a', 'b']");
  EXPECT_EQ(f.cmd("object encoding z"), "'skiplist'");  // Redis converts destructively too
}

TEST(Sort, AlphaByTiesKeepTheListOrder) {
  ServerFixture f;
  f.cmd("rpush l k5 k4 k3 k2 k1");
  f.cmd("mset v_k5 same v_k4 same v_k3 a v_k1 same");
  EXPECT_EQ(f.cmd("sort l by v_* alpha"), "['k2', 'k3', 'k5', 'k4', 'k1']");
  EXPECT_EQ(f.cmd("sort l by v_* alpha desc"), "['k5', 'k4', 'k1', 'k3', 'k2']");
}

TEST(Sort, LargeNumericSort) {
  ServerFixture f;
  std::vector<std::string> argv = {"rpush", "big"};
  for (int i = 0; i < 1000; ++i) {
    argv.push_back(std::to_string((i * 7919) % 1000));
  }
  f.run_args(argv);
  const std::string r = f.cmd("sort big limit 0 3");
  EXPECT_EQ(r, "['0', '1', '2']");
  EXPECT_EQ(f.cmd("sort big desc limit 0 2"), "['999', '998']");
}

}  // namespace
}  // namespace codis::server::testing
