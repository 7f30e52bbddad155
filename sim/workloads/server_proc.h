// codis-server as a simulated process for server scenarios: a slot that publishes the running Server (a
// white-box view for checkers: the one-process world lets them look at its clients and its clock) and a log
// of every wall-clock reading the server made, so invariants about expiry and timeouts can be judged by
// the server's own clock however the host's clock drifts or jumps.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rt/clock.h"
#include "rt/net.h"
#include "server/config.h"
#include "server/server.h"
#include "sim/scenario.h"
#include "sim/workloads/resp_client.h"
#include "sim/world.h"

namespace codis::sim {

// Every wall-clock reading of one process, as (virtual time, unix ms), in the order they were made.
class ClockLog {
 public:
  void add(rt::MonoTime at, int64_t wall_ms) { readings_.emplace_back(at, wall_ms); }
  // The smallest and largest reading made within [from, to]; nothing when there was none.
  struct Range {
    bool any = false;
    int64_t min_ms = 0;
    int64_t max_ms = 0;
  };
  Range range(rt::MonoTime from, rt::MonoTime to) const;

 private:
  std::vector<std::pair<rt::MonoTime, int64_t>> readings_;
};

struct ServerSlot {
  Process* proc = nullptr;
  server::Server* server = nullptr;  // valid while the server process runs
  ClockLog clock;
  // The life of the server process (its data does not survive a crash yet).
  uint64_t life() const { return proc->incarnation(); }
};

constexpr uint16_t kServerPort = 6379;

// Adds host "server" running codis-server on kServerPort with the config `tweak` leaves, and starts it.
// `started` (optional) runs on the new Server each time the process starts (probes, white-box hooks).
Process& add_server(World& w, ServerSlot& slot, std::function<void(server::Config&)> tweak = {},
                    std::function<void(server::Server&)> started = {});
// The same on a host named `host` (scenarios with several servers).
Process& add_server_on(World& w, const std::string& host, ServerSlot& slot,
                       std::function<void(server::Config&)> tweak = {},
                       std::function<void(server::Server&)> started = {});

// One attempt to connect to the server (1 s); on failure sleeps 10..200 ms and returns null.
rt::Task<std::unique_ptr<RespClient>> connect_server(rt::Env& env);
// The same to the server at `at`.
rt::Task<std::unique_ptr<RespClient>> connect_to(rt::Env& env, rt::Endpoint at);

// The server's reply when it refuses a connection over maxclients.
inline constexpr std::string_view kMaxClientsError = "ERR max number of clients reached";

// The server's client whose connection comes from `peer` (a RespClient's local()), or null.
server::Client* find_client(server::Server& s, const rt::Endpoint& peer);

// What the server scenarios share: the server slot, the violations, and the liveness goal after heal (every
// worker reports done, then the server has no clients left and every connection is closed on both sides).
class ServerScenario : public Scenario {
 public:
  void on_heal(World& w) override {
    healed_ = true;
    healed_at_ = w.now();
  }
  std::string pending(World& w) const override;
  const std::vector<std::string>& violations() const override { return violations_; }

  bool healed() const { return healed_; }
  rt::MonoTime healed_at() const { return healed_at_; }
  void violation(std::string v) { violations_.push_back(std::move(v)); }
  // Workers: each says when it is done; pending() names the first that is not, with its `progress` text.
  int add_worker(std::string name);
  void done(int worker) { workers_[static_cast<size_t>(worker)].done = true; }
  void progress(int worker, std::string p) { workers_[static_cast<size_t>(worker)].progress = std::move(p); }
  bool all_done() const;
  bool worker_done(int worker) const { return workers_[static_cast<size_t>(worker)].done; }
  // Which workers are not done, with their progress; empty when all are.
  std::string workers_pending() const;

  ServerSlot slot;

 private:
  struct Worker {
    std::string name;
    bool done = false;
    std::string progress;
  };
  std::vector<Worker> workers_;
  std::vector<std::string> violations_;
  bool healed_ = false;
  rt::MonoTime healed_at_{};
};

}  // namespace codis::sim
