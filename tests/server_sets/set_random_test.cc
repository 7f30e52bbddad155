// SPOP and SRANDMEMBER: counts, errors, every strategy (few/many asked for), and rough fairness.
#include <map>

#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using V = std::vector<std::string>;
using SetsTest = RawServerTest;

class SetRandomTest : public SetsTest {
 protected:
  V fill(std::string_view key, int n) {
    V all;
    for (int i = 0; i < n; ++i) {
      all.push_back("m" + std::to_string(i));
      run({"sadd", key, all.back()});
    }
    return sorted(all);
  }
};

TEST_F(SetRandomTest, Errors) {
  run({"sadd", "s", "a"});
  const std::string positive = "-ERR value is out of range, must be positive\r\n";
  EXPECT_EQ(run({"spop", "s", "-1"}), positive);
  EXPECT_EQ(run({"spop", "s", "x"}), positive);
  EXPECT_EQ(run({"spop", "none", "-1"}), positive);
  EXPECT_EQ(run({"spop", "s", "1", "2"}), "-ERR syntax error\r\n");
  EXPECT_EQ(run({"srandmember", "s", "1", "2"}), "-ERR syntax error\r\n");
  EXPECT_EQ(run({"srandmember", "s", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(
      run({"srandmember", "s", "-9223372036854775808"}),
      "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n");
}

TEST_F(SetRandomTest, SingleMember) {
  EXPECT_EQ(run({"spop", "none"}), "$-1\r\n");
  EXPECT_EQ(run({"srandmember", "none"}), "$-1\r\n");
  V all = fill("s", 50);
  V popped;
  for (int i = 0; i < 50; ++i) {
    std::string m = value({"srandmember", "s"}).str;
    EXPECT_TRUE(std::binary_search(all.begin(), all.end(), m));
    popped.push_back(value({"spop", "s"}).str);
  }
  EXPECT_EQ(sorted(popped), all);
  EXPECT_EQ(run({"exists", "s"}), ":0\r\n");
}

TEST_F(SetRandomTest, SpopCounts) {
  EXPECT_EQ(run({"spop", "none", "3"}), "*0\r\n");
  // Every strategy: count 0, few (draws), most (selection), all or more (whole set, key deleted).
  for (int count : {0, 3, 90, 100, 150}) {
    run({"del", "s"});
    V all = fill("s", 100);
    std::string c = std::to_string(count);
    V got = members({"spop", "s", c});
    EXPECT_EQ(got.size(), static_cast<size_t>(std::min(count, 100))) << count;
    V left = members({"smembers", "s"});
    V both = got;
    both.insert(both.end(), left.begin(), left.end());
    EXPECT_EQ(sorted(both), all) << count;  // popped and left partition the set
    EXPECT_EQ(run({"exists", "s"}), count >= 100 ? ":0\r\n" : ":1\r\n");
  }
}

TEST_F(SetRandomTest, SrandmemberCounts) {
  EXPECT_EQ(run({"srandmember", "none", "-3"}), "*0\r\n");
  V all = fill("s", 100);
  EXPECT_EQ(run({"srandmember", "s", "0"}), "*0\r\n");
  for (int count : {1, 5, 40, 99, 100, 1000}) {
    V got = members({"srandmember", "s", std::to_string(count)});
    ASSERT_EQ(got.size(), static_cast<size_t>(std::min(count, 100))) << count;
    EXPECT_EQ(std::adjacent_find(got.begin(), got.end()), got.end()) << "repeat for count " << count;
    EXPECT_TRUE(std::includes(all.begin(), all.end(), got.begin(), got.end()));
  }
  EXPECT_EQ(members({"srandmember", "s", "9223372036854775807"}), all);
  // Negative: exactly |count| draws, repeats allowed.
  V drawn = members({"srandmember", "s", "-500"});
  EXPECT_EQ(drawn.size(), 500u);
  EXPECT_TRUE(std::includes(all.begin(), all.end(), drawn.begin(), std::unique(drawn.begin(), drawn.end())));
  EXPECT_EQ(run({"scard", "s"}), ":100\r\n");  // read-only
}

TEST_F(SetRandomTest, RoughlyUniformAfterShrinking) {
  // Grow to 5000, shrink to 10: the sparse buckets are given back, and draws still reach every member.
  fill("s", 5000);
  EXPECT_EQ(value({"spop", "s", "4990"}).elems.size(), 4990u);
  V left = members({"smembers", "s"});
  ASSERT_EQ(left.size(), 10u);
  std::map<std::string, int> hits;
  for (const auto& m : value({"srandmember", "s", "-10000"}).elems) {
    ++hits[m.str];
  }
  ASSERT_EQ(hits.size(), 10u);
  for (const auto& [m, n] : hits) {
    EXPECT_GT(n, 500) << m;  // expected 1000 each
    EXPECT_LT(n, 1600) << m;
  }
}

TEST_F(SetRandomTest, LargeSetDrawsRoughlyUniform) {
  // Above the exact-walk size the draw samples (bucket, chain position): no member may be favoured for
  // being alone in its bucket. 1000 members, 200 draws each expected (sd ~14).
  fill("s", 1000);
  std::map<std::string, int> hits;
  for (const auto& m : value({"srandmember", "s", "-200000"}).elems) {
    ++hits[m.str];
  }
  ASSERT_EQ(hits.size(), 1000u);
  for (const auto& [m, n] : hits) {
    EXPECT_GT(n, 120) << m;
    EXPECT_LT(n, 290) << m;
  }
}

TEST_F(SetRandomTest, SameSeedSameAnswers) {
  // Randomness comes from the process's seeded rt::Random, so a second server on the same seed replays it.
  fill("s", 300);
  std::string a = run({"srandmember", "s", "-20"}) + run({"spop", "s", "7"}) + run({"spop", "s"});
  ServerFixture other;
  for (int i = 0; i < 300; ++i) {
    std::string m = "m" + std::to_string(i);
    other.raw({"sadd", "s", m});
  }
  std::string b =
      other.raw({"srandmember", "s", "-20"}) + other.raw({"spop", "s", "7"}) + other.raw({"spop", "s"});
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace codis::server::testing
