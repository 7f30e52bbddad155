#include "sim/runner.h"

#include <cstdio>
#include <iostream>

#include "sim/chaos.h"

namespace codis::sim {

std::vector<Process*> Scenario::crashable(World& w) {
  std::vector<Process*> out;
  for (auto& p : w.processes()) {
    out.push_back(p.get());
  }
  return out;
}

const ScenarioEntry* find_scenario(const std::string& name) {
  for (const auto& s : scenarios()) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

std::string repro_line(const RunOptions& o) {
  std::string s = "codis-sim --scenario=" + o.scenario + " --seed=" + std::to_string(o.seed);
  for (const auto& b : o.bugs) {
    s += " --bug=" + b;
  }
  if (o.no_faults) {
    s += " --no-faults";
  }
  return s;
}

RunResult run_seed(const RunOptions& o) {
  RunResult res;
  const ScenarioEntry* entry = find_scenario(o.scenario);
  if (entry == nullptr) {
    res.ok = false;
    res.violations.push_back("unknown scenario " + o.scenario);
    return res;
  }
  // The scenario outlives the world: process frames destroyed with the world still point into its state.
  ScenarioOptions so;
  so.bugs = o.bugs;
  auto sc = entry->make(so);
  rt::Random master(o.seed);
  FaultPlan plan = FaultPlan::draw(master.fork("faults"));
  sc->tune_faults(plan, master.fork("faults").fork("tune"));
  if (o.chaos) {
    plan.chaos = *o.chaos;
  }
  if (o.no_faults) {
    FaultPlan quiet = FaultPlan::none();
    quiet.net = plan.net;
    quiet.chaos = plan.chaos;
    quiet.shuffle_ties = plan.shuffle_ties;
    plan = quiet;
  }
  res.plan = plan.describe();

  WorldOptions wo;
  wo.seed = o.seed;
  wo.shuffle_ties = plan.shuffle_ties;
  wo.buggify = plan.buggify;
  wo.net = plan.net;
  wo.disk = plan.disk;
  wo.planted.insert(o.bugs.begin(), o.bugs.end());
  if (o.trace) {
    wo.trace = [](const std::string& line) { std::cout << line << "\n"; };
  }
  World w(wo);
  if (o.record_trail) {
    w.sched().set_observer([&res](const EventInfo& e, uint64_t h) {
      res.trail_info.push_back(e);
      res.trail_hash.push_back(h);
    });
  }
  sc->setup(w);
  std::vector<Host*> hosts;
  for (auto& h : w.hosts()) {
    hosts.push_back(h.get());
  }
  Chaos chaos(w, plan, master.fork("faults").fork("chaos"), sc->crashable(w), hosts, sc->pausable(w));

  auto fail = [&res](std::string v) {
    res.ok = false;
    res.violations.push_back(std::move(v));
  };

  // Phase 1: chaos.
  rt::MonoTime chaos_end = w.now() + plan.chaos;
  chaos.start(chaos_end);
  auto violated = [&] { return !sc->violations().empty(); };
  w.run_until(violated, chaos_end);
  if (violated()) {
    // Stop at the first violation: the rest of the run adds nothing and the repro line replays it.
  } else if (w.sched().empty() && !sc->pending(w).empty()) {
    fail("deadlock during chaos: no events while pending: " + sc->pending(w));
  }

  // Phase 2: heal.
  if (violated()) {
    for (const auto& v : sc->violations()) {
      fail(v);
    }
    res.script = chaos.script();
    res.event_hash = w.sched().hash();
    res.events = w.sched().events_run();
    res.virtual_seconds = static_cast<double>(w.now().time_since_epoch().count()) / 1e9;
    return res;
  }
  chaos.heal();
  sc->on_heal(w);
  rt::MonoTime heal_at = w.now();

  // Phase 3: convergence.
  bool converged = w.run_until([&] { return violated() || sc->pending(w).empty(); }, heal_at + plan.converge);
  for (const auto& v : sc->violations()) {
    fail(v);
  }
  if (violated()) {
    converged = true;  // reported above; the end-state checks below would only add noise
  }
  res.converge_seconds = static_cast<double>((w.now() - heal_at).count()) / 1e9;
  if (!converged) {
    if (w.sched().empty()) {
      fail("deadlock: no events while pending: " + sc->pending(w));
    } else {
      fail("did not converge within " + std::to_string(plan.converge.count() / 1'000'000'000) +
           "s after heal: " + sc->pending(w));
    }
  } else if (res.ok) {
    // Let what is already in flight settle (closes, resets), then check the end state.
    w.run_until(w.now() + rt::seconds(2));
    size_t before = sc->violations().size();
    sc->final_check(w);
    for (size_t i = before; i < sc->violations().size(); ++i) {
      fail(sc->violations()[i]);
    }
  }
  res.script = chaos.script();
  res.event_hash = w.sched().hash();
  res.events = w.sched().events_run();
  res.virtual_seconds = static_cast<double>(w.now().time_since_epoch().count()) / 1e9;
  return res;
}

}  // namespace codis::sim
