// A simulated process: its own Executor and Clock over the world's scheduler, its own random stream and
// Env, and a root Scope running its main task. crash() (kill -9) destroys the Scope (every frame) and
// resets its connections, while its writes stay in the host's page cache; power_off() is its share of a
// host crash (World::crash_host). restart() runs main again on the same host and disk.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "rt/env.h"
#include "rt/scope.h"
#include "sim/host.h"
#include "sim/scheduler.h"

namespace codis::sim {

class World;
class ProcessNet;
class ProcessDisk;

class Process final : public rt::Executor, public rt::Clock {
 public:
  // The process's program. Whatever it owns lives in its coroutine frame, so a crash destroys it.
  using Main = std::function<rt::Task<void>(rt::Env&)>;

  Process(World& w, Host& h, Owner id, std::string name, Main main, rt::Random r, bool buggify);
  ~Process() override;

  Owner id() const { return id_; }
  const std::string& name() const { return name_; }
  Host& host() const { return *host_; }
  rt::Env& env() { return *env_; }
  bool alive() const { return alive_; }
  bool paused() const { return paused_; }
  uint64_t incarnation() const { return incarnation_; }
  uint64_t crashes() const { return crashes_; }
  // Children of the root scope still running (leak checks after heal).
  size_t tasks() const { return root_ ? root_->size() : 0; }

  void start();
  // Runs t as one more task of the process's root scope (tests and workloads injecting work into a process).
  void spawn(rt::Task<void> t) {
    if (root_) {
      root_->spawn(std::move(t));
    }
  }
  void crash();
  // Dies with its host: no FIN or reset leaves, so peers keep half-open connections (World::crash_host).
  void power_off();
  void restart() { start(); }
  // A clean stop: like crash, but connections are closed politely and disk writes stay as they are.
  void stop();
  void pause();
  void resume();

  // rt::Executor
  void post(rt::Callback fn) override;
  rt::TimerId after(rt::Duration d, rt::Callback fn) override;
  void cancel(rt::TimerId id) override;
  bool planted(std::string_view bug) const override;
  // rt::Clock
  rt::MonoTime mono() const override;
  rt::WallTime wall() const override;

 private:
  std::function<void()> guard(rt::Callback fn);
  void teardown(ProcessExit how);

  World* world_;
  Host* host_;
  Owner id_;
  std::string name_;
  Main main_;
  rt::Random random_;
  rt::Buggify buggify_;
  std::unique_ptr<rt::Log> log_;
  std::unique_ptr<ProcessNet> net_;
  std::unique_ptr<ProcessDisk> disk_;
  rt::ModelMemory memory_;  // allocator figures: what the scenario sets (rt/memory.h)
  std::unique_ptr<rt::Env> env_;
  std::unique_ptr<rt::Scope> root_;
  bool alive_ = false;
  bool paused_ = false;
  uint64_t incarnation_ = 0;
  uint64_t crashes_ = 0;
  std::deque<std::function<void()>> parked_;
};

}  // namespace codis::sim
