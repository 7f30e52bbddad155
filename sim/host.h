// A simulated machine: a name and address, its own wall-clock skew, its disk, and the processes on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rt/time.h"

namespace codis::sim {

class Process;
class HostDisk;

using HostId = uint32_t;

// Wall-clock error of a host: a constant offset plus a linear drift (parts per million of virtual time).
struct ClockSkew {
  int64_t offset_ns = 0;
  int64_t drift_ppm = 0;
  rt::Duration at(rt::MonoTime t) const {
    return rt::Duration(offset_ns + t.time_since_epoch().count() / 1'000'000 * drift_ppm);
  }
  // A step of the wall clock (an operator or NTP setting it): forward or backward, at once.
  void step(rt::Duration d) { offset_ns += d.count(); }
};

// How a process ends, which decides what its peers and its files see.
enum class ProcessExit {
  kClean,      // exit: sockets closed (FIN, or a reset if data was left unread), files as written
  kKilled,     // kill -9: the kernel resets its connections; the page cache (unsynced writes) survives
  kPowerLoss,  // its host lost power: no FIN or reset reaches anyone, unsynced writes are lost or torn
};

struct Host {
  HostId id = 0;
  std::string name;
  std::string ip;
  ClockSkew skew;
  std::unique_ptr<HostDisk> disk;
  std::vector<Process*> processes;
  bool down = false;  // powered off (World::crash_host) until World::restart_host
};

}  // namespace codis::sim
