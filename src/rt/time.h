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

inline int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}
inline int64_t unix_ms(WallTime t) {
  return to_ms(t.time_since_epoch());
}

}  // namespace codis::rt
