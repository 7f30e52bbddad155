// Sorted set edge cases, each run on both encodings: ZADD outcomes and flags, -0.0, member byte order,
// ranks, ranges by rank/score/lex with exclusive bounds, LIMIT and REV, deletions, pops, ZSCAN, and the
// listpack <-> skiplist conversions at Redis's thresholds.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/ds/zset.h"

namespace codis::server::ds {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using Pairs = std::vector<std::pair<std::string, double>>;

const ZSetLimits kRoomy{100000, 100000};

class ZSetTest : public ::testing::TestWithParam<ZEncoding> {
 protected:
  ZSet make() const { return ZSet(GetParam()); }
  static void add(ZSet& z, std::string_view m, double s) { (void)z.add(m, s, {}, kRoomy); }
  // a:1 b:2 c:3 d:4 e:5
  ZSet abcde() const {
    ZSet z = make();
    for (int i = 0; i < 5; ++i) add(z, std::string(1, static_cast<char>('a' + i)), i + 1);
    return z;
  }
  static Pairs all(const ZSet& z) {
    Pairs out;
    z.for_each([&](std::string_view m, double s) { out.emplace_back(std::string(m), s); });
    return out;
  }
};

Pairs collect(auto&& call) {
  Pairs out;
  call([&](std::string_view m, double s) { out.emplace_back(std::string(m), s); });
  return out;
}

ScoreRange sr(std::string_view a, std::string_view b) {
  return *parse_score_range(a, b);
}
LexRange lr(std::string_view a, std::string_view b) {
  return *parse_lex_range(a, b);
}

TEST_P(ZSetTest, AddOutcomesAndFlags) {
  ZSet z = make();
  EXPECT_EQ(z.add("m", 1, {}, kRoomy).outcome, ZAddOutcome::kAdded);
  EXPECT_EQ(z.add("m", 1, {}, kRoomy).outcome, ZAddOutcome::kUnchanged);
  ZAddResult r = z.add("m", 2, {}, kRoomy);
  EXPECT_EQ(r.outcome, ZAddOutcome::kUpdated);
  EXPECT_EQ(r.score, 2);
  EXPECT_EQ(z.add("m", 5, {.nx = true}, kRoomy).outcome, ZAddOutcome::kSkipped);
  EXPECT_EQ(z.add("n", 5, {.xx = true}, kRoomy).outcome, ZAddOutcome::kSkipped);
  EXPECT_FALSE(z.score("n"));
  EXPECT_EQ(z.add("m", 1, {.gt = true}, kRoomy).outcome, ZAddOutcome::kSkipped);
  EXPECT_EQ(z.add("m", 2, {.gt = true}, kRoomy).outcome, ZAddOutcome::kSkipped);  // not greater
  EXPECT_EQ(z.add("m", 3, {.gt = true}, kRoomy).outcome, ZAddOutcome::kUpdated);
  EXPECT_EQ(z.add("m", 4, {.lt = true}, kRoomy).outcome, ZAddOutcome::kSkipped);
  EXPECT_EQ(z.add("m", 0, {.lt = true}, kRoomy).outcome, ZAddOutcome::kUpdated);
  // GT/LT do not stop new members.
  EXPECT_EQ(z.add("g", 7, {.gt = true}, kRoomy).outcome, ZAddOutcome::kAdded);
  r = z.add("m", 2.5, {.incr = true}, kRoomy);
  EXPECT_EQ(r.outcome, ZAddOutcome::kUpdated);
  EXPECT_EQ(r.score, 2.5);
  r = z.add("i", 4, {.incr = true}, kRoomy);
  EXPECT_EQ(r.outcome, ZAddOutcome::kAdded);
  EXPECT_EQ(r.score, 4);
  EXPECT_EQ(z.add("i", 0, {.incr = true}, kRoomy).outcome, ZAddOutcome::kUnchanged);
  EXPECT_EQ(z.add("i", -1, {.gt = true, .incr = true}, kRoomy).outcome, ZAddOutcome::kSkipped);
  EXPECT_EQ(*z.score("i"), 4);
  // inf + -inf is NaN: refused, nothing changes.
  add(z, "inf", kInf);
  EXPECT_EQ(z.add("inf", -kInf, {.incr = true}, kRoomy).outcome, ZAddOutcome::kNaN);
  EXPECT_EQ(*z.score("inf"), kInf);
  EXPECT_EQ(z.add("x", std::nan(""), {}, kRoomy).outcome, ZAddOutcome::kNaN);
  EXPECT_EQ(z.size(), 4u);
  EXPECT_TRUE(z.check());
}

TEST_P(ZSetTest, NegativeZero) {
  ZSet z = make();
  add(z, "a", 0.0);
  // Equal to 0.0: no change, the stored 0 stays.
  EXPECT_EQ(z.add("a", -0.0, {}, kRoomy).outcome, ZAddOutcome::kUnchanged);
  EXPECT_FALSE(std::signbit(*z.score("a")));
  add(z, "b", -0.0);
  // The compact form stores -0 as the integer 0 (as Redis's listpack); the large form keeps the sign.
  EXPECT_EQ(std::signbit(*z.score("b")), GetParam() == ZEncoding::kSkiplist);
  // Ties between -0.0 and 0.0 are broken by member bytes.
  EXPECT_EQ(all(z), (Pairs{{"a", 0}, {"b", 0}}));
  add(z, "0", -0.0);
  EXPECT_EQ(*z.rank("0"), 0u);
  EXPECT_EQ(z.count(sr("0", "0")), 3u);
  EXPECT_EQ(z.count(sr("(-0", "+inf")), 0u);
}

TEST_P(ZSetTest, MemberBytesOrderTies) {
  ZSet z = make();
  const std::string nul("a\0b", 3);
  for (std::string_view m : {std::string_view("b"), std::string_view("\xff"), std::string_view(""),
                             std::string_view("a"), std::string_view(nul), std::string_view("ab")}) {
    add(z, m, 1);
  }
  add(z, "z", 0);
  EXPECT_EQ(all(z), (Pairs{{"z", 0}, {"", 1}, {"a", 1}, {nul, 1}, {"ab", 1}, {"b", 1}, {"\xff", 1}}));
  EXPECT_EQ(*z.rank(""), 1u);
  EXPECT_EQ(*z.rank("\xff", true), 0u);
  EXPECT_TRUE(z.erase(nul));
  EXPECT_FALSE(z.erase(nul));
  EXPECT_FALSE(z.score(nul));
  EXPECT_TRUE(z.score("a\0b"));  // the literal stops at the NUL: "a"
  EXPECT_EQ(z.size(), 6u);
}

TEST_P(ZSetTest, RanksAndRankRanges) {
  const ZSet z = abcde();
  EXPECT_EQ(*z.rank("a"), 0u);
  EXPECT_EQ(*z.rank("e"), 4u);
  EXPECT_EQ(*z.rank("a", true), 4u);
  EXPECT_FALSE(z.rank("zz"));
  EXPECT_EQ(z.at_rank(2).member, "c");
  EXPECT_EQ(collect([&](auto fn) { z.range_by_rank(1, 3, false, fn); }),
            (Pairs{{"b", 2}, {"c", 3}, {"d", 4}}));
  EXPECT_EQ(collect([&](auto fn) { z.range_by_rank(0, 1, true, fn); }), (Pairs{{"e", 5}, {"d", 4}}));
  // Past the end: clamped; beyond: nothing.
  EXPECT_EQ(z.range_by_rank(3, 100, false, [](std::string_view, double) {}), 2u);
  EXPECT_EQ(z.range_by_rank(5, 100, false, [](std::string_view, double) {}), 0u);
  EXPECT_EQ(z.range_by_rank(3, 2, false, [](std::string_view, double) {}), 0u);
}

TEST_P(ZSetTest, ScoreRanges) {
  ZSet z = abcde();
  auto fwd = [&](std::string_view a, std::string_view b, size_t off = 0, size_t lim = kNoLimit) {
    return collect([&](auto fn) { z.range_by_score(sr(a, b), false, off, lim, fn); });
  };
  auto rev = [&](std::string_view a, std::string_view b, size_t off = 0, size_t lim = kNoLimit) {
    return collect([&](auto fn) { z.range_by_score(sr(a, b), true, off, lim, fn); });
  };
  EXPECT_EQ(fwd("2", "4"), (Pairs{{"b", 2}, {"c", 3}, {"d", 4}}));
  EXPECT_EQ(fwd("(2", "(4"), (Pairs{{"c", 3}}));
  EXPECT_EQ(fwd("-inf", "(2"), (Pairs{{"a", 1}}));
  EXPECT_EQ(fwd("(5", "+inf"), Pairs{});
  EXPECT_EQ(fwd("3", "2"), Pairs{});
  EXPECT_EQ(fwd("(3", "3"), Pairs{});
  EXPECT_EQ(fwd("3", "3"), (Pairs{{"c", 3}}));
  EXPECT_EQ(fwd("-inf", "+inf", 1, 2), (Pairs{{"b", 2}, {"c", 3}}));
  EXPECT_EQ(fwd("-inf", "+inf", 4, 10), (Pairs{{"e", 5}}));
  EXPECT_EQ(fwd("-inf", "+inf", 5, 10), Pairs{});
  EXPECT_EQ(fwd("-inf", "+inf", 0, 0), Pairs{});
  EXPECT_EQ(fwd("2", "3", 1, 5), (Pairs{{"c", 3}}));
  EXPECT_EQ(rev("2", "4"), (Pairs{{"d", 4}, {"c", 3}, {"b", 2}}));
  EXPECT_EQ(rev("(1", "(5", 1, 1), (Pairs{{"c", 3}}));
  EXPECT_EQ(rev("-inf", "+inf", 4), (Pairs{{"a", 1}}));
  EXPECT_EQ(rev("6", "10"), Pairs{});
  EXPECT_EQ(rev("-10", "0"), Pairs{});
  EXPECT_EQ(z.count(sr("-inf", "+inf")), 5u);
  EXPECT_EQ(z.count(sr("(1", "5")), 4u);
  EXPECT_EQ(z.count(sr("(1", "(1")), 0u);
  EXPECT_EQ(z.count(sr("10", "20")), 0u);
  add(z, "ninf", -kInf);
  add(z, "pinf", kInf);
  EXPECT_EQ(z.count(sr("-inf", "-inf")), 1u);
  EXPECT_EQ(z.count(sr("(-inf", "(+inf")), 5u);
  EXPECT_EQ(rev("+inf", "+inf"), (Pairs{{"pinf", kInf}}));
}

TEST_P(ZSetTest, LexRanges) {
  ZSet z = make();
  for (std::string_view m : {"a", "b", "c", "d", "e", "f", "g"}) add(z, m, 0);
  add(z, "", 0);
  add(z, "b\x01", 0);
  add(z, "\xff", 0);
  auto fwd = [&](std::string_view a, std::string_view b, size_t off = 0, size_t lim = kNoLimit) {
    Pairs p = collect([&](auto fn) { z.range_by_lex(lr(a, b), false, off, lim, fn); });
    std::string s;
    for (auto& [m, _] : p) s += (m.empty() ? "<>" : m) + ",";
    return s;
  };
  auto rev = [&](std::string_view a, std::string_view b, size_t off = 0, size_t lim = kNoLimit) {
    Pairs p = collect([&](auto fn) { z.range_by_lex(lr(a, b), true, off, lim, fn); });
    std::string s;
    for (auto& [m, _] : p) s += (m.empty() ? "<>" : m) + ",";
    return s;
  };
  EXPECT_EQ(fwd("-", "+"), "<>,a,b,b\x01,c,d,e,f,g,\xff,");
  EXPECT_EQ(fwd("[b", "[d"), "b,b\x01,c,d,");
  EXPECT_EQ(fwd("(b", "(d"), "b\x01,c,");
  EXPECT_EQ(fwd("[", "(a"), "<>,");
  EXPECT_EQ(fwd("(", "(b"), "a,");
  EXPECT_EQ(fwd("(g", "+"), "\xff,");
  EXPECT_EQ(fwd("-", "[a", 1, 5), "a,");
  EXPECT_EQ(fwd("[c", "+", 2, 2), "e,f,");
  EXPECT_EQ(fwd("[d", "[c"), "");
  EXPECT_EQ(fwd("+", "-"), "");
  EXPECT_EQ(fwd("[h", "[z"), "");
  EXPECT_EQ(rev("[b", "[d"), "d,c,b\x01,b,");
  EXPECT_EQ(rev("-", "+", 8), "a,<>,");
  EXPECT_EQ(rev("-", "+", 9), "<>,");
  EXPECT_EQ(rev("-", "+", 10), "");
  EXPECT_EQ(rev("-", "(b", 0, 1), "a,");
  EXPECT_EQ(z.count(lr("-", "+")), 10u);
  EXPECT_EQ(z.count(lr("[b", "(c")), 2u);
  EXPECT_EQ(z.count(lr("(b", "(b")), 0u);
  EXPECT_EQ(z.count(lr("[b", "[b")), 1u);
  EXPECT_EQ(z.count(lr("[zz", "+")), 1u);
  EXPECT_EQ(z.erase_lex_range(lr("(a", "[c")), 3u);
  EXPECT_EQ(fwd("-", "+"), "<>,a,d,e,f,g,\xff,");
  EXPECT_EQ(z.erase_lex_range(lr("[x", "[y")), 0u);
  EXPECT_TRUE(z.check());
}

TEST_P(ZSetTest, EraseRangesAndPop) {
  ZSet z = abcde();
  EXPECT_EQ(z.erase_score_range(sr("(1", "3")), 2u);
  EXPECT_EQ(all(z), (Pairs{{"a", 1}, {"d", 4}, {"e", 5}}));
  EXPECT_EQ(z.erase_score_range(sr("10", "20")), 0u);
  EXPECT_EQ(z.erase_rank_range(1, 1), 1u);
  EXPECT_EQ(all(z), (Pairs{{"a", 1}, {"e", 5}}));
  EXPECT_EQ(z.erase_rank_range(0, 100), 2u);
  EXPECT_TRUE(z.empty());
  z = abcde();
  EXPECT_EQ(collect([&](auto fn) { z.pop(true, 2, fn); }), (Pairs{{"e", 5}, {"d", 4}}));
  EXPECT_EQ(collect([&](auto fn) { z.pop(false, 1, fn); }), (Pairs{{"a", 1}}));
  EXPECT_EQ(collect([&](auto fn) { z.pop(false, 10, fn); }), (Pairs{{"b", 2}, {"c", 3}}));
  EXPECT_EQ(z.pop(false, 10, [](std::string_view, double) {}), 0u);
  EXPECT_TRUE(z.check());
}

TEST_P(ZSetTest, EmptySet) {
  ZSet z = make();
  EXPECT_EQ(z.count(sr("-inf", "+inf")), 0u);
  EXPECT_EQ(z.count(lr("-", "+")), 0u);
  EXPECT_EQ(z.range_by_score(sr("-inf", "+inf"), true, 0, kNoLimit, [](std::string_view, double) {}), 0u);
  EXPECT_EQ(z.range_by_lex(lr("-", "+"), false, 0, kNoLimit, [](std::string_view, double) {}), 0u);
  EXPECT_EQ(z.erase_score_range(sr("-inf", "+inf")), 0u);
  EXPECT_EQ(z.erase_lex_range(lr("-", "+")), 0u);
  EXPECT_EQ(z.erase_rank_range(0, 0), 0u);
  EXPECT_FALSE(z.rank("a"));
  EXPECT_EQ(z.scan(0, 10, [](std::string_view, double) {}), 0u);
  EXPECT_TRUE(z.check());
}

TEST_P(ZSetTest, ScanVisitsEverythingAndKeepsEqualScoresTogether) {
  ZSet z = make();
  std::set<std::string> want;
  for (int i = 0; i < 300; ++i) {
    const std::string m = "m" + std::to_string(i);
    add(z, m, i < 100 ? 7 : i % 13 - 0.5);
    want.insert(m);
  }
  add(z, "neg0", -0.0);
  add(z, "ninf", -kInf);
  want.insert("neg0");
  want.insert("ninf");
  std::set<std::string> got;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = z.scan(cursor, 10, [&](std::string_view m, double) { got.insert(std::string(m)); });
    ++calls;
  } while (cursor != 0 && calls < 1000);
  EXPECT_EQ(got, want);
  if (GetParam() == ZEncoding::kSkiplist) {
    EXPECT_GT(calls, 10);
    // A call that reaches the run of 100 members scored 7 returns all of them.
    size_t biggest = 0;
    cursor = 0;
    do {
      size_t n = 0;
      cursor = z.scan(cursor, 10, [&](std::string_view, double) { ++n; });
      biggest = std::max(biggest, n);
    } while (cursor != 0);
    EXPECT_GE(biggest, 100u);
  }
}

TEST_P(ZSetTest, RandomEntryUsesTheGivenGenerator) {
  const ZSet z = abcde();
  uint64_t state = 1;
  auto rng = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(std::string(z.random_entry(rng).member));
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(z.random_entry([] { return uint64_t{0}; }).member, "a");
  EXPECT_EQ(z.random_entry([] { return ~uint64_t{0}; }).member, "e");
}

TEST_P(ZSetTest, CloneAndMemory) {
  const ZSet z = abcde();
  const ZSet c = z.clone();
  EXPECT_EQ(all(c), all(z));
  EXPECT_EQ(c.encoding(), z.encoding());
  EXPECT_GT(z.memory_usage(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Encodings, ZSetTest, ::testing::Values(ZEncoding::kListpack, ZEncoding::kSkiplist),
                         [](const auto& info) { return std::string(encoding_name(info.param)); });

TEST(ZSetEncoding, ConvertsAtRedisThresholds) {
  const ZSetLimits limits{4, 3};
  ZSet z = ZSet::for_zadd(limits, 3);
  EXPECT_EQ(z.encoding(), ZEncoding::kListpack);
  for (std::string_view m : {"a", "b", "c", "d"}) (void)z.add(m, 1, {}, limits);
  EXPECT_EQ(z.encoding(), ZEncoding::kListpack);
  EXPECT_EQ(encoding_name(z.encoding()), "listpack");
  // Updating existing members never converts.
  (void)z.add("a", 9, {}, limits);
  EXPECT_EQ(z.encoding(), ZEncoding::kListpack);
  (void)z.add("e", 1, {}, limits);  // the 5th member
  EXPECT_EQ(z.encoding(), ZEncoding::kSkiplist);
  EXPECT_EQ(encoding_name(z.encoding()), "skiplist");
  // Deleting does not convert back; the STORE commands' check does.
  EXPECT_TRUE(z.erase("e"));
  EXPECT_EQ(z.encoding(), ZEncoding::kSkiplist);
  EXPECT_TRUE(z.maybe_convert_to_listpack(limits));
  EXPECT_EQ(z.encoding(), ZEncoding::kListpack);
  EXPECT_EQ(z.size(), 4u);
  EXPECT_EQ(*z.score("a"), 9);

  ZSet v = ZSet::for_zadd(limits, 3);
  (void)v.add("long", 1, {}, limits);  // longer than 3 bytes
  EXPECT_EQ(v.encoding(), ZEncoding::kSkiplist);
  EXPECT_FALSE(v.maybe_convert_to_listpack(limits));
  EXPECT_EQ(ZSet::for_zadd(limits, 4).encoding(), ZEncoding::kSkiplist);
  EXPECT_EQ(ZSet::for_zadd({0, 64}, 1).encoding(), ZEncoding::kSkiplist);
  EXPECT_EQ(ZSet::for_size(limits, 4, 3).encoding(), ZEncoding::kListpack);
  EXPECT_EQ(ZSet::for_size(limits, 5, 3).encoding(), ZEncoding::kSkiplist);
  EXPECT_EQ(ZSet::for_size(limits, 1, 4).encoding(), ZEncoding::kSkiplist);
}

TEST(ZSetEncoding, ConversionKeepsOrderAndNormalizesNegativeZero) {
  ZSet z(ZEncoding::kSkiplist);
  (void)z.add("b", -0.0, {}, kRoomy);
  (void)z.add("a", 1.5, {}, kRoomy);
  (void)z.add("c", -1e300, {}, kRoomy);
  (void)z.add("d", 12345678901234.0, {}, kRoomy);
  EXPECT_TRUE(std::signbit(*z.score("b")));
  z.convert(ZEncoding::kListpack);
  EXPECT_FALSE(std::signbit(*z.score("b")));
  EXPECT_EQ(*z.score("c"), -1e300);
  EXPECT_EQ(*z.score("d"), 12345678901234.0);
  z.convert(ZEncoding::kSkiplist);
  EXPECT_EQ(*z.rank("c"), 0u);
  EXPECT_EQ(*z.rank("d"), 3u);
  EXPECT_TRUE(z.check());
}

// A large set through the tree's splits, merges and in-place score updates, against std::set.
TEST(ZSetLarge, RandomOperationsAgainstStdSet) {
  ZSet z(ZEncoding::kSkiplist);
  std::set<std::pair<double, std::string>> model;
  std::map<std::string, double> scores;
  uint64_t state = 42;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int op = 0; op < 300000; ++op) {
    const uint64_t r = next();
    const std::string m = "k" + std::to_string(r % 50000);
    const double s = static_cast<double>((r >> 20) % 1000) / 4;
    switch ((r >> 40) % 8) {
      case 0:
      case 1:
      case 2:
      case 3: {
        (void)z.add(m, s, {}, kRoomy);
        if (auto it = scores.find(m); it != scores.end()) model.erase({it->second, m});
        scores[m] = s;
        model.insert({s, m});
        break;
      }
      case 4:
      case 5: {
        EXPECT_EQ(z.erase(m), scores.count(m) == 1);
        if (auto it = scores.find(m); it != scores.end()) {
          model.erase({it->second, m});
          scores.erase(it);
        }
        break;
      }
      case 6: {
        if (model.empty()) break;
        const size_t from = (r >> 8) % model.size();
        const size_t n = std::min<size_t>((r >> 30) % 300, model.size() - from);
        if (n == 0) break;
        EXPECT_EQ(z.erase_rank_range(from, from + n - 1), n);
        auto it = std::next(model.begin(), static_cast<long>(from));
        for (size_t i = 0; i < n; ++i) {
          scores.erase(it->second);
          it = model.erase(it);
        }
        break;
      }
      default: {
        if (auto it = scores.find(m); it != scores.end()) {
          const auto want = static_cast<size_t>(std::distance(model.begin(), model.find({it->second, m})));
          EXPECT_EQ(*z.rank(m), want);
        }
        break;
      }
    }
    if (op % 20000 == 0) {
      ASSERT_TRUE(z.check()) << "op " << op;
    }
  }
  ASSERT_TRUE(z.check());
  ASSERT_EQ(z.size(), model.size());
  size_t i = 0;
  z.for_each([&](std::string_view m, double s) {
    auto it = std::next(model.begin(), static_cast<long>(i++));
    EXPECT_EQ(it->second, m);
    EXPECT_EQ(it->first, s);
  });
}

}  // namespace
}  // namespace codis::server::ds
