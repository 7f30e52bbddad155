// Runs one seed of one scenario through the three phases (chaos, heal, convergence) and reports the
// outcome: violations, the fault plan and script, the event hash, and an optional per-event trail.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/fault_plan.h"
#include "sim/scenario.h"
#include "sim/scheduler.h"

namespace codis::sim {

struct RunOptions {
  std::string scenario = "echo";
  uint64_t seed = 1;
  std::set<std::string> bugs;
  bool no_faults = false;             // run the plan's network knobs but inject nothing
  std::optional<rt::Duration> chaos;  // override the plan's chaos length
  bool trace = false;                 // print process logs and the fault script as they happen
  bool record_trail = false;          // keep (event, hash) for --check-determinism
};

struct RunResult {
  bool ok = true;
  std::vector<std::string> violations;
  std::string plan;
  std::vector<std::string> script;
  uint64_t event_hash = 0;
  uint64_t events = 0;
  double virtual_seconds = 0;
  double converge_seconds = 0;
  std::vector<EventInfo> trail_info;
  std::vector<uint64_t> trail_hash;
};

RunResult run_seed(const RunOptions& o);

// The one line that reproduces a run.
std::string repro_line(const RunOptions& o);

}  // namespace codis::sim
