// Knobs of the simulated network, drawn per seed by the FaultPlan (or set by a test).
#pragma once

#include <cstdint>

#include "rt/time.h"

namespace codis::sim {

struct NetParams {
  rt::Duration latency_min = rt::microseconds(100);
  rt::Duration latency_max = rt::microseconds(800);
  double tail_chance = 0.001;  // share of segments that take a tail latency
  rt::Duration tail_max = rt::milliseconds(100);
  rt::Duration pair_extra_max = rt::Duration(0);  // permanent extra latency per host pair, drawn on first use
  size_t max_segment = 64 * 1024;                 // writes are cut into 1..max_segment byte segments
  size_t send_buffer_min = 64 * 1024;             // per-connection cap on unread bytes, drawn in [min, max]
  size_t send_buffer_max = 4 * 1024 * 1024;
  // What connect() does across a partition: 0 = hang until the caller's timeout, 1 = refused, 2 = either.
  int connect_error_mode = 0;
};

}  // namespace codis::sim
