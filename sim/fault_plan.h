// FaultPlan: which faults a seed injects and how hard, drawn once per seed from the "faults" stream
// (swarm testing: each seed enables a different mix) and printed in full so a run can be understood.
#pragma once

#include <cstdint>
#include <string>

#include "rt/random.h"
#include "rt/time.h"
#include "sim/disk.h"
#include "sim/net_params.h"

namespace codis::sim {

struct FaultPlan {
  NetParams net;
  DiskParams disk;
  bool shuffle_ties = false;
  bool buggify = false;

  rt::Duration chaos = rt::seconds(10);     // length of the chaos phase
  rt::Duration converge = rt::seconds(60);  // how long convergence may take after heal

  double clog_per_s = 0;  // clogs of one direction between two hosts
  rt::Duration clog_mean = rt::milliseconds(500);
  bool swizzle = false;  // clog hosts one by one, unclog in another order
  double partition_per_s = 0;
  rt::Duration partition_min = rt::seconds(2);
  rt::Duration partition_max = rt::seconds(10);
  double partition_symmetric = 1.0;  // chance that a partition cuts both directions
  double reset_per_s = 0;            // resets of a random live connection
  double crash_per_s = 0;            // kill -9 of a random process (page cache kept), restarted after a delay
  double host_crash_per_s = 0;  // power loss of a server host: half-open connections, unsynced writes lost
  rt::Duration down_min = rt::seconds(1);
  rt::Duration down_max = rt::seconds(5);
  double pause_per_s = 0;  // a process stops running (GC-like stall) for a while
  rt::Duration pause_min = rt::milliseconds(500);
  rt::Duration pause_max = rt::seconds(5);
  int64_t skew_offset_max_ms = 0;  // wall-clock offset per host, +-
  int64_t drift_ppm_max = 0;       // wall-clock drift per host, +-
  double clock_step_per_s = 0;     // a host's wall clock jumps forward or back by 1s..clock_step_max_ms
  int64_t clock_step_max_ms = 60'000;
  double bad_region_per_s = 0;  // a region of a file on a host starts failing reads (EIO)
  double corrupt_per_s = 0;     // bit flips in a region of a file on a host

  // A plan with no faults at all (for tests and a baseline).
  static FaultPlan none();
  // The swarm draw for a seed.
  static FaultPlan draw(rt::Random r);
  std::string describe() const;
};

}  // namespace codis::sim
