// Time types of the seam: integer nanoseconds, a monotonic instant and a wall-clock (unix epoch) instant.
#pragma once

#include <chrono>
#include <cstdint>

namespace codis::rt {

using Duration = std::chrono::nanoseconds;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Tag types that make MonoTime and WallTime distinct; they deliberately have no now(): time comes from
// rt::Clock.
struct MonoTag {
  using rep = int64_t;
  using period = std::nano;
  using duration = Duration;
  static constexpr bool is_steady = true;
};
struct WallTag {
  using rep = int64_t;
  using period = std::nano;
  using duration = Duration;
  static constexpr bool is_steady = false;
};

using MonoTime = std::chrono::time_point<MonoTag, Duration>;
using WallTime = std::chrono::time_point<WallTag, Duration>;

// A count of milliseconds (or seconds) as a Duration that saturates instead of overflowing: int64
// nanoseconds end after 292 years, and a user's timeout of 10^10 seconds must mean "very long", not wrap
// around to the past and fire at once.
inline constexpr int64_t kMaxMs = INT64_MAX / 1'000'000;
inline Duration ms_saturating(int64_t ms) {
  return milliseconds(ms > kMaxMs ? kMaxMs : (ms < -kMaxMs ? -kMaxMs : ms));
}
inline Duration seconds_saturating(int64_t s) {
  return ms_saturating(s > kMaxMs / 1000 ? kMaxMs : (s < -kMaxMs / 1000 ? -kMaxMs : s * 1000));
}

inline int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}
inline int64_t unix_ms(WallTime t) {
  return to_ms(t.time_since_epoch());
}

}  // namespace codis::rt
