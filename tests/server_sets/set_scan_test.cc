// SSCAN: intset-sized sets whole with cursor 0, others walked COUNT members a call over Redis's
// reverse-binary bucket cursor, returning every member present throughout even when the table grows and
// shrinks between calls; MATCH, and Redis's cursor and option errors.
#include <algorithm>
#include <functional>
#include <set>

#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using V = std::vector<std::string>;
using SetsTest = RawServerTest;

class SetScanTest : public SetsTest {
 protected:
  // Scans key to the end; returns every member returned (in order) and counts the calls.
  V scan_all(std::string_view key, std::string_view count, int* calls, std::function<void()> between = {}) {
    V got;
    std::string cursor = "0";
    *calls = 0;
    do {
      resp::Value v = value({"sscan", key, cursor, "count", count});
      EXPECT_EQ(v.elems.size(), 2u);
      cursor = v.elems[0].str;
      for (const auto& e : v.elems[1].elems) {
        got.push_back(e.str);
      }
      ++*calls;
      if (between) {
        between();
      }
    } while (cursor != "0" && *calls < 100000);
    return got;
  }
};

TEST_F(SetScanTest, IntsetSizedSetWhole) {
  run({"sadd", "s", "1", "2", "3"});
  resp::Value v = value({"sscan", "s", "0", "count", "1"});
  EXPECT_EQ(v.elems[0].str, "0");
  EXPECT_EQ(v.elems[1].elems.size(), 3u);
  EXPECT_EQ(run({"sscan", "none", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  v = value({"sscan", "s", "0", "match", "[12]"});
  EXPECT_EQ(v.elems[1].elems.size(), 2u);
  v = value({"sscan", "s", "0", "MATCH", "*", "COUNT", "100"});
  EXPECT_EQ(v.elems[1].elems.size(), 3u);
  // Whatever the cursor, as Redis answers an intset.
  v = value({"sscan", "s", "12345", "count", "1"});
  EXPECT_EQ(v.elems[0].str, "0");
  EXPECT_EQ(v.elems[1].elems.size(), 3u);
}

// Redis 7.0 keeps any set with a non-integer member in a hashtable, so even a small one is walked
// COUNT members at a time.
TEST_F(SetScanTest, SmallHashtableSetWalked) {
  run({"sadd", "s", "a", "b", "c", "d"});
  EXPECT_EQ(run({"object", "encoding", "s"}), "$9\r\nhashtable\r\n");
  int calls = 0;
  EXPECT_EQ(sorted(scan_all("s", "1", &calls)), (V{"a", "b", "c", "d"}));
  EXPECT_GT(calls, 1);
  EXPECT_LE(calls, 4);  // four buckets
}

TEST_F(SetScanTest, Errors) {
  run({"sadd", "s", "1"});
  EXPECT_EQ(run({"sscan", "s", "x"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(run({"sscan", "s", " 1"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(run({"sscan", "s", "18446744073709551616"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(run({"sscan", "none", "x"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(run({"sscan", "s", "0", "count", "0"}), "-ERR syntax error\r\n");
  EXPECT_EQ(run({"sscan", "s", "0", "count", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(run({"sscan", "s", "0", "match"}), "-ERR syntax error\r\n");
  EXPECT_EQ(run({"sscan", "s", "0", "type", "set"}), "-ERR syntax error\r\n");
  EXPECT_EQ(run({"sscan", "s", "0", "novalues"}), "-ERR syntax error\r\n");
  // A missing key answers the empty scan before the options are read.
  EXPECT_EQ(run({"sscan", "none", "0", "count", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  // strtoul's leniency: a sign is accepted (an intset ignores the cursor's value).
  EXPECT_EQ(run({"sscan", "s", "-1"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n1\r\n");
  EXPECT_EQ(run({"sscan", "s", "18446744073709551615"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n1\r\n");
  EXPECT_EQ(run({"sscan", "s", "+0"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n1\r\n");
}

// The cursor is a bucket of the table in reverse-binary order: the last bucket (all ones) ends the walk.
TEST_F(SetScanTest, LastBucketCursorEndsTheWalk) {
  run({"sadd", "s", "a"});
  EXPECT_EQ(value({"sscan", "s", "-1"}).elems[0].str, "0");
  EXPECT_EQ(value({"sscan", "s", "3"}).elems[0].str, "0");
  EXPECT_EQ(value({"sscan", "s", "0", "count", "1"}).elems[0].str.find_first_not_of("0123"),
            std::string::npos);
}

TEST_F(SetScanTest, LargeSetCountMembersPerCallExactlyOnce) {
  V all;
  std::vector<std::string> sadd{"sadd", "s"};
  for (int i = 0; i < 10000; ++i) {
    all.push_back("member:" + std::to_string(i));
    sadd.push_back(all.back());
  }
  run(sadd);
  int calls = 0;
  V got = scan_all("s", "10", &calls);
  EXPECT_EQ(sorted(got), sorted(all));  // each once: the table did not change
  EXPECT_GT(calls, 500);                // at least 10 members a call, whole buckets
  EXPECT_LE(calls, 1000);
  got = scan_all("s", "100000", &calls);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(sorted(got), sorted(all));
}

TEST_F(SetScanTest, MembersPresentThroughoutReturnedDespiteGrowthAndShrinking) {
  V stable;
  std::vector<std::string> sadd{"sadd", "s"};
  for (int i = 0; i < 1000; ++i) {
    stable.push_back("k" + std::to_string(i));
    sadd.push_back(stable.back());
  }
  run(sadd);
  auto buckets = [this] {
    return server().db(0).find("s", server().now_ms())->value.set_value().bucket_count();
  };
  // Between calls: grow the set to 5000 members (8192 buckets), then remove them again (shrinks back).
  std::set<size_t> sizes;
  int step = 0;
  auto churn = [&] {
    ++step;
    std::vector<std::string> add{"sadd", "s"};
    std::vector<std::string> rem{"srem", "s"};
    for (int i = 0; i < 4000; ++i) {
      add.push_back("tmp" + std::to_string(step) + ":" + std::to_string(i));
      rem.push_back(add.back());
    }
    run(add);
    sizes.insert(buckets());
    run(rem);
    sizes.insert(buckets());
  };
  int calls = 0;
  V got = scan_all("s", "50", &calls, churn);
  EXPECT_EQ(sizes, (std::set<size_t>{1024, 8192}));
  V stable_seen;
  for (const auto& m : got) {
    if (m[0] == 'k') {
      stable_seen.push_back(m);
    }
  }
  V uniq = sorted(stable_seen);
  uniq.erase(std::unique(uniq.begin(), uniq.end()), uniq.end());
  EXPECT_EQ(uniq, sorted(stable));  // each at least once (a shrink may repeat some, as in Redis)
  for (const auto& m : got) {
    EXPECT_EQ(m[0], 'k');  // every temporary member was gone by the next call
  }
}

TEST_F(SetScanTest, MatchFiltersPages) {
  for (int i = 0; i < 1000; ++i) {
    std::string m = (i % 10 == 0 ? "hit:" : "miss:") + std::to_string(i);
    run({"sadd", "s", m});
  }
  V got;
  std::string cursor = "0";
  do {
    resp::Value v = value({"sscan", "s", cursor, "match", "hit:*"});
    cursor = v.elems[0].str;
    for (const auto& e : v.elems[1].elems) {
      got.push_back(e.str);
    }
  } while (cursor != "0");
  EXPECT_EQ(got.size(), 100u);
}

}  // namespace
}  // namespace codis::server::testing
