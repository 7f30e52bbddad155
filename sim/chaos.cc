#include "sim/chaos.h"

#include <algorithm>
#include <cstdio>

namespace codis::sim {

namespace {
std::string secs(rt::MonoTime t) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3fs", static_cast<double>(t.time_since_epoch().count()) / 1e9);
  return b;
}
std::string dur(rt::Duration d) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3fs", static_cast<double>(d.count()) / 1e9);
  return b;
}
}  // namespace

Chaos::Chaos(World& w, FaultPlan plan, rt::Random r, std::vector<Process*> crashable,
             std::vector<Host*> hosts, std::vector<Process*> pausable)
    : w_(&w),
      plan_(std::move(plan)),
      r_(r),
      crashable_(std::move(crashable)),
      pausable_(pausable.empty() ? crashable_ : std::move(pausable)),
      hosts_(std::move(hosts)) {
  rt::Random skew = r_.fork("skew");
  for (Host* h : hosts_) {
    // Wall-clock skew per host, from its own stream so the fault classes' draws do not depend on it.
    int64_t off = skew.uniform_i64(-plan_.skew_offset_max_ms, plan_.skew_offset_max_ms);
    int64_t drift = skew.uniform_i64(-plan_.drift_ppm_max, plan_.drift_ppm_max);
    h->skew = ClockSkew{off * 1'000'000, drift};
  }
}

void Chaos::note(const std::string& what) {
  script_.push_back("at=" + secs(w_->now()) + " " + what);
}

Host& Chaos::pick_host(rt::Random& r) {
  return *hosts_[r.uniform(0, hosts_.size() - 1)];
}

Process& Chaos::pick_process(rt::Random& r) {
  return *crashable_[r.uniform(0, crashable_.size() - 1)];
}

void Chaos::start(rt::MonoTime until) {
  until_ = until;
  // Each class draws from its own fork, so switching one off does not move another's schedule.
  arm("clog", plan_.clog_per_s, &Chaos::fire_clog);
  arm("partition", plan_.partition_per_s, &Chaos::fire_partition);
  arm("reset", plan_.reset_per_s, &Chaos::fire_reset);
  arm("crash", plan_.crash_per_s, &Chaos::fire_crash);
  arm("pause", plan_.pause_per_s, &Chaos::fire_pause);
  arm("host-crash", plan_.host_crash_per_s, &Chaos::fire_host_crash);
  arm("clock-step", plan_.clock_step_per_s, &Chaos::fire_clock_step);
  arm("bad-region", plan_.bad_region_per_s, &Chaos::fire_bad_region);
  arm("corrupt", plan_.corrupt_per_s, &Chaos::fire_corrupt);
  if (plan_.swizzle && plan_.clog_per_s > 0 && hosts_.size() > 1) {
    swizzle(r_.fork("swizzle"));
  }
}

void Chaos::swizzle(rt::Random r) {
  // Clog half the hosts one by one, then unclog them in a different order.
  std::vector<Host*> hs = hosts_;
  size_t n = hs.size() / 2 + 1;
  rt::MonoTime t = w_->now() + r.uniform(rt::Duration(0), plan_.chaos / 2);
  std::vector<rt::MonoTime> ends;
  for (size_t i = 0; i < n; ++i) {
    ends.push_back(t + r.uniform(rt::Duration(rt::seconds(1)), rt::Duration(rt::seconds(4))));
  }
  for (size_t i = ends.size(); i > 1; --i) {  // unclog in a different order than clogged
    std::swap(ends[i - 1], ends[r.uniform(0, i - 1)]);
  }
  for (size_t i = 0; i < n && i < hs.size(); ++i) {
    Host* h = hs[r.uniform(0, hs.size() - 1)];
    rt::MonoTime at = t + rt::milliseconds(100 * static_cast<int64_t>(i));
    rt::MonoTime end = std::max(ends[i], at + rt::milliseconds(100));
    pending_events_.push_back(w_->sched().schedule(at, 0, EventKind::kFault, [this, h, end] {
      if (healed_) {
        return;
      }
      for (Host* o : hosts_) {
        if (o != h) {
          w_->net().clog(h->id, o->id, end);
          w_->net().clog(o->id, h->id, end);
        }
      }
      note("swizzle-clog " + h->name + " until " + secs(end));
    }));
  }
}

void Chaos::arm(const char* cls, double per_s, Fire fire) {
  if (per_s <= 0) {
    return;
  }
  rt::Random rr = r_.fork(cls);
  struct Arm {
    Chaos* c;
    rt::Random r;
    double per_s;
    Fire fire;
    void next() {
      rt::Duration gap = r.exponential(rt::Duration(static_cast<int64_t>(1e9 / per_s)));
      rt::MonoTime at = c->w_->now() + gap;
      if (at >= c->until_ || c->healed_) {
        return;
      }
      auto self = *this;
      c->pending_events_.push_back(c->w_->sched().schedule(at, 0, EventKind::kFault, [self]() mutable {
        if (self.c->healed_) {
          return;
        }
        (self.c->*self.fire)(self.r);
        self.next();
      }));
    }
  };
  Arm{this, rr, per_s, fire}.next();
}

void Chaos::fire_clog(rt::Random& r) {
  if (hosts_.size() < 2) {
    return;
  }
  Host& a = pick_host(r);
  Host& b = pick_host(r);
  rt::Duration d = r.exponential(plan_.clog_mean);
  if (&a == &b) {
    return;
  }
  w_->net().clog(a.id, b.id, w_->now() + d);
  note("clog " + a.name + "->" + b.name + " for " + dur(d));
}

void Chaos::fire_partition(rt::Random& r) {
  if (hosts_.size() < 2) {
    return;
  }
  rt::Duration d = r.uniform(plan_.partition_min, plan_.partition_max);
  rt::MonoTime until = w_->now() + d;
  bool symmetric = r.chance(plan_.partition_symmetric);
  std::vector<Host*> side;
  if (r.chance(0.5)) {
    side.push_back(&pick_host(r));  // isolate one host
  } else {
    for (Host* h : hosts_) {
      if (r.chance(0.5)) {
        side.push_back(h);  // random bisection
      }
    }
  }
  std::string names;
  for (Host* a : side) {
    names += a->name + ",";
    for (Host* b : hosts_) {
      if (std::find(side.begin(), side.end(), b) != side.end()) {
        continue;
      }
      w_->net().partition(a->id, b->id, until);
      if (symmetric) {
        w_->net().partition(b->id, a->id, until);
      }
    }
  }
  note(std::string("partition ") + (symmetric ? "both-ways" : "one-way") + " {" + names + "} for " + dur(d));
}

void Chaos::fire_reset(rt::Random& r) {
  // One draw whatever the number of live connections (which the other classes change).
  if (w_->net().reset_one(r.next_u64())) {
    note("reset a connection");
  } else {
    note("reset skipped: no live connection");
  }
}

void Chaos::fire_crash(rt::Random& r) {
  if (crashable_.empty()) {
    return;
  }
  Process* p = &pick_process(r);
  rt::Duration down = r.uniform(plan_.down_min, plan_.down_max);
  std::string what = "crash " + p->name() + " down " + dur(down);
  if (!p->alive()) {
    note(what + " skipped: not running");
    return;
  }
  p->crash();
  note(what);
  w_->sched().schedule(w_->now() + down, 0, EventKind::kFault, [this, p] {
    if (p->alive() || p->host().down) {
      note("restart " + p->name() + " skipped: " + (p->alive() ? "running" : "host down"));
      return;
    }
    p->restart();
    note("restart " + p->name());
  });
}

void Chaos::fire_pause(rt::Random& r) {
  if (pausable_.empty()) {
    return;
  }
  Process* p = pausable_[r.uniform(0, pausable_.size() - 1)];
  rt::Duration d = r.uniform(plan_.pause_min, plan_.pause_max);
  std::string what = "pause " + p->name() + " for " + dur(d);
  if (!p->alive() || p->paused()) {
    note(what + " skipped: not running");
    return;
  }
  p->pause();
  note(what);
  w_->sched().schedule(w_->now() + d, 0, EventKind::kFault, [p] { p->resume(); });
}

void Chaos::fire_host_crash(rt::Random& r) {
  if (hosts_.empty()) {
    return;
  }
  Host* h = &pick_host(r);
  const rt::Duration down = r.uniform(plan_.down_min, plan_.down_max);
  std::string what = "host-crash " + h->name + " down " + dur(down);
  // Only a host whose processes may crash and that serves (listens: its peers are clients with their own
  // timeouts) or never touched the network (it has no peers). A client host's power loss would leave its
  // servers' sockets half-open for good (keepalive's job, which the simulated network does not model).
  bool all_crashable = !h->processes.empty();
  for (Process* p : h->processes) {
    all_crashable &= std::find(crashable_.begin(), crashable_.end(), p) != crashable_.end();
  }
  const bool no_half_open = w_->net().listening(h->id) || !w_->net().networked(h->id);
  if (h->down || !all_crashable || !no_half_open) {
    note(what + " skipped: " + (h->down ? "down" : "not a serving host"));
    return;
  }
  w_->crash_host(*h);
  note(what);
  w_->sched().schedule(w_->now() + down, 0, EventKind::kFault, [this, h] {
    if (!h->down) {
      note("host-restart " + h->name + " skipped: up");
      return;
    }
    w_->restart_host(*h);
    note("host-restart " + h->name);
  });
}

void Chaos::fire_clock_step(rt::Random& r) {
  if (hosts_.empty()) {
    return;
  }
  Host& h = pick_host(r);
  const bool back = r.real01() < 0.5;
  const int64_t ms = r.uniform_i64(1000, std::max<int64_t>(1000, plan_.clock_step_max_ms));
  const rt::Duration d = rt::milliseconds(back ? -ms : ms);
  h.skew.step(d);
  note("clock-step " + h.name + " " + (back ? "-" : "+") + dur(rt::milliseconds(ms)));
}

std::string Chaos::pick_file(Host& h, uint64_t pick) {
  auto& files = h.disk->files();
  if (files.empty()) {
    return {};
  }
  auto it = files.begin();
  std::advance(it, static_cast<ptrdiff_t>(pick % files.size()));
  return it->first;
}

void Chaos::fire_bad_region(rt::Random& r) {
  if (hosts_.empty()) {
    return;
  }
  Host& h = pick_host(r);
  const uint64_t file = r.next_u64(), at = r.next_u64(), len = r.uniform(1, 4096);
  std::string path = pick_file(h, file);
  if (path.empty()) {
    note("bad-region on " + h.name + " skipped: no file");
    return;
  }
  uint64_t size = h.disk->files()[path]->current.size();
  uint64_t off = size == 0 ? 0 : at % size;
  h.disk->add_bad_region(path, off, len);
  note("bad-region " + h.name + ":" + path + " [" + std::to_string(off) + ", +" + std::to_string(len) + ")");
}

void Chaos::fire_corrupt(rt::Random& r) {
  if (hosts_.empty()) {
    return;
  }
  Host& h = pick_host(r);
  const uint64_t file = r.next_u64(), at = r.next_u64(), len = r.uniform(1, 64), flips = r.next_u64();
  std::string path = pick_file(h, file);
  if (path.empty()) {
    note("corrupt on " + h.name + " skipped: no file");
    return;
  }
  uint64_t size = h.disk->files()[path]->current.size();
  uint64_t off = size == 0 ? 0 : at % size;
  h.disk->corrupt(path, off, len, rt::Random(flips));
  note("corrupt " + h.name + ":" + path + " [" + std::to_string(off) + ", +" + std::to_string(len) + ")");
}

void Chaos::heal() {
  healed_ = true;
  for (uint64_t id : pending_events_) {
    w_->sched().cancel(id);
  }
  pending_events_.clear();
  for (Host* h : hosts_) {
    if (h->down) {
      w_->restart_host(*h);
      note("host-restart " + h->name);
    }
  }
  w_->net().heal();
  for (Host* h : hosts_) {
    // I/O errors stop with the other faults (bad and corrupted regions stay: they are in the media).
    DiskParams d = h->disk->params();
    d.write_error_chance = d.sync_error_chance = d.read_error_chance = 0;
    h->disk->set_params(d);
  }
  for (Process* p : pausable_) {
    if (p->paused()) {
      p->resume();
    }
  }
  for (Process* p : crashable_) {
    if (p->paused()) {
      p->resume();
    }
    if (!p->alive()) {
      p->restart();
    }
  }
  note("heal");
}

}  // namespace codis::sim
