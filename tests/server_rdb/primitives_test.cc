// The codec's building blocks on their own: CRC-64 check values, LZF (Redis's exact choices and hostile
// streams), number texts, RDB lengths and strings.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "server/rdb/crc64.h"
#include "server/rdb/lzf.h"
#include "server/rdb/number.h"
#include "server/rdb/rdb_string.h"
#include "tests/server_rdb/test_util.h"

namespace codis::server::rdb {
namespace {

using testing::hex;
using testing::unhex;

TEST(Crc64, CheckValues) {
  // The test vector in Redis's crc64.c.
  EXPECT_EQ(crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(crc64(0, ""), 0u);
  const std::string long_text =
      "This is a test of the emergency broadcast system. This is a test of the emergency broadcast system.";
  // Incremental equals one-shot, across the 8-byte slicing boundary.
  for (size_t cut = 0; cut <= long_text.size(); ++cut) {
    EXPECT_EQ(
        crc64(crc64(0, std::string_view(long_text).substr(0, cut)), std::string_view(long_text).substr(cut)),
        crc64(0, long_text));
  }
}

TEST(Crc64, MatchesBitwiseReference) {
  auto bitwise = [](std::string_view s) {
    uint64_t crc = 0;
    for (const unsigned char c : s) {
      crc ^= c;
      for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
    }
    return crc;
  };
  std::string s;
  for (int i = 0; i < 300; ++i) {
    s.push_back(static_cast<char>(i * 37 + 11));
    EXPECT_EQ(crc64(0, s), bitwise(s)) << i;
  }
}

TEST(Lzf, RoundTrip) {
  LzfCompressor lzf;
  const std::string inputs[] = {std::string(100, 'a'), "abcabcabcabcabcabcabcabcabcabcabc",
                                std::string(10000, 'x') + "tail", [] {
                                  std::string s;
                                  for (int i = 0; i < 5000; ++i) s += std::to_string(i % 97) + ",";
                                  return s;
                                }()};
  for (const auto& in : inputs) {
    std::string packed;
    ASSERT_TRUE(lzf.compress(in, in.size() - 4, &packed));
    EXPECT_LT(packed.size(), in.size() - 4);
    std::string back;
    ASSERT_TRUE(lzf_decompress(packed, in.size(), &back));
    EXPECT_EQ(back, in);
  }
}

TEST(Lzf, IncompressibleFails) {
  LzfCompressor lzf;
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 200; ++i) {
    x = x * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(x >> 24));
  }
  std::string packed;
  EXPECT_FALSE(lzf.compress(noise, noise.size() - 4, &packed));
  EXPECT_FALSE(lzf.compress("", 10, &packed));
}

TEST(Lzf, KnownRedisOutput) {
  // What redis-server 7.0 stores for SET k <21 x 'a'>: a 2-byte literal run, then one back reference at
  // distance 1 covering the other 19 bytes (liblzf's unrolled match loop runs to the end of the input).
  LzfCompressor lzf;
  std::string packed;
  ASSERT_TRUE(lzf.compress(std::string(21, 'a'), 17, &packed));
  EXPECT_EQ(hex(packed), "016161e00a00");
  std::string back;
  ASSERT_TRUE(lzf_decompress(packed, 21, &back));
  EXPECT_EQ(back, std::string(21, 'a'));
}

TEST(Lzf, HostileStreams) {
  std::string out;
  // Back reference before the start of the output.
  EXPECT_FALSE(lzf_decompress(unhex("20 00"), 2, &out));
  EXPECT_FALSE(lzf_decompress(unhex("00612000"), 10, &out));
  // Literal run longer than the input.
  EXPECT_FALSE(lzf_decompress(unhex("0561"), 6, &out));
  // Output longer than announced, and shorter.
  EXPECT_FALSE(lzf_decompress(unhex("016161"), 1, &out));
  EXPECT_FALSE(lzf_decompress(unhex("016161"), 3, &out));
  // Truncated back references.
  EXPECT_FALSE(lzf_decompress(unhex("0061e0"), 20, &out));
  EXPECT_FALSE(lzf_decompress(unhex("0061e005"), 20, &out));
  // Empty input, and an announced length beyond any possible expansion.
  EXPECT_FALSE(lzf_decompress("", 0, &out));
  EXPECT_FALSE(lzf_decompress(unhex("0061"), 1000, &out));
  // A valid run: "a", then a 3-byte reference to it at distance 1.
  ASSERT_TRUE(lzf_decompress(unhex("00612000"), 4, &out));
  EXPECT_EQ(out, "aaaa");
}

TEST(Number, CanonicalIntegers) {
  int64_t v = 0;
  for (const char* ok : {"0", "1", "-1", "9223372036854775807", "-9223372036854775808", "120"}) {
    EXPECT_TRUE(parse_canonical_i64(ok, &v)) << ok;
    EXPECT_EQ(i64_to_string(v), ok);
  }
  for (const char* bad : {"", "-", "-0", "01", "+1", " 1", "1 ", "1.0", "9223372036854775808",
                          "-9223372036854775809", "99999999999999999999", "1e3", "0x10"}) {
    EXPECT_FALSE(parse_canonical_i64(bad, &v)) << bad;
  }
}

TEST(Number, ScoresAsIntegers) {
  int64_t v = 0;
  EXPECT_TRUE(score_as_integer(0.0, &v));
  EXPECT_TRUE(score_as_integer(-0.0, &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(score_as_integer(4611686018427387904.0, &v));
  EXPECT_EQ(v, int64_t{1} << 62);
  EXPECT_TRUE(score_as_integer(-4611686018427387904.0, &v));
  EXPECT_FALSE(score_as_integer(9223372036854775808.0, &v));
  EXPECT_FALSE(score_as_integer(1.5, &v));
  EXPECT_FALSE(score_as_integer(std::numeric_limits<double>::infinity(), &v));
  EXPECT_FALSE(score_as_integer(std::nan(""), &v));
}

TEST(Number, ScoreTexts) {
  EXPECT_EQ(score_text_17g(0.1), "0.10000000000000001");
  EXPECT_EQ(score_text_17g(1.5), "1.5");
  EXPECT_EQ(score_text_17g(1e20), "1e+20");
  EXPECT_EQ(score_text_17g(5e-324), "4.9406564584124654e-324");
  EXPECT_EQ(score_text_17g(HUGE_VAL), "inf");
  EXPECT_EQ(score_text_17g(-HUGE_VAL), "-inf");
  EXPECT_EQ(legacy_score_text(-0.0), "-0");
  EXPECT_EQ(legacy_score_text(3.0), "3");
  EXPECT_EQ(legacy_score_text(1e17), "1e+17");
  double d = 0;
  for (const char* ok : {"1", "-2.5", "1e+20", "inf", "-inf", "0.10000000000000001", "-0"}) {
    EXPECT_TRUE(parse_score_text(ok, &d)) << ok;
  }
  for (const char* bad : {"", "nan", "abc", "1x", " 1", "+1", "1e999"}) {
    EXPECT_FALSE(parse_score_text(bad, &d)) << bad;
  }
}

TEST(RdbString, Lengths) {
  const std::pair<uint64_t, const char*> cases[] = {
      {0, "00"},
      {63, "3f"},
      {64, "4040"},
      {16383, "7fff"},
      {16384, "8000004000"},
      {0xffffffffULL, "80ffffffff"},
      {0x100000000ULL, "810000000100000000"},
  };
  for (const auto& [n, h] : cases) {
    std::string out;
    append_rdb_len(n, &out);
    EXPECT_EQ(hex(out), h);
    Reader in(out);
    uint64_t back = 0;
    ASSERT_TRUE(read_rdb_len(in, &back).ok());
    EXPECT_EQ(back, n);
    EXPECT_EQ(in.remaining(), 0u);
  }
  // 0x82..0xbf are not lengths; an encoded-string byte is not a plain length.
  for (const char* bad : {"82", "bf", "c0", "40", "80ffff", "81"}) {
    const std::string b = unhex(bad);
    Reader in(b);
    uint64_t n = 0;
    EXPECT_FALSE(read_rdb_len(in, &n).ok()) << bad;
  }
}

TEST(RdbString, IntegerAndRawForms) {
  const std::pair<const char*, const char*> cases[] = {
      {"0", "c000"},
      {"-1", "c0ff"},
      {"128", "c18000"},
      {"-32769", "c2ff7fffff"},
      {"2147483648", "0a32313437343833363438"},
      {"01", "023031"},
      {"", "00"},
      {"12345678901", "0b3132333435363738393031"},
  };
  StringWriter w(true);
  for (const auto& [s, h] : cases) {
    std::string out;
    w.append(s, &out);
    EXPECT_EQ(hex(out), h) << s;
    Reader in(out);
    Budget budget(1 << 20);
    std::string back;
    ASSERT_TRUE(read_rdb_string(in, budget, &back).ok());
    EXPECT_EQ(back, s);
  }
}

TEST(RdbString, HostileStrings) {
  for (const char* bad : {"", "05616161", "c1ff", "c2000000", "c4", "c3", "c30510", "c3000561",
                          "c305ff0161616161", "c30100", "c30105ffff"}) {
    const std::string b = unhex(bad);
    Reader in(b);
    Budget budget(1 << 20);
    std::string out;
    EXPECT_FALSE(read_rdb_string(in, budget, &out).ok()) << bad;
  }
}

TEST(RdbString, BudgetRefusesLargeStrings) {
  StringWriter w(false);
  std::string out;
  w.append(std::string(1000, 'x'), &out);
  Reader in(out);
  Budget budget(500);
  std::string back;
  EXPECT_FALSE(read_rdb_string(in, budget, &back).ok());
}

}  // namespace
}  // namespace codis::server::rdb
