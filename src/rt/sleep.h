// sleep_for and yield: the awaiters over Executor timers and post. A destroyed sleeper cancels its timer.
#pragma once

#include <coroutine>

#include "rt/executor.h"
#include "rt/wake.h"

namespace codis::rt {

class SleepAwaiter {
 public:
  SleepAwaiter(Executor& ex, Duration d) : ex_(&ex), d_(d) {}
  SleepAwaiter(const SleepAwaiter&) = delete;
  SleepAwaiter& operator=(const SleepAwaiter&) = delete;
  ~SleepAwaiter() {
    if (timer_ && slot_.armed()) {
      ex_->cancel(timer_);
    }
  }
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    Waker w = slot_.arm(*ex_, h);
    // The timer callback is an executor event, so resuming from it is a scheduling point already.
    timer_ = ex_->after(d_.count() < 0 ? Duration(0) : d_, [w]() mutable { w.resume_now(); });
  }
  void await_resume() const noexcept {}

 private:
  Executor* ex_;
  Duration d_;
  TimerId timer_;
  WakeSlot slot_;
};

inline SleepAwaiter sleep_for(Executor& ex, Duration d) {
  return SleepAwaiter(ex, d);
}

class YieldAwaiter {
 public:
  explicit YieldAwaiter(Executor& ex) : ex_(&ex) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { slot_.arm(*ex_, h).wake(); }
  void await_resume() const noexcept {}

 private:
  Executor* ex_;
  WakeSlot slot_;
};

// Lets every other ready event run before continuing.
inline YieldAwaiter yield(Executor& ex) {
  return YieldAwaiter(ex);
}

}  // namespace codis::rt
