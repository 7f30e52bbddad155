// Bit commands, LCS and HyperLogLog beyond the replayed Redis captures: the word-at-a-time BITCOUNT /
// BITPOS / BITOP paths against per-bit models on long random strings, BITFIELD against a per-bit model,
// and what counts as a change (dirty counter, WATCH).
#include <random>

#include "tests/server/raw_fixture.h"

namespace codis::server::testing {
namespace {

using BitsTest = RawServerTest;

std::string random_bytes(std::mt19937_64& rng, size_t n, int density) {
  std::string s(n, '\0');
  for (auto& c : s) {
    uint8_t b = 0;
    for (int k = 0; k < 8; ++k) {
      if (static_cast<int>(rng() % 100) < density) b |= static_cast<uint8_t>(1u << k);
    }
    c = static_cast<char>(b);
  }
  return s;
}

bool bit_at(const std::string& s, int64_t i) {
  return (static_cast<uint8_t>(s[static_cast<size_t>(i >> 3)]) >> (7 - (i & 7))) & 1;
}

std::string integer_reply(int64_t v) {
  return ":" + std::to_string(v) + "\r\n";
}

TEST_F(BitsTest, BitcountAndBitposMatchPerBitModel) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    const size_t n = 1 + rng() % 200;
    const int density = round % 3 == 0 ? 0 : (round % 3 == 1 ? 100 : static_cast<int>(rng() % 100));
    std::string s = random_bytes(rng, n, density);
    if (round % 7 == 0) s[rng() % n] ^= static_cast<char>(1u << (rng() % 8));
    run({"SET", "k", s});
    const int64_t bits = static_cast<int64_t>(n) * 8;
    const int64_t lo = static_cast<int64_t>(rng() % static_cast<uint64_t>(bits));
    const int64_t hi = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(bits - lo));
    int64_t count = 0, first1 = -1, first0 = -1;
    for (int64_t i = lo; i <= hi; ++i) {
      count += bit_at(s, i);
      if (first1 < 0 && bit_at(s, i)) first1 = i;
      if (first0 < 0 && !bit_at(s, i)) first0 = i;
    }
    const std::string l = std::to_string(lo), h = std::to_string(hi);
    ASSERT_EQ(run({"BITCOUNT", "k", l, h, "BIT"}), integer_reply(count)) << round;
    ASSERT_EQ(run({"BITPOS", "k", "1", l, h, "BIT"}), integer_reply(first1)) << round;
    ASSERT_EQ(run({"BITPOS", "k", "0", l, h, "BIT"}), integer_reply(first0)) << round;
    // Without an end, a clear bit not found is the first bit past the string.
    int64_t open0 = -1;
    for (int64_t i = lo / 8 * 8; i < bits && open0 < 0; ++i) {
      if (!bit_at(s, i)) open0 = i;
    }
    ASSERT_EQ(run({"BITPOS", "k", "0", std::to_string(lo / 8)}), integer_reply(open0 < 0 ? bits : open0))
        << round;
  }
}

TEST_F(BitsTest, BitopMatchesBytewiseModel) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 100; ++round) {
    const std::string a = random_bytes(rng, rng() % 70, 50), b = random_bytes(rng, rng() % 70, 50);
    run({"SET", "{x}a", a});
    run({"SET", "{x}b", b});
    const size_t n = std::max(a.size(), b.size());
    std::string want_and(n, '\0'), want_or(n, '\0'), want_xor(n, '\0');
    for (size_t i = 0; i < n; ++i) {
      const uint8_t x = i < a.size() ? static_cast<uint8_t>(a[i]) : 0;
      const uint8_t y = i < b.size() ? static_cast<uint8_t>(b[i]) : 0;
      want_and[i] = static_cast<char>(x & y);
      want_or[i] = static_cast<char>(x | y);
      want_xor[i] = static_cast<char>(x ^ y);
    }
    const std::string len = integer_reply(static_cast<int64_t>(n));
    ASSERT_EQ(run({"BITOP", "AND", "{x}d", "{x}a", "{x}b"}), len);
    ASSERT_EQ(value({"GET", "{x}d"}).str, want_and);
    ASSERT_EQ(run({"BITOP", "OR", "{x}d", "{x}a", "{x}b"}), len);
    ASSERT_EQ(value({"GET", "{x}d"}).str, want_or);
    ASSERT_EQ(run({"BITOP", "XOR", "{x}d", "{x}a", "{x}b"}), len);
    ASSERT_EQ(value({"GET", "{x}d"}).str, want_xor);
  }
}

TEST_F(BitsTest, BitfieldMatchesPerBitModel) {
  std::mt19937_64 rng(3);
  std::string model(40, '\0');
  run({"SET", "k", model});
  for (int round = 0; round < 2000; ++round) {
    const bool sign = rng() % 2 == 0;
    const int bits = 1 + static_cast<int>(rng() % (sign ? 64 : 63));
    const uint64_t offset = rng() % (model.size() * 8 - static_cast<size_t>(bits));
    const uint64_t v = rng();
    const std::string type = (sign ? "i" : "u") + std::to_string(bits);
    // SET with WRAP stores the low bits; GET reads them back sign-extended or not.
    run({"BITFIELD", "k", "SET", type, std::to_string(offset), std::to_string(static_cast<int64_t>(v))});
    for (int i = 0; i < bits; ++i) {
      const uint64_t bit = (v >> (bits - 1 - i)) & 1;
      const uint64_t at = offset + static_cast<uint64_t>(i);
      auto& c = model[at >> 3];
      const auto mask = static_cast<uint8_t>(0x80u >> (at & 7));
      c = static_cast<char>(bit ? (static_cast<uint8_t>(c) | mask) : (static_cast<uint8_t>(c) & ~mask));
    }
    ASSERT_EQ(value({"GET", "k"}).str, model) << round;
    uint64_t low = bits == 64 ? v : v & ((uint64_t{1} << bits) - 1);
    int64_t want = static_cast<int64_t>(low);
    if (sign && bits < 64 && (low >> (bits - 1)) != 0)
      want = static_cast<int64_t>(low | (~uint64_t{0} << bits));
    ASSERT_EQ(run({"BITFIELD_RO", "k", "GET", type, std::to_string(offset)}), "*1\r\n" + integer_reply(want))
        << type << " at " << offset;
  }
}

TEST_F(BitsTest, OnlyRealChangesCountAsWrites) {
  auto dirty = [&] { return server().stats().dirty; };
  run({"SET", "k", "a"});  // 0x61
  auto d = dirty();
  run({"SETBIT", "k", "1", "1"});  // already set
  EXPECT_EQ(dirty(), d);
  run({"SETBIT", "k", "0", "1"});
  EXPECT_EQ(dirty(), d + 1);
  run({"SETBIT", "k", "100", "0"});  // grows
  EXPECT_EQ(dirty(), d + 2);
  d = dirty();
  run({"BITFIELD", "k", "SET", "u8", "0", "225"});  // same value
  EXPECT_EQ(dirty(), d);
  run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "400", "9"});  // grows, refused
  EXPECT_EQ(dirty(), d);
  EXPECT_EQ(run({"STRLEN", "k"}), ":51\r\n");
  run({"PFADD", "h", "a"});
  d = dirty();
  run({"PFCOUNT", "h"});  // refreshes the cache: a write
  EXPECT_EQ(dirty(), d + 1);
  run({"PFCOUNT", "h"});
  EXPECT_EQ(dirty(), d + 1);
  run({"PFADD", "h", "a"});
  EXPECT_EQ(dirty(), d + 1);
}

TEST_F(BitsTest, LcsOfLongStrings) {
  std::mt19937_64 rng(5);
  std::string a, b;
  for (int i = 0; i < 2000; ++i) a.push_back(static_cast<char>('a' + rng() % 4));
  for (int i = 0; i < 1500; ++i) b.push_back(static_cast<char>('a' + rng() % 4));
  run({"SET", "{l}a", a});
  run({"SET", "{l}b", b});
  const std::string lcs = value({"LCS", "{l}a", "{l}b"}).str;
  // The answer is a subsequence of both with the length LEN reports.
  auto is_subsequence = [](const std::string& s, const std::string& t) {
    size_t j = 0;
    for (char c : t) {
      if (j < s.size() && s[j] == c) ++j;
    }
    return j == s.size();
  };
  EXPECT_TRUE(is_subsequence(lcs, a));
  EXPECT_TRUE(is_subsequence(lcs, b));
  EXPECT_EQ(run({"LCS", "{l}a", "{l}b", "LEN"}), integer_reply(static_cast<int64_t>(lcs.size())));
}

TEST_F(BitsTest, LcsIdxIsAMapInResp3) {
  resp3();
  run({"SET", "a", "ohmytext"});
  run({"SET", "b", "mynewtext"});
  EXPECT_EQ(
      run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
      "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n");
}

}  // namespace
}  // namespace codis::server::testing
