// Clock: monotonic time for timeouts and leases, wall time for EXPIRE/TTL and logs (skewed per host in the
// sim).
#pragma once

#include "rt/time.h"

namespace codis::rt {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual MonoTime mono() const = 0;
  virtual WallTime wall() const = 0;
};

}  // namespace codis::rt
