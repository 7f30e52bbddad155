// codis-sim: runs seeded simulations and checks invariants. One seed prints its fault plan, the result and a
// last line "event-hash: <hex>"; a range prints each failing seed with a one-line repro;
// --check-determinism runs a seed twice and reports the first event where the runs diverge.
#include <chrono>
#include <cstdio>
#include <cxxopts.hpp>
#include <iostream>
#include <string>

#include "sim/runner.h"

using codis::sim::RunOptions;
using codis::sim::RunResult;

namespace {

std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

bool parse_range(const std::string& s, uint64_t& a, uint64_t& b) {
  auto dots = s.find("..");
  try {
    if (dots == std::string::npos) {
      a = b = std::stoull(s, nullptr, 0);
    } else {
      a = std::stoull(s.substr(0, dots), nullptr, 0);
      b = std::stoull(s.substr(dots + 2), nullptr, 0);
    }
  } catch (...) {
    return false;
  }
  return a <= b;
}

void print_result(const RunOptions& o, const RunResult& r, bool verbose) {
  std::cout << "scenario: " << o.scenario << "  seed: " << o.seed << "\n";
  std::cout << "fault plan:\n" << r.plan;
  if (verbose) {
    std::cout << "faults injected (" << r.script.size() << "):\n";
    for (const auto& s : r.script) {
      std::cout << "  " << s << "\n";
    }
  } else {
    std::cout << "faults injected: " << r.script.size() << " (--verbose lists them)\n";
  }
  std::cout << "events: " << r.events << "  virtual time: " << r.virtual_seconds
            << "s  converged after heal in: " << r.converge_seconds << "s\n";
  if (r.ok) {
    std::cout << "result: PASS\n";
  } else {
    std::cout << "result: FAIL\n";
    for (const auto& v : r.violations) {
      std::cout << "  violation: " << v << "\n";
    }
    std::cout << "repro: " << codis::sim::repro_line(o) << "\n";
  }
  std::cout << "event-hash: " << hex(r.event_hash) << "\n";
}

const char* kind_name(codis::sim::EventKind k) {
  switch (k) {
    case codis::sim::EventKind::kPost:
      return "post";
    case codis::sim::EventKind::kTimer:
      return "timer";
    case codis::sim::EventKind::kNet:
      return "net";
    case codis::sim::EventKind::kDisk:
      return "disk";
    case codis::sim::EventKind::kFault:
      return "fault";
    case codis::sim::EventKind::kWorld:
      return "world";
  }
  return "?";
}

std::string describe(const codis::sim::EventInfo& e) {
  return "t=" + std::to_string(e.time_ns) + "ns owner=" + std::to_string(e.owner) + " " + kind_name(e.kind) +
         " seq=" + std::to_string(e.seq) + " from=" + std::to_string(e.origin);
}

// Which part of the fingerprint differs first: when, whose, which callback, or what it did.
std::string what_differs(const codis::sim::EventInfo& a, const codis::sim::EventInfo& b) {
  if (a.time_ns != b.time_ns || a.owner != b.owner || a.kind != b.kind) {
    return "a different event ran";
  }
  if (a.seq != b.seq || a.origin != b.origin) {
    return "a different task ran at the same time";
  }
  if (a.draws != b.draws) {
    return "the event drew different random numbers";
  }
  if (a.bytes != b.bytes) {
    return "the event delivered different bytes";
  }
  return "an earlier effect outside any event differs";
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("codis-sim", "Deterministic simulation of codis-cpp with seeded faults");
  opts.add_options()("scenario", "scenario name", cxxopts::value<std::string>()->default_value("echo"))(
      "seed", "run one seed", cxxopts::value<std::string>())("seeds", "run a range A..B",
                                                             cxxopts::value<std::string>())(
      "check-determinism", "run the seed twice and compare every event")(
      "bug", "plant a deliberate bug (tests the checkers)", cxxopts::value<std::vector<std::string>>())(
      "no-faults", "inject no faults")("chaos-seconds", "override the chaos phase length",
                                       cxxopts::value<double>())(
      "time-budget", "with --seeds: stop after this many wall seconds", cxxopts::value<double>())(
      "trace", "print process logs with virtual time")("verbose", "list every injected fault")(
      "list", "list scenarios and their plantable bugs")("h,help", "help");
  cxxopts::ParseResult args;
  try {
    args = opts.parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "codis-sim: " << e.what() << "\n";
    return 2;
  }
  if (args.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  if (args.count("list")) {
    for (const auto& s : codis::sim::scenarios()) {
      std::cout << s.name << ": " << s.description << "\n";
      for (const auto& b : s.bugs) {
        std::cout << "  --bug=" << b << "\n";
      }
    }
    return 0;
  }
  RunOptions base;
  base.scenario = args["scenario"].as<std::string>();
  if (codis::sim::find_scenario(base.scenario) == nullptr) {
    std::cerr << "codis-sim: unknown scenario '" << base.scenario << "' (--list shows them)\n";
    return 2;
  }
  if (args.count("bug")) {
    for (const auto& b : args["bug"].as<std::vector<std::string>>()) {
      base.bugs.insert(b);
    }
  }
  base.no_faults = args.count("no-faults") != 0;
  base.trace = args.count("trace") != 0;
  if (args.count("chaos-seconds")) {
    base.chaos = codis::rt::Duration(static_cast<int64_t>(args["chaos-seconds"].as<double>() * 1e9));
  }
  const bool verbose = args.count("verbose") != 0;

  if (args.count("seeds")) {
    uint64_t a, b;
    if (!parse_range(args["seeds"].as<std::string>(), a, b)) {
      std::cerr << "codis-sim: --seeds wants A..B\n";
      return 2;
    }
    double budget = args.count("time-budget") ? args["time-budget"].as<double>() : 0;
    auto start = std::chrono::steady_clock::now();
    uint64_t ran = 0, failed = 0;
    for (uint64_t s = a; s <= b; ++s) {
      if (budget > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > budget) {
        std::cout << "time budget reached\n";
        break;
      }
      RunOptions o = base;
      o.seed = s;
      RunResult r = codis::sim::run_seed(o);
      ++ran;
      if (!r.ok) {
        ++failed;
        std::cout << "FAIL seed " << s << ": " << r.violations.front()
                  << "\n  repro: " << codis::sim::repro_line(o) << "\n";
      }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "seeds run: " << ran << "  failed: " << failed << "  wall: " << secs << "s\n";
    return failed == 0 ? 0 : 1;
  }

  RunOptions o = base;
  if (args.count("seed")) {
    uint64_t a, b;
    if (!parse_range(args["seed"].as<std::string>(), a, b)) {
      std::cerr << "codis-sim: bad --seed\n";
      return 2;
    }
    o.seed = a;
  }
  if (args.count("check-determinism")) {
    o.record_trail = true;
    o.trace = false;
    RunResult r1 = codis::sim::run_seed(o);
    RunResult r2 = codis::sim::run_seed(o);
    size_t n = std::min(r1.trail_hash.size(), r2.trail_hash.size());
    for (size_t i = 0; i < n; ++i) {
      if (r1.trail_hash[i] != r2.trail_hash[i]) {
        const auto& e1 = r1.trail_info[i];
        const auto& e2 = r2.trail_info[i];
        std::cout << "NONDETERMINISTIC: first divergence at event " << i << ": run1 (" << describe(e1)
                  << ") vs run2 (" << describe(e2) << "): " << what_differs(e1, e2) << "\n";
        return 1;
      }
    }
    if (r1.trail_hash.size() != r2.trail_hash.size() || r1.event_hash != r2.event_hash) {
      std::cout << "NONDETERMINISTIC: runs differ in length (" << r1.trail_hash.size() << " vs "
                << r2.trail_hash.size() << " events)\n";
      return 1;
    }
    std::cout << "deterministic: " << r1.events << " events, identical in both runs\n";
    std::cout << "event-hash: " << hex(r1.event_hash) << "\n";
    return 0;
  }
  RunResult r = codis::sim::run_seed(o);
  print_result(o, r, verbose);
  return r.ok ? 0 : 1;
}
