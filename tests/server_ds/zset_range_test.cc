// Parsing of sorted-set range arguments, with Redis 7.0's quirks (checked by hand against
// redis-server 7.0.15: "(" and "" parse as 0, hex floats pass, "-"/"+" must stand alone).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "server/ds/zset_range.h"

namespace codis::server::ds {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(ScoreRangeParse, InclusiveExclusiveAndInfinities) {
  auto r = parse_score_range("1", "(2.5");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->min, 1);
  EXPECT_FALSE(r->minex);
  EXPECT_EQ(r->max, 2.5);
  EXPECT_TRUE(r->maxex);

  r = parse_score_range("-inf", "+inf");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->min, -kInf);
  EXPECT_EQ(r->max, kInf);
  r = parse_score_range("(-inf", "inf");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->minex);
  EXPECT_EQ(r->max, kInf);
}

TEST(ScoreRangeParse, RedisStrtodQuirks) {
  // strtod consumes nothing of "" and stops at the end: Redis accepts it as 0, "(" too.
  auto r = parse_score_range("", "(");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->min, 0);
  EXPECT_EQ(r->max, 0);
  EXPECT_TRUE(r->maxex);
  r = parse_score_range("0x10", " 1e2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->min, 16);
  EXPECT_EQ(r->max, 100);
  // An embedded NUL ends the number, as in Redis's C string.
  r = parse_score_range(std::string("2\0junk", 6), "3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->min, 2);
}

TEST(ScoreRangeParse, Rejects) {
  EXPECT_FALSE(parse_score_range("nan", "1"));
  EXPECT_FALSE(parse_score_range("1", "(nan"));
  EXPECT_FALSE(parse_score_range("1 ", "2"));
  EXPECT_FALSE(parse_score_range("a", "2"));
  EXPECT_FALSE(parse_score_range("1", "[2"));
  EXPECT_FALSE(parse_score_range("((1", "2"));
  EXPECT_EQ(kScoreRangeError, "ERR min or max is not a float");
}

TEST(ScoreRange, EmptyAndMembership) {
  EXPECT_TRUE((ScoreRange{2, 1, false, false}.empty()));
  EXPECT_TRUE((ScoreRange{1, 1, true, false}.empty()));
  EXPECT_TRUE((ScoreRange{1, 1, false, true}.empty()));
  EXPECT_FALSE((ScoreRange{1, 1, false, false}.empty()));
  EXPECT_FALSE((ScoreRange{-kInf, kInf, true, true}.empty()));
  const ScoreRange r{1, 2, true, false};
  EXPECT_FALSE(r.contains(1));
  EXPECT_TRUE(r.contains(1.5));
  EXPECT_TRUE(r.contains(2));
  EXPECT_FALSE(r.contains(2.0000001));
  // -0.0 and 0.0 are the same score.
  EXPECT_TRUE((ScoreRange{0, 0, false, false}.contains(-0.0)));
  EXPECT_FALSE((ScoreRange{-0.0, 1, true, false}.contains(0.0)));
}

TEST(LexRangeParse, Items) {
  auto b = parse_lex_bound("[abc");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->kind, LexBound::Kind::kValue);
  EXPECT_EQ(b->value, "abc");
  EXPECT_FALSE(b->exclusive);
  b = parse_lex_bound("(");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->value, "");
  EXPECT_TRUE(b->exclusive);
  b = parse_lex_bound("-");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->kind, LexBound::Kind::kMinusInf);
  b = parse_lex_bound("+");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->kind, LexBound::Kind::kPlusInf);
  // Redis only looks at the byte after the sign, which in its C string is the terminator.
  EXPECT_TRUE(parse_lex_bound(std::string("+\0x", 3)));
  EXPECT_FALSE(parse_lex_bound("+a"));
  EXPECT_FALSE(parse_lex_bound("--"));
  EXPECT_FALSE(parse_lex_bound(""));
  EXPECT_FALSE(parse_lex_bound("abc"));
  EXPECT_FALSE(parse_lex_range("[a", "b"));
  EXPECT_TRUE(parse_lex_range("[a", "(b"));
  EXPECT_EQ(kLexRangeError, "ERR min or max not valid string range item");
}

LexRange lex(std::string_view a, std::string_view b) {
  return *parse_lex_range(a, b);
}

TEST(LexRange, EmptyLikeSdscmplex) {
  EXPECT_FALSE(lex("-", "+").empty());
  EXPECT_TRUE(lex("+", "-").empty());
  EXPECT_TRUE(lex("-", "-").empty());  // equal sentinels, exclusive
  EXPECT_TRUE(lex("+", "+").empty());
  EXPECT_TRUE(lex("[b", "[a").empty());
  EXPECT_FALSE(lex("[a", "[a").empty());
  EXPECT_TRUE(lex("(a", "[a").empty());
  EXPECT_TRUE(lex("[a", "-").empty());
  EXPECT_TRUE(lex("+", "[a").empty());
  EXPECT_FALSE(lex("[", "+").empty());  // the empty string is a value above "-"
}

TEST(LexRange, Membership) {
  const LexRange r = lex("(a", "[c");
  EXPECT_FALSE(r.contains("a"));
  EXPECT_TRUE(r.contains(std::string("a\0", 2)));
  EXPECT_TRUE(r.contains("b"));
  EXPECT_TRUE(r.contains("c"));
  EXPECT_FALSE(r.contains("c\x01"));
  // Bytes compare unsigned, as memcmp.
  EXPECT_FALSE(lex("-", "[z").contains("\xff"));
  EXPECT_TRUE(lex("(z", "+").contains("\x80"));
  EXPECT_TRUE(lex("-", "+").contains(""));
  EXPECT_TRUE(lex("[", "[").contains(""));
}

TEST(RankRange, NormalizeLikeZrange) {
  using P = std::pair<size_t, size_t>;
  EXPECT_EQ(normalize_rank_range(0, -1, 5), P(0, 4));
  EXPECT_EQ(normalize_rank_range(-2, -1, 5), P(3, 4));
  EXPECT_EQ(normalize_rank_range(-100, 2, 5), P(0, 2));
  EXPECT_EQ(normalize_rank_range(1, 100, 5), P(1, 4));
  EXPECT_FALSE(normalize_rank_range(5, 10, 5));
  EXPECT_FALSE(normalize_rank_range(3, 2, 5));
  EXPECT_FALSE(normalize_rank_range(0, -6, 5));
  EXPECT_FALSE(normalize_rank_range(0, -1, 0));
  EXPECT_EQ(normalize_rank_range(INT64_MIN, INT64_MAX, 3), P(0, 2));
}

}  // namespace
}  // namespace codis::server::ds
