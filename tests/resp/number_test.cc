// Tests for resp/number.h: Redis string2ll rules, integer formatting and Redis-style double text.
#include "resp/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

namespace codis::resp {
namespace {

bool ll(std::string_view s, int64_t* v) {
  return parse_ll(s, v);
}

TEST(ParseLl, AcceptsWhatRedisAccepts) {
  int64_t v = -1;
  ASSERT_TRUE(ll("0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ll("123", &v));
  EXPECT_EQ(v, 123);
  ASSERT_TRUE(ll("-5", &v));
  EXPECT_EQ(v, -5);
  ASSERT_TRUE(ll("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(ll("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
}

TEST(ParseLl, RejectsWhatRedisRejects) {
  int64_t v = 0;
  for (const char* s : {"", "-", "+1", "01", "-0", "00", " 1", "1 ", "1a", "9223372036854775808",
                        "-9223372036854775809", "99999999999999999999", "000000000000000000001", "0x10"}) {
    EXPECT_FALSE(ll(s, &v)) << s;
  }
}

TEST(FormatInt, MatchesPrintf) {
  char buf[kMaxIntChars];
  for (int64_t x : {int64_t{0}, int64_t{1}, int64_t{9}, int64_t{10}, int64_t{99}, int64_t{100},
                    int64_t{12345}, int64_t{-1}, int64_t{-10}, int64_t{1000000007},
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    char ref[32];
    std::snprintf(ref, sizeof(ref), "%lld", static_cast<long long>(x));
    EXPECT_EQ(std::string(buf, format_i64(x, buf)), ref);
  }
  uint64_t p = 1;
  for (int i = 0; i < 20; ++i, p *= 10) {
    for (uint64_t x : {p - 1, p, p + 1}) {
      char ref[32];
      std::snprintf(ref, sizeof(ref), "%llu", static_cast<unsigned long long>(x));
      EXPECT_EQ(std::string(buf, format_u64(x, buf)), ref);
      EXPECT_EQ(digits10(x), static_cast<int>(std::string(ref).size()));
    }
  }
}

std::string shortest(double d) {
  char buf[kMaxDoubleChars];
  return std::string(buf, format_double(d, buf, DoubleFormat::kShortest));
}

std::string redis70(double d) {
  char buf[kMaxDoubleChars];
  return std::string(buf, format_double(d, buf, DoubleFormat::kRedis70));
}

TEST(FormatDouble, Shortest) {
  EXPECT_EQ(shortest(0.0), "0");
  EXPECT_EQ(shortest(-0.0), "-0");
  EXPECT_EQ(shortest(1.0), "1");
  EXPECT_EQ(shortest(1.5), "1.5");
  EXPECT_EQ(shortest(0.1), "0.1");
  EXPECT_EQ(shortest(-2.25), "-2.25");
  EXPECT_EQ(shortest(100000000.0), "100000000");
  EXPECT_EQ(shortest(1e16), "10000000000000000");
  EXPECT_EQ(shortest(1e17), "1e+17");
  EXPECT_EQ(shortest(1e20), "1e+20");
  EXPECT_EQ(shortest(1.5e300), "1.5e+300");
  EXPECT_EQ(shortest(0.0001), "0.0001");
  EXPECT_EQ(shortest(0.00001), "1e-05");
  EXPECT_EQ(shortest(1.25e-7), "1.25e-07");
  EXPECT_EQ(shortest(5e-324), "5e-324");
  EXPECT_EQ(shortest(123.456), "123.456");
  EXPECT_EQ(shortest(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(shortest(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(shortest(std::nan("")), "nan");
  EXPECT_EQ(shortest(-std::nan("")), "nan");
}

TEST(FormatDouble, Redis70IsPrintf17g) {
  // What redis-server 7.0.15 answers to ZSCORE for these scores.
  EXPECT_EQ(redis70(0.1), "0.10000000000000001");
  EXPECT_EQ(redis70(1e20), "1e+20");
  EXPECT_EQ(redis70(100000000.0), "100000000");
  EXPECT_EQ(redis70(1e-5), "1.0000000000000001e-05");
  EXPECT_EQ(redis70(std::numeric_limits<double>::infinity()), "inf");
  for (double d : {1.0, -0.0, 3.14159, 1e-300, 6.02214076e23, -1.7976931348623157e308}) {
    char ref[64];
    std::snprintf(ref, sizeof(ref), "%.17g", d);
    EXPECT_EQ(redis70(d), ref);
  }
}

TEST(FormatDouble, ShortestRoundTripsAndIsNeverLongerThanRedis70) {
  uint64_t state = 88172645463325252ULL;
  for (int i = 0; i < 20000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    double d;
    std::memcpy(&d, &state, sizeof(d));
    if (!std::isfinite(d)) continue;
    const std::string s = shortest(d);
    double back = 0;
    ASSERT_TRUE(parse_double(s, &back)) << s;
    ASSERT_EQ(back, d) << s;
    ASSERT_LE(s.size(), redis70(d).size()) << s;
  }
}

TEST(ParseDouble, Accepts) {
  double d = 0;
  ASSERT_TRUE(parse_double("1.5", &d));
  EXPECT_EQ(d, 1.5);
  ASSERT_TRUE(parse_double("-0", &d));
  EXPECT_TRUE(std::signbit(d));
  ASSERT_TRUE(parse_double("1e+20", &d));
  EXPECT_EQ(d, 1e20);
  ASSERT_TRUE(parse_double("inf", &d));
  EXPECT_TRUE(std::isinf(d) && d > 0);
  ASSERT_TRUE(parse_double("-inf", &d));
  EXPECT_TRUE(std::isinf(d) && d < 0);
  ASSERT_TRUE(parse_double("nan", &d));
  EXPECT_TRUE(std::isnan(d));
}

TEST(ParseDouble, Rejects) {
  double d = 0;
  for (const char* s : {"", "+1", " 1", "1 ", "1.5x", "abc", "1e999", "--1"})
    EXPECT_FALSE(parse_double(s, &d)) << s;
}

}  // namespace
}  // namespace codis::resp
