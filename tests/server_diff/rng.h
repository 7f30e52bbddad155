// Deterministic random numbers for command streams. SplitMix64 with our own range helpers (never <random>
// distributions), so a seed replays the same stream on every platform and standard library.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace codis::diff {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for test generation; n > 0.
  uint64_t below(uint64_t n) { return next() % n; }
  // Inclusive range.
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }

  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  uint64_t state_;
};

// The seed of one stream: independent of how many streams ran before it, so --stream=K replays alone.
inline uint64_t stream_seed(uint64_t seed, uint64_t stream) {
  Rng r(seed * 0x100000001b3ULL ^ (stream + 0x51ed270b27ULL));
  r.next();
  return r.next();
}

}  // namespace codis::diff
