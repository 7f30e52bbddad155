#include "sim/world.h"

#include <cstdio>

namespace codis::sim {

World::World(WorldOptions o)
    : o_(std::move(o)),
      master_(o_.seed),
      sched_(master_.fork("scheduler"), o_.shuffle_ties),
      epoch_(rt::WallTime(rt::seconds(1'767'225'600))),  // 2026-01-01T00:00:00Z
      net_(std::make_unique<Network>(*this, master_.fork("network"), o_.net)) {}

World::~World() {
  // Destroy processes first (their frames hold streams that talk to the network), then the network.
  for (auto& p : procs_) {
    p->crash();
  }
  procs_.clear();
  net_.reset();
}

Host& World::add_host(const std::string& name, ClockSkew skew) {
  auto h = std::make_unique<Host>();
  h->id = static_cast<HostId>(hosts_.size() + 1);
  h->name = name;
  h->ip = "10.0." + std::to_string(h->id / 250) + "." + std::to_string(h->id % 250 + 1);
  h->skew = skew;
  h->disk = std::make_unique<HostDisk>(master_.fork("disk").fork(h->id), o_.disk);
  hosts_.push_back(std::move(h));
  return *hosts_.back();
}

Process& World::add_process(Host& h, const std::string& name, Process::Main main) {
  Owner id = static_cast<Owner>(procs_.size() + 1);
  auto p = std::make_unique<Process>(*this, h, id, name, std::move(main), master_.fork("process").fork(id),
                                     o_.buggify);
  h.processes.push_back(p.get());
  procs_.push_back(std::move(p));
  return *procs_.back();
}

Host* World::find_host(const std::string& name_or_ip) {
  for (auto& h : hosts_) {
    if (h->name == name_or_ip || h->ip == name_or_ip) {
      return h.get();
    }
  }
  return nullptr;
}

void World::crash_host(Host& h) {
  if (h.down) {
    return;
  }
  for (Process* p : h.processes) {
    p->power_off();
  }
  h.down = true;
  net_->set_host_down(h.id, true);
  h.disk->power_loss();
}

void World::restart_host(Host& h) {
  if (!h.down) {
    return;
  }
  h.down = false;
  net_->set_host_down(h.id, false);
  for (Process* p : h.processes) {
    p->start();
  }
}

uint64_t World::run_until(rt::MonoTime until) {
  uint64_t n = 0;
  while (!stopped_ && sched_.step(until)) {
    ++n;
  }
  if (!stopped_) {
    sched_.advance_to(until);  // time passes even when nothing happens
  }
  return n;
}

bool World::run_until(const std::function<bool()>& pred, rt::MonoTime until) {
  while (!stopped_) {
    if (pred()) {
      return true;
    }
    if (!sched_.step(until)) {
      return pred();
    }
  }
  return pred();
}

void World::log(const Process& p, std::string_view level, std::string_view msg) {
  if (!o_.trace) {
    return;
  }
  char ts[32];
  std::snprintf(ts, sizeof ts, "%.6f", static_cast<double>(now().time_since_epoch().count()) / 1e9);
  std::string line = std::string(ts) + " " + p.name() + " " + std::string(level) + " " + std::string(msg);
  o_.trace(line);
}

}  // namespace codis::sim
