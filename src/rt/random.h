// Random: seeded, reproducible randomness with our own distributions (never <random>'s, which differ between
// standard libraries). fork(tag) derives an independent stream without disturbing this one.
#pragma once

#include <cstdint>
#include <string_view>

#include "rt/time.h"

namespace codis::rt {

class Random {
 public:
  explicit Random(uint64_t seed);

  uint64_t seed() const { return seed_; }
  uint64_t next_u64();
  // Uniform in [lo, hi] inclusive; lo <= hi.
  uint64_t uniform(uint64_t lo, uint64_t hi);
  int64_t uniform_i64(int64_t lo, int64_t hi);
  // Uniform in [0, 1).
  double real01();
  bool chance(double p) { return p > 0 && real01() < p; }
  // Exponentially distributed with the given mean.
  double exponential(double mean);
  Duration exponential(Duration mean);
  Duration uniform(Duration lo, Duration hi);
  // A new stream derived from this one's seed and tag; does not consume from this stream.
  Random fork(std::string_view tag) const;
  Random fork(uint64_t tag) const;
  // The simulator's determinism fingerprint: every draw is folded into *digest, and forks inherit it, so a
  // process's draws (and its components' forks) reach the event hash. Null (off) outside the simulator.
  void set_tap(uint64_t* digest) { tap_ = digest; }

 private:
  uint64_t seed_;
  uint64_t s_[4];
  uint64_t* tap_ = nullptr;
};

uint64_t splitmix64(uint64_t& state);
uint64_t hash_bytes(std::string_view s, uint64_t seed = 0);

}  // namespace codis::rt
