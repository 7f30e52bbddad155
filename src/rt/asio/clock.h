// The real clocks: steady_clock for mono() (timeouts, leases), system_clock for wall() (EXPIRE, logs).
// Thread-safe (stateless).
#pragma once

#include "rt/clock.h"

namespace codis::rt::asio {

class RealClock final : public Clock {
 public:
  MonoTime mono() const override;
  WallTime wall() const override;
};

}  // namespace codis::rt::asio
