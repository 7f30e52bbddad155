#include "rt/asio/clock.h"

#include <chrono>

namespace codis::rt::asio {

MonoTime RealClock::mono() const {
  auto d = std::chrono::steady_clock::now().time_since_epoch();
  return MonoTime(std::chrono::duration_cast<Duration>(d));
}

WallTime RealClock::wall() const {
  auto d = std::chrono::system_clock::now().time_since_epoch();
  return WallTime(std::chrono::duration_cast<Duration>(d));
}

}  // namespace codis::rt::asio
