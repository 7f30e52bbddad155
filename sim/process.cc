#include "sim/process.h"

#include <algorithm>

#include "sim/disk.h"
#include "sim/net.h"
#include "sim/world.h"

namespace codis::sim {

namespace {

class SimLog final : public rt::Log {
 public:
  SimLog(World& w, Process& p) : w_(&w), p_(&p) {}
  void write(rt::LogLevel level, std::string_view msg) override {
    static constexpr std::string_view kNames[] = {"debug", "verbose", "notice", "warning"};
    w_->log(*p_, kNames[static_cast<int>(level)], msg);
  }
  bool enabled(rt::LogLevel) const override { return w_->tracing(); }

 private:
  World* w_;
  Process* p_;
};

// The process's streams report every draw to the event hash (forks, such as buggify's, inherit the tap).
rt::Random tapped(rt::Random r, World& w) {
  r.set_tap(w.sched().draw_digest());
  return r;
}

}  // namespace

Process::Process(World& w, Host& h, Owner id, std::string name, Main main, rt::Random r, bool buggify)
    : world_(&w),
      host_(&h),
      id_(id),
      name_(std::move(name)),
      main_(std::move(main)),
      random_(tapped(r, w)),
      buggify_(buggify ? rt::Buggify(random_.fork("buggify")) : rt::Buggify()),
      log_(std::make_unique<SimLog>(w, *this)),
      net_(std::make_unique<ProcessNet>(w.net(), *this)),
      disk_(std::make_unique<ProcessDisk>(*h.disk, *this)),
      env_(std::make_unique<rt::Env>(
          rt::Env{*this, *this, *net_, *disk_, random_, buggify_, *log_, memory_})) {}

Process::~Process() {
  teardown(ProcessExit::kKilled);
}

std::function<void()> Process::guard(rt::Callback fn) {
  return [this, inc = incarnation_, fn = std::move(fn)]() mutable {
    if (inc != incarnation_) {
      return;  // scheduled by an earlier life of this process
    }
    if (paused_) {
      parked_.push_back([fn]() mutable { fn(); });
      return;
    }
    fn();
  };
}

void Process::post(rt::Callback fn) {
  world_->sched().post(id_, EventKind::kPost, guard(std::move(fn)));
}

rt::TimerId Process::after(rt::Duration d, rt::Callback fn) {
  // now() + d overflows for "forever" (BLPOP k 10000000000); a century is forever enough, as for real.
  d = std::clamp(d, rt::Duration(0), rt::Duration(rt::hours(24 * 365 * 100)));
  uint64_t id = world_->sched().schedule(world_->now() + d, id_, EventKind::kTimer, guard(std::move(fn)));
  return rt::TimerId{id};
}

bool Process::planted(std::string_view bug) const {
  return world_->planted(bug);
}

void Process::cancel(rt::TimerId id) {
  world_->sched().cancel(id.v);
}

rt::MonoTime Process::mono() const {
  return world_->now();
}

rt::WallTime Process::wall() const {
  rt::MonoTime now = world_->now();
  return world_->epoch() + now.time_since_epoch() + host_->skew.at(now);
}

void Process::start() {
  if (alive_ || host_->down) {
    return;  // a powered-off host starts its processes when it comes back (World::restart_host)
  }
  ++incarnation_;
  alive_ = true;
  paused_ = false;
  parked_.clear();
  random_ = random_.fork(incarnation_);
  root_ = std::make_unique<rt::Scope>(*this);
  root_->spawn(main_(*env_));
}

void Process::teardown(ProcessExit how) {
  if (!alive_) {
    return;
  }
  alive_ = false;
  ++incarnation_;  // every event already queued for this life is now dropped
  parked_.clear();
  world_->net().on_process_down(*this, how);
  root_.reset();  // destroys every coroutine frame of the process
  if (how != ProcessExit::kClean) {
    ++crashes_;  // the disk keeps its page cache: only a power loss (HostDisk::power_loss) drops it
  }
}

void Process::crash() {
  teardown(ProcessExit::kKilled);
}
void Process::power_off() {
  teardown(ProcessExit::kPowerLoss);
}
void Process::stop() {
  teardown(ProcessExit::kClean);
}

void Process::pause() {
  if (alive_) {
    paused_ = true;
  }
}

void Process::resume() {
  if (!paused_) {
    return;
  }
  paused_ = false;
  auto parked = std::move(parked_);
  parked_.clear();
  for (auto& fn : parked) {
    world_->sched().post(id_, EventKind::kPost, guard(std::move(fn)));
  }
}

}  // namespace codis::sim
