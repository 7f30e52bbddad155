// SSCAN: small sets whole with cursor 0, large sets in pages that cover every member exactly once even
// when the set is rehashed between calls, MATCH/COUNT, and Redis's cursor and option errors.
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

TEST_F(SetScanTest, SmallSetWhole) {
  run({"sadd", "s", "a", "b", "c"});
  resp::Value v = value({"sscan", "s", "0", "count", "1"});
  EXPECT_EQ(v.elems[0].str, "0");
  EXPECT_EQ(v.elems[1].elems.size(), 3u);
  EXPECT_EQ(run({"sscan", "none", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  v = value({"sscan", "s", "0", "match", "[ab]"});
  EXPECT_EQ(v.elems[1].elems.size(), 2u);
  v = value({"sscan", "s", "0", "MATCH", "*", "COUNT", "100"});
  EXPECT_EQ(v.elems[1].elems.size(), 3u);
}

TEST_F(SetScanTest, Errors) {
  run({"sadd", "s", "a"});
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
  // strtoul's leniency: a sign is accepted, -1 is past every position.
  EXPECT_EQ(run({"sscan", "s", "-1"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(run({"sscan", "s", "18446744073709551615"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(run({"sscan", "s", "+0"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
}

TEST_F(SetScanTest, LargeSetInPagesExactlyOnce) {
  V all;
  for (int i = 0; i < 10000; ++i) {
    all.push_back("member:" + std::to_string(i));
    run({"sadd", "s", all.back()});
  }
  int calls = 0;
  V got = scan_all("s", "10", &calls);
  EXPECT_EQ(sorted(got), sorted(all));
  EXPECT_GT(calls, 1);
  EXPECT_LE(calls, 40);  // a page is at least size/32
  got = scan_all("s", "100000", &calls);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(sorted(got), sorted(all));
}

TEST_F(SetScanTest, MembersPresentThroughoutReturnedOnceDespiteRehash) {
  V stable;
  for (int i = 0; i < 3000; ++i) {
    stable.push_back("k" + std::to_string(i));
    run({"sadd", "s", stable.back()});
  }
  // Between calls: grow the set a lot (several rehashes), then shrink it back (rehash down).
  int step = 0;
  auto churn = [&] {
    ++step;
    for (int i = 0; i < 2000; ++i) {
      std::string m = "tmp" + std::to_string(step) + ":" + std::to_string(i);
      run({"sadd", "s", m});
    }
    for (int i = 0; i < 2000; ++i) {
      std::string m = "tmp" + std::to_string(step) + ":" + std::to_string(i);
      if (i % 3 != 0) {
        run({"srem", "s", m});
      }
    }
  };
  int calls = 0;
  V got = scan_all("s", "50", &calls, churn);
  V stable_seen;
  for (const auto& m : got) {
    if (m[0] == 'k') {
      stable_seen.push_back(m);
    }
  }
  EXPECT_EQ(sorted(stable_seen), sorted(stable));  // each exactly once
  V uniq = sorted(got);
  EXPECT_EQ(std::adjacent_find(uniq.begin(), uniq.end()), uniq.end());  // nothing twice
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
