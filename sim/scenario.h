// Scenario: one kind of simulated run (FoundationDB's workload + test spec): it builds hosts and processes,
// records violations as the run goes, says what it still waits for after heal, and checks the end state.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/fault_plan.h"
#include "sim/world.h"

namespace codis::sim {

struct ScenarioOptions {
  // Deliberate bugs to plant (only the simulator knows these), to prove the checkers can fail.
  std::set<std::string> bugs;
};

class Scenario {
 public:
  virtual ~Scenario() = default;
  // Shapes the seed's drawn FaultPlan before the run: a scenario about one fault class turns it on in more
  // seeds. Draws only from r (its own stream), so the plan's other knobs keep their values for the seed.
  virtual void tune_faults(FaultPlan&, rt::Random) const {}
  // Adds hosts and processes to the world and starts them.
  virtual void setup(World& w) = 0;
  // Processes the chaos phase may crash and pause (default: all).
  virtual std::vector<Process*> crashable(World& w);
  // Processes the chaos phase may pause (default: the crashable ones). A process whose state does not
  // survive a restart may still be paused, as a GC stall or SIGSTOP would stop it.
  virtual std::vector<Process*> pausable(World& w) { return crashable(w); }
  // Called once faults stop: the scenario switches to its liveness goals.
  virtual void on_heal(World&) {}
  // Empty once converged; otherwise why not yet (printed when convergence times out or deadlocks).
  virtual std::string pending(World& w) const = 0;
  // Called after convergence: final checks (no leaks, end state) that add to violations().
  virtual void final_check(World&) {}
  // Every invariant violation seen so far, one line each.
  virtual const std::vector<std::string>& violations() const = 0;
};

using ScenarioFactory = std::function<std::unique_ptr<Scenario>(const ScenarioOptions&)>;

// Scenarios as data: name -> factory, and the bugs each one knows how to plant.
struct ScenarioEntry {
  std::string name;
  std::string description;
  ScenarioFactory make;
  std::vector<std::string> bugs;
};
const std::vector<ScenarioEntry>& scenarios();
const ScenarioEntry* find_scenario(const std::string& name);

}  // namespace codis::sim
