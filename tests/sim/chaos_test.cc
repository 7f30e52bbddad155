// Chaos: each fault class draws from its own stream, so switching one class off in a FaultPlan leaves the
// schedule of every other class unchanged.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "rt/sleep.h"
#include "sim/chaos.h"
#include "tests/sim/harness.h"

namespace codis::sim {
namespace {

using rt::Env;
using rt::Task;

// Three hosts, each with a process that only sleeps (p0 listens, so its host may lose power; p1 and p2 try
// to connect to a host that does not exist, so theirs are client hosts that never do, and no connection
// makes resets apply in some runs and not others; p1 keeps a synced file, for the disk faults); runs
// `plan`'s chaos phase and returns the script.
struct ChaosRun {
  std::vector<std::string> script;
  std::vector<int64_t> skew;
};

ChaosRun run_chaos(const FaultPlan& plan, uint64_t seed = 3) {
  World w(testing::quiet_options(seed));
  std::vector<Host*> hosts;
  std::vector<Process*> procs;
  for (int i = 0; i < 3; ++i) {
    Host& h = w.add_host("h" + std::to_string(i));
    hosts.push_back(&h);
    Process& p = w.add_process(h, "p" + std::to_string(i), [i](Env& env) -> Task<void> {
      rt::ListenerPtr l;
      rt::Result<rt::StreamPtr> peer = rt::Errc::kEof;
      if (i == 0) {
        l = std::move(*env.net.listen(rt::Endpoint{"", 7000}));
      } else {
        peer = co_await env.net.connect(rt::Endpoint{"nowhere", 7000}, rt::seconds(1));
      }
      if (i == 1) {
        auto f = co_await env.disk.open("/f", rt::kOpenCreate);
        const std::string bytes(10000, 'x');
        EXPECT_TRUE((co_await (*f)->write_at(0, bytes)).ok());
        (void)co_await (*f)->sync();
      }
      for (;;) {
        co_await rt::sleep_for(env.exec, rt::seconds(1));
      }
    });
    p.start();
    procs.push_back(&p);
  }
  Chaos chaos(w, plan, rt::Random(seed).fork("chaos"), procs, hosts);
  chaos.start(w.now() + plan.chaos);
  w.run_until(w.now() + plan.chaos);
  chaos.heal();
  ChaosRun out;
  out.script = chaos.script();
  for (Host* h : hosts) {
    out.skew.push_back(h->skew.offset_ns);
  }
  return out;
}

// "at=1.234s crash p1 down 2.000s skipped: not running" -> class "crash", line without the skip reason
// (whether a fault could apply depends on the other classes; when and what was drawn must not).
std::map<std::string, std::vector<std::string>> by_class(const std::vector<std::string>& script) {
  static const std::map<std::string, std::string> kClassOf = {
      {"clog", "clog"},
      {"swizzle-clog", "swizzle"},
      {"partition", "partition"},
      {"reset", "reset"},
      {"crash", "crash"},
      {"restart", "crash"},
      {"pause", "pause"},
      {"heal", "heal"},
      {"host-crash", "host-crash"},
      {"host-restart", "host-crash"},
      {"clock-step", "clock-step"},
      {"bad-region", "bad-region"},
      {"corrupt", "corrupt"},
  };
  std::map<std::string, std::vector<std::string>> out;
  for (std::string line : script) {
    auto sp = line.find(' ');
    std::string word = line.substr(sp + 1, line.find(' ', sp + 1) - sp - 1);
    auto it = kClassOf.find(word);
    EXPECT_NE(it, kClassOf.end()) << "unknown fault in script: " << line;
    if (auto skip = line.find(" skipped:"); skip != std::string::npos) {
      line.resize(skip);
    }
    out[it == kClassOf.end() ? word : it->second].push_back(line);
  }
  return out;
}

FaultPlan busy_plan() {
  FaultPlan p = FaultPlan::none();
  p.chaos = rt::seconds(30);
  p.clog_per_s = 2;
  p.swizzle = true;
  p.partition_per_s = 0.5;
  p.reset_per_s = 1;
  p.crash_per_s = 0.5;
  p.pause_per_s = 0.5;
  p.skew_offset_max_ms = 1000;
  p.drift_ppm_max = 50;
  p.host_crash_per_s = 0.2;
  p.clock_step_per_s = 0.5;
  p.bad_region_per_s = 0.5;
  p.corrupt_per_s = 0.5;
  return p;
}

TEST(Chaos, SwitchingOneClassOffLeavesTheOthersSchedulesAlone) {
  const FaultPlan all = busy_plan();
  const ChaosRun base = run_chaos(all);
  const auto base_classes = by_class(base.script);
  for (const char* cls : {"clog", "partition", "reset", "crash", "pause", "host-crash", "clock-step",
                          "bad-region", "corrupt"}) {
    EXPECT_FALSE(base_classes.count(cls) == 0) << cls << " never fired; the test needs every class";
  }
  for (const char* applied :
       {"host-crash h0", "host-restart h0", "bad-region h1:/f", "corrupt h1:/f", "clock-step"}) {
    bool seen = false;
    for (const auto& line : base.script) {
      seen |= line.find(applied) != std::string::npos && line.find("skipped") == std::string::npos;
    }
    EXPECT_TRUE(seen) << "no '" << applied << "' applied; the test needs one";
  }
  struct Off {
    const char* cls;
    void (*apply)(FaultPlan&);
  };
  const Off offs[] = {
      {"clog", [](FaultPlan& p) { p.clog_per_s = 0; }},
      {"swizzle", [](FaultPlan& p) { p.swizzle = false; }},
      {"partition", [](FaultPlan& p) { p.partition_per_s = 0; }},
      {"reset", [](FaultPlan& p) { p.reset_per_s = 0; }},
      {"crash", [](FaultPlan& p) { p.crash_per_s = 0; }},
      {"pause", [](FaultPlan& p) { p.pause_per_s = 0; }},
      {"skew", [](FaultPlan& p) { p.skew_offset_max_ms = 0; }},
      {"host-crash", [](FaultPlan& p) { p.host_crash_per_s = 0; }},
      {"clock-step", [](FaultPlan& p) { p.clock_step_per_s = 0; }},
      {"bad-region", [](FaultPlan& p) { p.bad_region_per_s = 0; }},
      {"corrupt", [](FaultPlan& p) { p.corrupt_per_s = 0; }},
  };
  for (const Off& off : offs) {
    FaultPlan plan = all;
    off.apply(plan);
    const ChaosRun run = run_chaos(plan);
    auto classes = by_class(run.script);
    for (const auto& [cls, lines] : base_classes) {
      if (cls == off.cls || cls == "heal" || (std::string(off.cls) == "clog" && cls == "swizzle")) {
        continue;  // swizzle is a form of clogging and goes with it
      }
      EXPECT_EQ(classes[cls], lines) << "switching " << off.cls << " off moved the " << cls << " faults";
    }
    if (std::string(off.cls) != "skew" && std::string(off.cls) != "clock-step") {
      EXPECT_EQ(run.skew, base.skew) << "switching " << off.cls << " off moved the clock skews";
    }
  }
}

}  // namespace
}  // namespace codis::sim
