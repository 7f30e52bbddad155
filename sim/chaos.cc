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
             std::vector<Host*> hosts)
    : w_(&w), plan_(std::move(plan)), r_(r), crashable_(std::move(crashable)), hosts_(std::move(hosts)) {
  for (Host* h : hosts_) {
    // Wall-clock skew per host, drawn whether or not it is used so other draws stay put.
    int64_t off = r_.uniform_i64(-plan_.skew_offset_max_ms, plan_.skew_offset_max_ms);
    int64_t drift = r_.uniform_i64(-plan_.drift_ppm_max, plan_.drift_ppm_max);
    h->skew = ClockSkew{off * 1'000'000, drift};
  }
}

void Chaos::note(const std::string& what) {
  script_.push_back("at=" + secs(w_->now()) + " " + what);
}

Host& Chaos::pick_host() {
  return *hosts_[r_.uniform(0, hosts_.size() - 1)];
}

void Chaos::start(rt::MonoTime until) {
  until_ = until;
  // Each class draws from its own fork, so switching one off does not move another's schedule.
  arm("clog", plan_.clog_per_s, &Chaos::fire_clog);
  arm("partition", plan_.partition_per_s, &Chaos::fire_partition);
  arm("reset", plan_.reset_per_s, &Chaos::fire_reset);
  arm("crash", plan_.crash_per_s, &Chaos::fire_crash);
  arm("pause", plan_.pause_per_s, &Chaos::fire_pause);
  if (plan_.swizzle && plan_.clog_per_s > 0 && hosts_.size() > 1) {
    // Clog half the hosts one by one, then unclog them in a different order.
    std::vector<Host*> hs = hosts_;
    size_t n = hs.size() / 2 + 1;
    rt::MonoTime t = w_->now() + r_.uniform(rt::Duration(0), plan_.chaos / 2);
    std::vector<rt::MonoTime> ends;
    for (size_t i = 0; i < n; ++i) {
      ends.push_back(t + r_.uniform(rt::Duration(rt::seconds(1)), rt::Duration(rt::seconds(4))));
    }
    for (size_t i = ends.size(); i > 1; --i) {  // unclog in a different order than clogged
      std::swap(ends[i - 1], ends[r_.uniform(0, i - 1)]);
    }
    for (size_t i = 0; i < n && i < hs.size(); ++i) {
      Host* h = hs[r_.uniform(0, hs.size() - 1)];
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
}

void Chaos::arm(const char* cls, double per_s, void (Chaos::*fire)()) {
  if (per_s <= 0) {
    return;
  }
  rt::Random rr = r_.fork(cls);
  struct Arm {
    Chaos* c;
    rt::Random r;
    double per_s;
    void (Chaos::*fire)();
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
        (self.c->*self.fire)();
        self.next();
      }));
    }
  };
  Arm{this, rr, per_s, fire}.next();
}

void Chaos::fire_clog() {
  if (hosts_.size() < 2) {
    return;
  }
  Host& a = pick_host();
  Host& b = pick_host();
  if (&a == &b) {
    return;
  }
  rt::Duration d = r_.exponential(plan_.clog_mean);
  w_->net().clog(a.id, b.id, w_->now() + d);
  note("clog " + a.name + "->" + b.name + " for " + dur(d));
}

void Chaos::fire_partition() {
  if (hosts_.size() < 2) {
    return;
  }
  rt::Duration d = r_.uniform(plan_.partition_min, plan_.partition_max);
  rt::MonoTime until = w_->now() + d;
  bool symmetric = r_.chance(plan_.partition_symmetric);
  std::vector<Host*> side;
  if (r_.chance(0.5)) {
    side.push_back(&pick_host());  // isolate one host
  } else {
    for (Host* h : hosts_) {
      if (r_.chance(0.5)) {
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

void Chaos::fire_reset() {
  if (w_->net().reset_random()) {
    note("reset a connection");
  }
}

void Chaos::fire_crash() {
  if (crashable_.empty()) {
    return;
  }
  Process* p = crashable_[r_.uniform(0, crashable_.size() - 1)];
  if (!p->alive()) {
    return;
  }
  rt::Duration down = r_.uniform(plan_.down_min, plan_.down_max);
  p->crash();
  note("crash " + p->name() + " down " + dur(down));
  w_->sched().schedule(w_->now() + down, 0, EventKind::kFault, [this, p] {
    if (!p->alive()) {
      p->restart();
      note("restart " + p->name());
    }
  });
}

void Chaos::fire_pause() {
  if (crashable_.empty()) {
    return;
  }
  Process* p = crashable_[r_.uniform(0, crashable_.size() - 1)];
  if (!p->alive() || p->paused()) {
    return;
  }
  rt::Duration d = r_.uniform(plan_.pause_min, plan_.pause_max);
  p->pause();
  note("pause " + p->name() + " for " + dur(d));
  w_->sched().schedule(w_->now() + d, 0, EventKind::kFault, [p] { p->resume(); });
}

void Chaos::heal() {
  healed_ = true;
  for (uint64_t id : pending_events_) {
    w_->sched().cancel(id);
  }
  pending_events_.clear();
  w_->net().heal();
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
