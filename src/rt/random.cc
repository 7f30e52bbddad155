#include "rt/random.h"

#include <cmath>

namespace codis::rt {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t hash_bytes(std::string_view s, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;  // FNV-1a, then a splitmix finaliser
  for (unsigned char c : s) {
    h = (h ^ c) * 0x100000001b3ULL;
  }
  return splitmix64(h);
}

Random::Random(uint64_t seed) : seed_(seed) {
  uint64_t st = seed;
  for (auto& x : s_) {
    x = splitmix64(st);
  }
}

namespace {
inline uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
}  // namespace

uint64_t Random::next_u64() {  // xoshiro256**
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  if (tap_ != nullptr) {
    *tap_ = (*tap_ ^ result) * 0x100000001b3ULL;
  }
  return result;
}

uint64_t Random::uniform(uint64_t lo, uint64_t hi) {
  if (hi <= lo) {
    return lo;
  }
  const uint64_t range = hi - lo;
  if (range == UINT64_MAX) {
    return next_u64();
  }
  const uint64_t n = range + 1;
  // Rejection sampling so every value is equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
  uint64_t x;
  do {
    x = next_u64();
  } while (x >= limit);
  return lo + x % n;
}

int64_t Random::uniform_i64(int64_t lo, int64_t hi) {
  if (hi <= lo) {
    return lo;
  }
  uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + uniform(0, span));
}

double Random::real01() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double Random::exponential(double mean) {
  double u = real01();
  return -mean * std::log1p(-u);
}

Duration Random::exponential(Duration mean) {
  return Duration(static_cast<int64_t>(exponential(static_cast<double>(mean.count()))));
}

Duration Random::uniform(Duration lo, Duration hi) {
  return Duration(uniform_i64(lo.count(), hi.count()));
}

Random Random::fork(std::string_view tag) const {
  Random r(hash_bytes(tag, seed_));
  r.tap_ = tap_;
  return r;
}

Random Random::fork(uint64_t tag) const {
  uint64_t st = seed_ ^ (tag * 0x9e3779b97f4a7c15ULL);
  Random r(splitmix64(st));
  r.tap_ = tap_;
  return r;
}

}  // namespace codis::rt
