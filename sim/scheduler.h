// The simulator's one event queue: virtual time, events ordered by (time, seq), optional random choice among
// events due at the same instant, and a rolling hash of every event run (the determinism fingerprint): when
// it ran, whose it was, which scheduled callback it was and which event scheduled it, and what it did (the
// processes' random draws and the bytes delivered to readers).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rt/random.h"
#include "rt/time.h"

namespace codis::sim {

using rt::Duration;
using rt::MonoTime;

// Who an event belongs to: 0 is the world itself (network, faults); processes have ids from 1.
using Owner = uint32_t;

enum class EventKind : uint8_t { kPost = 1, kTimer, kNet, kDisk, kFault, kWorld };

struct EventInfo {
  int64_t time_ns;
  Owner owner;
  EventKind kind;
  uint64_t seq;     // which scheduled callback ran (ids count up from 1 in schedule order)
  uint64_t origin;  // the seq of the event that scheduled it; 0 when scheduled outside any event
  uint64_t draws;   // digest of every random draw of the processes so far
  uint64_t bytes;   // digest of every byte (and end or reset) delivered to a reader so far
};

class Scheduler {
 public:
  explicit Scheduler(rt::Random r, bool shuffle_ties);

  MonoTime now() const { return now_; }
  // Schedules fn at max(at, now); returns an id that cancel() accepts until the event has run.
  uint64_t schedule(MonoTime at, Owner owner, EventKind kind, std::function<void()> fn);
  uint64_t post(Owner owner, EventKind kind, std::function<void()> fn) {
    return schedule(now_, owner, kind, std::move(fn));
  }
  void cancel(uint64_t id);

  // Runs the next event; false if none is due at or before `limit`.
  bool step(MonoTime limit);
  bool empty() const { return queue_.empty(); }
  // Moves virtual time forward to t (never backwards) without running anything.
  void advance_to(MonoTime t) { now_ = std::max(now_, t); }
  size_t size() const { return queue_.size(); }
  MonoTime next_time() const;

  uint64_t events_run() const { return events_run_; }
  // The fingerprint so far, effects included (draws and deliveries made outside any event count too).
  uint64_t hash() const;
  // Where a process's rt::Random folds its draws (rt::Random::set_tap).
  uint64_t* draw_digest() { return &draws_; }
  // A reader was given bytes (or an end, or a reset): v digests what and on which connection.
  void note_delivery(uint64_t v);
  // When set, every event run is also reported here (for --check-determinism and tracing).
  void set_observer(std::function<void(const EventInfo&, uint64_t hash)> f) { observer_ = std::move(f); }

 private:
  struct Key {
    int64_t time;
    uint64_t seq;
    bool operator<(const Key& o) const { return time != o.time ? time < o.time : seq < o.seq; }
  };
  struct Event {
    Owner owner;
    EventKind kind;
    uint64_t origin;
    std::function<void()> fn;
  };

  rt::Random r_;
  bool shuffle_;
  MonoTime now_{};
  uint64_t seq_ = 0;
  std::map<Key, Event> queue_;
  std::map<uint64_t, int64_t> time_of_;  // seq -> time, for cancel
  uint64_t events_run_ = 0;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
  uint64_t running_ = 0;  // seq of the event running now (0 between events)
  uint64_t draws_ = 0;
  uint64_t bytes_ = 0;
  std::function<void(const EventInfo&, uint64_t)> observer_;
};

}  // namespace codis::sim
