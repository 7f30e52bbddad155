// Redis's LFU access counter, kept where the LRU clock is (Entry::lru) while a maxmemory-policy is *-lfu:
// the high 16 bits are the minute of the last decrement, the low 8 a logarithmic counter that new keys start
// at 5, that an access raises with probability 1/((counter-5)*lfu-log-factor+1) and that loses one per
// lfu-decay-time minutes without access.
#pragma once

#include <cstdint>

namespace codis::server::lfu {

inline constexpr uint32_t kInitCounter = 5;

inline uint32_t minutes(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 60000) & 65535;
}

// A new key's stamp, or one whose counter is set (RESTORE ... FREQ).
inline uint32_t stamp(int64_t now_ms, uint32_t counter = kInitCounter) {
  return (minutes(now_ms) << 8) | (counter & 255);
}

// The counter after the decay of the minutes since the stamp (OBJECT FREQ; eviction's score).
inline uint32_t counter(uint32_t stamp, int64_t now_ms, int64_t decay_minutes) {
  const uint32_t last = stamp >> 8;
  const uint32_t now = minutes(now_ms);
  const uint32_t elapsed = now >= last ? now - last : 65535 - last + now;
  const uint32_t c = stamp & 255;
  const uint64_t periods = decay_minutes > 0 ? elapsed / static_cast<uint64_t>(decay_minutes) : 0;
  return periods > c ? 0 : c - static_cast<uint32_t>(periods);
}

// An access: decay, then the logarithmic increment; `r` is a uniform draw in [0, 1).
inline uint32_t touched(uint32_t stamp_before, int64_t now_ms, int64_t decay_minutes, int64_t log_factor,
                        double r) {
  uint32_t c = counter(stamp_before, now_ms, decay_minutes);
  if (c < 255) {
    const double base = c > kInitCounter ? static_cast<double>(c - kInitCounter) : 0.0;
    if (r < 1.0 / (base * static_cast<double>(log_factor) + 1)) {
      ++c;
    }
  }
  return stamp(now_ms, c);
}

}  // namespace codis::server::lfu
