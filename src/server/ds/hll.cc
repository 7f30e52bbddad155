// HyperLogLog: hashing, validation, register updates, the cached count and Ertl's estimator, as
// Redis 7.0's hyperloglog.c computes them (see hll.h for how PFADD/PFCOUNT/PFMERGE compose these).
#include "server/ds/hll.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "server/ds/hll_format.h"

namespace codis::server::ds::hll {
namespace {

using fmt::kQ;

// A histogram of register values. Dense registers hold 0..63; only 0..kQ+1 occur unless corrupted, and
// the estimator ignores the rest, as Redis's does.
using Histogram = std::array<int, 64>;

uint8_t* body(std::string& value) {
  return reinterpret_cast<uint8_t*>(value.data()) + kHeaderSize;
}
const uint8_t* body(std::string_view value) {
  return reinterpret_cast<const uint8_t*>(value.data()) + kHeaderSize;
}

void dense_histogram(const uint8_t* regs, Histogram& h) {
  // Three bytes hold four registers; 4096 groups cover all 16384.
  for (size_t g = 0; g < kRegisters / 4; ++g) {
    const uint8_t* b = regs + g * 3;
    const uint32_t v = b[0] | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16);
    ++h[v & 63];
    ++h[(v >> 6) & 63];
    ++h[(v >> 12) & 63];
    ++h[(v >> 18) & 63];
  }
}

bool sparse_histogram(std::string_view value, Histogram& h) {
  return fmt::for_each_sparse_run(value,
                                  [&](size_t, uint32_t run, uint32_t v) { h[v] += static_cast<int>(run); });
}

// Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (arXiv:1702.01284): the sigma
// and tau series, iterated until the sum stops changing, exactly as Redis evaluates them (the same
// operations in the same order, so the same doubles).
double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  double prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev != z);
  return z;
}

double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  double prev;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    // Redis writes pow(1 - x, 2), which compilers fold to this exact product.
    const double d = 1.0 - x;
    z -= d * d * y;
  } while (prev != z);
  return z / 3.0;
}

uint64_t estimate_from(const Histogram& h) {
  constexpr double m = static_cast<double>(kRegisters);
  constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)
  double z = m * tau((m - h[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += h[j];
    z *= 0.5;
  }
  z += m * sigma(h[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

std::optional<uint64_t> estimate_checked(std::string_view value) {
  Histogram h{};
  if (is_dense(value)) {
    dense_histogram(body(value), h);
  } else if (!sparse_histogram(value, h)) {
    return std::nullopt;
  }
  return estimate_from(h);
}

}  // namespace

uint64_t murmur64a(std::string_view data, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const size_t len = data.size();
  // Redis passes the length as an int; the multiply is done in 64 bits either way.
  uint64_t h = seed ^ (static_cast<uint64_t>(len) * m);
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  const uint8_t* end = p + (len & ~size_t{7});
  for (; p != end; p += 8) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = (k << 8) | p[i];  // little-endian load, on any host
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const size_t rest = len & 7;
  if (rest != 0) {
    for (size_t i = rest; i-- > 0;) h ^= static_cast<uint64_t>(p[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

Pattern pattern_of(std::string_view element) {
  uint64_t hash = murmur64a(element, 0xadc83b19ULL);
  const auto index = static_cast<uint32_t>(hash & (kRegisters - 1));
  hash >>= kP;
  hash |= uint64_t{1} << kQ;  // bounds the run at kQ + 1
  uint8_t count = 1;
  for (uint64_t bit = 1; (hash & bit) == 0; bit <<= 1) ++count;
  return {index, count};
}

std::string create() {
  std::string v(kHeaderSize, '\0');
  std::memcpy(v.data(), "HYLL", 4);
  v[4] = static_cast<char>(kEncodingSparse);
  // XZERO runs of at most 16384 registers: exactly one for P = 14.
  for (size_t left = kRegisters; left > 0;) {
    const auto run = static_cast<uint32_t>(left < fmt::kSparseXZeroMaxLen ? left : fmt::kSparseXZeroMaxLen);
    uint8_t op[2];
    fmt::make_xzero(op, run);
    v.append(reinterpret_cast<const char*>(op), 2);
    left -= run;
  }
  return v;
}

bool is_hll(std::string_view value) {
  if (value.size() < kHeaderSize) return false;
  if (value.substr(0, 4) != "HYLL") return false;
  const auto enc = static_cast<uint8_t>(value[4]);
  if (enc > kEncodingSparse) return false;
  if (enc == kEncodingDense && value.size() != kDenseSize) return false;
  return true;
}

std::string_view encoding_name(std::string_view value) {
  return is_dense(value) ? "dense" : "sparse";
}

void invalidate_cache(std::string& value) {
  value[15] = static_cast<char>(static_cast<uint8_t>(value[15]) | 0x80);
}

bool cache_valid(std::string_view value) {
  return (static_cast<uint8_t>(value[15]) & 0x80) == 0;
}

AddOutcome set_register(std::string& value, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  // No register is below 0. (The sparse path would otherwise write a VAL of 0, which has no encoding.)
  if (count == 0) return AddOutcome::kUnchanged;
  AddOutcome out;
  if (is_dense(value)) {
    uint8_t* regs = body(value);
    if (fmt::dense_get(regs, index) >= count) return AddOutcome::kUnchanged;
    fmt::dense_put(regs, index, count);
    out = AddOutcome::kChanged;
  } else {
    out = fmt::sparse_set(value, index, count, sparse_max_bytes);
  }
  if (out == AddOutcome::kChanged) invalidate_cache(value);
  return out;
}

AddOutcome add(std::string& value, std::string_view element, size_t sparse_max_bytes) {
  const Pattern p = pattern_of(element);
  return set_register(value, p.index, p.count, sparse_max_bytes);
}

std::optional<uint64_t> count(std::string& value) {
  if (cache_valid(value)) {
    uint64_t card = 0;
    for (int i = 7; i >= 0; --i) card = (card << 8) | static_cast<uint8_t>(value[8 + i]);
    return card;
  }
  const std::optional<uint64_t> card = estimate_checked(value);
  if (!card) return std::nullopt;
  // Little-endian; an estimate never reaches 2^63, so the stale bit ends up clear.
  for (int i = 0; i < 8; ++i) value[8 + i] = static_cast<char>((*card >> (8 * i)) & 0xff);
  return card;
}

std::optional<uint64_t> estimate(std::string_view value) {
  return estimate_checked(value);
}

bool merge_into(Registers& registers, std::string_view value) {
  if (is_dense(value)) {
    // Three bytes hold four registers.
    const uint8_t* b = body(value);
    for (size_t g = 0; g < kRegisters / 4; ++g, b += 3) {
      const uint32_t v = b[0] | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16);
      uint8_t* r = &registers[g * 4];
      for (int k = 0; k < 4; ++k) {
        const auto x = static_cast<uint8_t>((v >> (6 * k)) & 63);
        if (x > r[k]) r[k] = x;
      }
    }
    return true;
  }
  return fmt::for_each_sparse_run(value, [&](size_t first, uint32_t run, uint32_t v) {
    if (v == 0) return;
    for (size_t i = first; i < first + run; ++i) {
      if (v > registers[i]) registers[i] = static_cast<uint8_t>(v);
    }
  });
}

uint64_t count_registers(const Registers& registers) {
  Histogram h{};
  // One byte per register: any byte value is possible only through a caller's bug; clamp to the table.
  for (uint8_t v : registers) ++h[v & 63];
  return estimate_from(h);
}

bool store_merged(std::string& dest, const Registers& registers, bool use_dense, size_t sparse_max_bytes) {
  if (use_dense && !to_dense(dest)) return false;
  for (size_t i = 0; i < kRegisters; ++i) {
    if (registers[i] == 0) continue;
    // Like Redis, the outcome is not checked: dest is valid here, and a sparse dest may turn dense
    // part-way, which set_register follows.
    (void)set_register(dest, static_cast<uint32_t>(i), registers[i], sparse_max_bytes);
  }
  invalidate_cache(dest);
  return true;
}

bool to_dense(std::string& value) {
  return fmt::sparse_to_dense(value);
}

std::optional<Registers> registers_of(std::string_view value) {
  Registers r{};
  if (!merge_into(r, value)) return std::nullopt;
  return r;
}

}  // namespace codis::server::ds::hll
