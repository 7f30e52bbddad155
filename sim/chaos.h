// Chaos: turns a FaultPlan into fault events during the chaos phase (each fault class a Poisson process
// on its own random stream), records what it injected as a script, and heals everything on request.
// Every firing of a class makes the same draws from its stream whatever the world's state (a fault that
// cannot apply, such as crashing a process that is down, is drawn and noted as skipped), so switching one
// class off in a FaultPlan leaves the schedule of every other class as it was.
#pragma once

#include <string>
#include <vector>

#include "rt/random.h"
#include "sim/fault_plan.h"
#include "sim/world.h"

namespace codis::sim {

class Chaos {
 public:
  Chaos(World& w, FaultPlan plan, rt::Random r, std::vector<Process*> crashable, std::vector<Host*> hosts,
        std::vector<Process*> pausable = {});

  // Starts injecting until `until` (virtual time).
  void start(rt::MonoTime until);
  // Stops injecting, lifts clogs and partitions, ends disk I/O errors, resumes paused and restarts crashed
  // processes.
  void heal();

  const std::vector<std::string>& script() const { return script_; }
  const FaultPlan& plan() const { return plan_; }

 private:
  using Fire = void (Chaos::*)(rt::Random&);
  void arm(const char* cls, double per_s, Fire fire);
  void swizzle(rt::Random r);
  void fire_clog(rt::Random& r);
  void fire_partition(rt::Random& r);
  void fire_reset(rt::Random& r);
  void fire_crash(rt::Random& r);
  void fire_pause(rt::Random& r);
  void fire_host_crash(rt::Random& r);
  void fire_clock_step(rt::Random& r);
  void fire_bad_region(rt::Random& r);
  void fire_corrupt(rt::Random& r);
  // A file of the host picked by `pick` (empty when the host has none).
  std::string pick_file(Host& h, uint64_t pick);
  void note(const std::string& what);
  Host& pick_host(rt::Random& r);
  Process& pick_process(rt::Random& r);

  World* w_;
  FaultPlan plan_;
  rt::Random r_;
  std::vector<Process*> crashable_;
  std::vector<Process*> pausable_;  // crashable_ when not given
  std::vector<Host*> hosts_;
  rt::MonoTime until_{};
  bool healed_ = false;
  std::vector<uint64_t> pending_events_;
  std::vector<std::string> script_;
};

}  // namespace codis::sim
