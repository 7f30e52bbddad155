// Event: a level-triggered flag that tasks can wait on (set wakes every waiter, through the executor).
// Single-threaded: set/reset/wait must happen on the executor the Event was made for. A waiter that is
// cancelled leaves the Event at once (rt::WaitList), so waiting and giving up in a loop costs no memory.
#pragma once

#include <cstddef>

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
    waiters_.wake_all();
  }
  void reset() { set_ = false; }
  // Tasks suspended in wait() now.
  size_t waiters() const { return waiters_.size(); }

  struct Awaiter : WaitList::Node {
    explicit Awaiter(Event* e) : ev(e) {}
    Event* ev;
    bool await_ready() const noexcept { return ev->set_; }
    void await_suspend(std::coroutine_handle<> h) { ev->waiters_.add(*this, *ev->ex_, h); }
    void await_resume() const noexcept {}
  };
  // Completes once the event is set (at once if it already is).
  Awaiter wait() { return Awaiter{this}; }

 private:
  Executor* ex_;
  bool set_ = false;
  WaitList waiters_;
};

}  // namespace codis::rt
