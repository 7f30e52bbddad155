// Chaos: turns a FaultPlan into fault events during the chaos phase (each fault class a Poisson process
// on its own random stream), records what it injected as a script, and heals everything on request.
#pragma once

#include <string>
#include <vector>

#include "rt/random.h"
#include "sim/fault_plan.h"
#include "sim/world.h"

namespace codis::sim {

class Chaos {
 public:
  Chaos(World& w, FaultPlan plan, rt::Random r, std::vector<Process*> crashable, std::vector<Host*> hosts);

  // Starts injecting until `until` (virtual time).
  void start(rt::MonoTime until);
  // Stops injecting, lifts clogs and partitions, resumes paused and restarts crashed processes.
  void heal();

  const std::vector<std::string>& script() const { return script_; }
  const FaultPlan& plan() const { return plan_; }

 private:
  void arm(const char* cls, double per_s, void (Chaos::*fire)());
  void fire_clog();
  void fire_partition();
  void fire_reset();
  void fire_crash();
  void fire_pause();
  void note(const std::string& what);
  Host& pick_host();

  World* w_;
  FaultPlan plan_;
  rt::Random r_;
  std::vector<Process*> crashable_;
  std::vector<Host*> hosts_;
  rt::MonoTime until_{};
  bool healed_ = false;
  std::vector<uint64_t> pending_events_;
  std::vector<std::string> script_;
};

}  // namespace codis::sim
