#include "sim/scheduler.h"

namespace codis::sim {

namespace {
// Every event costs a little virtual time, so a loop that keeps posting cannot starve timers.
constexpr int64_t kEventCostNs = 64;
// With shuffling on, pick among at most this many same-time events (keeps each step cheap).
constexpr size_t kShuffleWindow = 8;

inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0x100000001b3ULL;
}
}  // namespace

Scheduler::Scheduler(rt::Random r, bool shuffle_ties) : r_(r), shuffle_(shuffle_ties) {}

uint64_t Scheduler::schedule(MonoTime at, Owner owner, EventKind kind, std::function<void()> fn) {
  int64_t t = std::max(at, now_).time_since_epoch().count();
  uint64_t id = ++seq_;
  queue_.emplace(Key{t, id}, Event{owner, kind, running_, std::move(fn)});
  time_of_.emplace(id, t);
  return id;
}

void Scheduler::cancel(uint64_t id) {
  auto it = time_of_.find(id);
  if (it == time_of_.end()) {
    return;
  }
  queue_.erase(Key{it->second, id});
  time_of_.erase(it);
}

MonoTime Scheduler::next_time() const {
  return queue_.empty() ? MonoTime::max() : MonoTime(Duration(queue_.begin()->first.time));
}

bool Scheduler::step(MonoTime limit) {
  if (queue_.empty()) {
    return false;
  }
  auto it = queue_.begin();
  if (it->first.time > limit.time_since_epoch().count()) {
    return false;
  }
  if (shuffle_) {
    size_t n = 1;
    auto last = it;
    for (auto j = std::next(it); j != queue_.end() && n < kShuffleWindow && j->first.time == it->first.time;
         ++j) {
      ++n;
      last = j;
    }
    if (n > 1) {
      size_t pick = r_.uniform(0, n - 1);
      std::advance(it, pick);
    }
    (void)last;
  }
  Key key = it->first;
  Event ev = std::move(it->second);
  queue_.erase(it);
  time_of_.erase(key.seq);

  int64_t t = std::max(key.time, now_.time_since_epoch().count());
  now_ = MonoTime(Duration(t + kEventCostNs));
  ++events_run_;
  hash_ = mix(mix(mix(hash_, static_cast<uint64_t>(key.time)), ev.owner), static_cast<uint64_t>(ev.kind));
  hash_ = mix(mix(hash_, key.seq), ev.origin);
  running_ = key.seq;
  ev.fn();
  running_ = 0;
  // What the event did: reported after it ran, so a divergence is charged to the event that caused it.
  hash_ = mix(mix(hash_, draws_), bytes_);
  if (observer_) {
    observer_(EventInfo{key.time, ev.owner, ev.kind, key.seq, ev.origin, draws_, bytes_}, hash());
  }
  return true;
}

uint64_t Scheduler::hash() const {
  return mix(mix(hash_, draws_), bytes_);
}

void Scheduler::note_delivery(uint64_t v) {
  bytes_ = mix(bytes_, v);
}

}  // namespace codis::sim
