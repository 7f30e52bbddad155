// HyperLogLog unit tests beyond the Redis replay: the register packing (PFSELFTEST's first test), sparse
// and dense forms agreeing, the estimator's error bound, the cache bit, validation and merges.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "server/ds/hll.h"
#include "server/ds/hll_format.h"

namespace codis::server::ds::hll {
namespace {

uint64_t xorshift(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

std::string element(uint64_t i) {
  return std::string(reinterpret_cast<const char*>(&i), sizeof i);
}

TEST(Hll, EmptyValueIsRedisBytes) {
  const std::string v = create();
  EXPECT_EQ(v, std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff", 18));
  EXPECT_TRUE(is_hll(v));
  EXPECT_FALSE(is_dense(v));
  EXPECT_EQ(encoding_name(v), "sparse");
  EXPECT_TRUE(cache_valid(v));
  EXPECT_EQ(*estimate(v), 0u);
}

TEST(Hll, Validation) {
  std::string v = create();
  EXPECT_FALSE(is_hll(v.substr(0, 15)));
  EXPECT_TRUE(is_hll(v.substr(0, 16)));  // header only: valid until read (INVALIDOBJ then)
  std::string bad = v;
  bad[3] = 'X';
  EXPECT_FALSE(is_hll(bad));
  bad = v;
  bad[4] = 2;
  EXPECT_FALSE(is_hll(bad));
  std::string dense = v;
  ASSERT_TRUE(to_dense(dense));
  EXPECT_EQ(dense.size(), kDenseSize);
  EXPECT_TRUE(is_hll(dense));
  EXPECT_FALSE(is_hll(dense + "x"));
  EXPECT_FALSE(is_hll(dense.substr(0, kDenseSize - 1)));
  EXPECT_FALSE(estimate(v.substr(0, 16)));
  EXPECT_FALSE(estimate(v + std::string(1, '\0')));  // one register too many
}

TEST(Hll, DenseRegistersKeepTheirNeighbours) {
  std::string regs((kRegisters * kBits + 7) / 8, '\0');
  auto* p = reinterpret_cast<uint8_t*>(regs.data());
  uint64_t s = 99;
  std::vector<uint8_t> want(kRegisters);
  for (int round = 0; round < 20; ++round) {
    for (size_t i = 0; i < kRegisters; ++i) {
      want[i] = static_cast<uint8_t>(xorshift(s) & 63);
      fmt::dense_put(p, i, want[i]);
    }
    for (size_t i = 0; i < kRegisters; ++i) ASSERT_EQ(fmt::dense_get(p, i), want[i]) << i;
  }
}

// No register is below 0, so setting one to 0 changes nothing in either encoding. The sparse form used
// to split a zero run around a VAL of 0, an opcode that cannot exist, and report kChanged on a value it
// had just corrupted (found by fuzz/hll_fuzzer; clients cannot get here, PFADD counts start at 1 and
// PFMERGE skips zero registers).
TEST(Hll, SettingARegisterToZeroChangesNothing) {
  std::string sparse = create(), dense = create();
  ASSERT_TRUE(to_dense(dense));
  for (uint32_t index : {0u, 251u, 16383u}) {
    EXPECT_EQ(set_register(sparse, index, 0, kDefaultSparseMaxBytes), AddOutcome::kUnchanged);
    EXPECT_EQ(set_register(dense, index, 0, kDefaultSparseMaxBytes), AddOutcome::kUnchanged);
  }
  EXPECT_EQ(sparse, create());
  ASSERT_TRUE(estimate(sparse).has_value());
  EXPECT_EQ(*estimate(sparse), 0u);
}

TEST(Hll, PatternRunsAreBounded) {
  EXPECT_EQ(pattern_of("big:3244251397").count, 35);
  uint64_t s = 5;
  for (int i = 0; i < 100000; ++i) {
    const Pattern p = pattern_of(element(xorshift(s)));
    ASSERT_LT(p.index, kRegisters);
    ASSERT_GE(p.count, 1);
    ASSERT_LE(p.count, 51);
  }
}

// PFSELFTEST's second test: sparse and dense fed the same elements agree, and the estimate stays within
// a few standard errors (1.04 / sqrt(16384)).
TEST(Hll, SparseAndDenseAgreeAndStayAccurate) {
  std::string sparse = create();
  std::string dense = create();
  ASSERT_TRUE(to_dense(dense));
  const double relerr = 1.04 / std::sqrt(static_cast<double>(kRegisters));
  uint64_t checkpoint = 1;
  for (uint64_t j = 1; j <= 1000000; ++j) {
    const std::string e = element(j ^ 0x5eed);
    (void)add(dense, e, kDefaultSparseMaxBytes);
    if (j <= 20000) (void)add(sparse, e, 100000);  // kept sparse far past the default limit
    if (j != checkpoint) continue;
    if (j <= 20000) {
      EXPECT_FALSE(is_dense(sparse));
      EXPECT_EQ(*estimate(sparse), *estimate(dense)) << j;
      EXPECT_EQ(*registers_of(sparse), *registers_of(dense));
    }
    const auto est = static_cast<double>(*estimate(dense));
    const double maxerr = j == 10 ? 1 : std::ceil(relerr * 6 * static_cast<double>(j));
    EXPECT_LE(std::fabs(static_cast<double>(j) - est), maxerr) << j;
    checkpoint *= 10;
  }
}

TEST(Hll, PromotesPastTheSparseLimit) {
  std::string v = create();
  uint64_t n = 0;
  while (!is_dense(v) && n < 100000) (void)add(v, element(n++), kDefaultSparseMaxBytes);
  EXPECT_TRUE(is_dense(v));
  EXPECT_GT(n, 1000u);
  EXPECT_EQ(v.size(), kDenseSize);
  // A register above 32 cannot be sparse.
  std::string w = create();
  EXPECT_EQ(add(w, "big:3244251397", kDefaultSparseMaxBytes), AddOutcome::kChanged);
  EXPECT_TRUE(is_dense(w));
}

TEST(Hll, CacheBit) {
  std::string v = create();
  EXPECT_EQ(add(v, "a", kDefaultSparseMaxBytes), AddOutcome::kChanged);
  EXPECT_FALSE(cache_valid(v));
  EXPECT_EQ(add(v, "a", kDefaultSparseMaxBytes), AddOutcome::kUnchanged);
  EXPECT_EQ(*count(v), 1u);
  EXPECT_TRUE(cache_valid(v));
  EXPECT_EQ(static_cast<uint8_t>(v[8]), 1);
  // A valid cache is trusted as is.
  v[8] = 42;
  EXPECT_EQ(*count(v), 42u);
  invalidate_cache(v);
  EXPECT_EQ(*count(v), 1u);
}

TEST(Hll, MergeTakesMaxima) {
  std::string a = create(), b = create();
  for (int i = 0; i < 300; ++i) (void)add(a, "a" + std::to_string(i), kDefaultSparseMaxBytes);
  for (int i = 0; i < 5000; ++i) (void)add(b, "b" + std::to_string(i), kDefaultSparseMaxBytes);
  ASSERT_FALSE(is_dense(a));
  ASSERT_TRUE(is_dense(b));
  Registers r{};
  ASSERT_TRUE(merge_into(r, a));
  ASSERT_TRUE(merge_into(r, b));
  const Registers ra = *registers_of(a), rb = *registers_of(b);
  for (size_t i = 0; i < kRegisters; ++i) ASSERT_EQ(r[i], std::max(ra[i], rb[i]));
  // Sparse target stays sparse when no input is dense (and it fits), else becomes dense.
  std::string d1 = create();
  ASSERT_TRUE(store_merged(d1, ra, false, kDefaultSparseMaxBytes));
  EXPECT_FALSE(is_dense(d1));
  EXPECT_EQ(*registers_of(d1), ra);
  EXPECT_FALSE(cache_valid(d1));
  std::string d2 = create();
  ASSERT_TRUE(store_merged(d2, r, true, kDefaultSparseMaxBytes));
  EXPECT_TRUE(is_dense(d2));
  EXPECT_EQ(*registers_of(d2), r);
  EXPECT_EQ(count_registers(r), *estimate(d2));
  // Corrupted sparse input.
  std::string bad = create() + std::string(1, '\0');
  EXPECT_FALSE(merge_into(r, bad));
  EXPECT_FALSE(to_dense(bad));
  EXPECT_EQ(add(bad, "x", kDefaultSparseMaxBytes),
            AddOutcome::kChanged);  // as Redis: only reads up to the run
}

}  // namespace
}  // namespace codis::server::ds::hll
