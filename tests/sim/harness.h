// A one-host simulated world for unit tests: run a coroutine as a process's main and drive virtual time.
#pragma once

#include <functional>
#include <memory>

#include "rt/env.h"
#include "sim/world.h"

namespace codis::sim::testing {

inline WorldOptions quiet_options(uint64_t seed = 1) {
  WorldOptions o;
  o.seed = seed;
  return o;
}

struct Harness {
  explicit Harness(WorldOptions o = quiet_options()) : w(std::move(o)), host(&w.add_host("h1")) {}

  // Starts fn as a new process on host h (default: h1) and returns it. fn must stay valid: it is stored.
  Process& spawn(std::function<rt::Task<void>(rt::Env&)> fn, Host* h = nullptr, std::string name = "p") {
    auto& p = w.add_process(h ? *h : *host, std::move(name), std::move(fn));
    p.start();
    return p;
  }

  // Runs fn to completion as a process; false if it did not finish within `limit` of virtual time.
  bool run(std::function<rt::Task<void>(rt::Env&)> fn, rt::Duration limit = rt::seconds(600)) {
    auto done = std::make_shared<bool>(false);
    auto body = std::make_shared<std::function<rt::Task<void>(rt::Env&)>>(std::move(fn));
    spawn([done, body](rt::Env& env) -> rt::Task<void> {
      co_await (*body)(env);
      *done = true;
    });
    return w.run_until([done] { return *done; }, w.now() + limit);
  }

  World w;
  Host* host;
};

}  // namespace codis::sim::testing
