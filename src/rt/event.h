// Event: a level-triggered flag that tasks can wait on (set wakes every waiter, through the executor).
// Single-threaded: set/reset/wait must happen on the executor the Event was made for.
#pragma once

#include <vector>

#include "rt/executor.h"
#include "rt/wake.h"

namespace codis::rt {

class Event {
 public:
  explicit Event(Executor& ex) : ex_(&ex) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  bool is_set() const { return set_; }
  void set() {
    set_ = true;
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& w : waiters) {
      w.wake();
    }
  }
  void reset() { set_ = false; }

  struct Awaiter {
    Event* ev;
    WakeSlot slot;
    bool await_ready() const noexcept { return ev->set_; }
    void await_suspend(std::coroutine_handle<> h) { ev->waiters_.push_back(slot.arm(*ev->ex_, h)); }
    void await_resume() const noexcept {}
  };
  // Completes once the event is set (at once if it already is).
  Awaiter wait() { return Awaiter{this, {}}; }

 private:
  Executor* ex_;
  bool set_ = false;
  std::vector<Waker> waiters_;
};

}  // namespace codis::rt
