// The simulated world: the master seed and its independent random streams, the scheduler (virtual time),
// hosts with their disks and processes, and the network. Everything runs on one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "rt/random.h"
#include "sim/disk.h"
#include "sim/host.h"
#include "sim/net.h"
#include "sim/process.h"
#include "sim/scheduler.h"

namespace codis::sim {

struct WorldOptions {
  uint64_t seed = 1;
  bool shuffle_ties = false;
  bool buggify = false;
  NetParams net;
  DiskParams disk;
  // When set, every process log line is written here with the virtual time and process name.
  std::function<void(const std::string&)> trace;
  // Deliberate bugs planted in the code the processes run (rt::Executor::planted), from --bug.
  std::set<std::string, std::less<>> planted;
};

class World {
 public:
  explicit World(WorldOptions o);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  uint64_t seed() const { return o_.seed; }
  bool planted(std::string_view bug) const { return o_.planted.contains(bug); }
  Scheduler& sched() { return sched_; }
  Network& net() { return *net_; }
  rt::MonoTime now() const { return sched_.now(); }
  // Virtual wall clock at time zero (a fixed date, so runs are reproducible).
  rt::WallTime epoch() const { return epoch_; }
  // An independent random stream for a concern ("workload", "faults", ...), stable across runs of the seed.
  rt::Random stream(std::string_view tag) const { return master_.fork(tag); }

  Host& add_host(const std::string& name, ClockSkew skew = {});
  Process& add_process(Host& h, const std::string& name, Process::Main main);
  Host* find_host(const std::string& name_or_ip);
  const std::vector<std::unique_ptr<Host>>& hosts() const { return hosts_; }
  const std::vector<std::unique_ptr<Process>>& processes() const { return procs_; }

  // Runs events until `until` (virtual), or until stop() or an empty queue. Returns events run.
  uint64_t run_until(rt::MonoTime until);
  // Runs until pred() is true, checking after every event; false if the queue empties or `until` passes
  // first.
  bool run_until(const std::function<bool()>& pred, rt::MonoTime until);
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

  void log(const Process& p, std::string_view level, std::string_view msg);
  bool tracing() const { return static_cast<bool>(o_.trace); }
  const WorldOptions& options() const { return o_; }

 private:
  WorldOptions o_;
  rt::Random master_;
  Scheduler sched_;
  rt::WallTime epoch_;
  std::unique_ptr<Network> net_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::vector<std::unique_ptr<Process>> procs_;
  bool stopped_ = false;
};

}  // namespace codis::sim
