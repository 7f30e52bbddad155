// Cancellation-safe resumption of a suspended coroutine. An awaiter owns a WakeSlot; whoever completes the
// operation holds a Waker and calls wake(), which resumes the coroutine through Executor::post. If the
// awaiting frame is destroyed first (cancellation), the slot disarms and the late wake-up does nothing.
#pragma once

#include <coroutine>
#include <memory>
#include <utility>

#include "rt/executor.h"

namespace codis::rt {

namespace detail {
struct WakeState {
  Executor* ex = nullptr;
  std::coroutine_handle<> h;
};
}  // namespace detail

class Waker {
 public:
  Waker() = default;
  explicit Waker(std::shared_ptr<detail::WakeState> s) : s_(std::move(s)) {}

  // True while the waiting coroutine is still there and has not been woken.
  bool armed() const { return s_ && s_->h; }

  // Resumes the waiter on its executor after the current event. One-shot; later calls do nothing.
  void wake() {
    if (!armed()) {
      return;
    }
    auto s = std::move(s_);
    s->ex->post([s] {
      if (auto h = std::exchange(s->h, {})) {
        h.resume();
      }
    });
  }

  // Resumes the waiter right now. Only for callers that are themselves an executor event on the waiter's
  // executor (a timer callback, say), so the resumption is still a scheduling point of that executor.
  void resume_now() {
    if (!armed()) {
      return;
    }
    auto s = std::move(s_);
    std::exchange(s->h, {}).resume();
  }

 private:
  std::shared_ptr<detail::WakeState> s_;
};

class WakeSlot {
 public:
  WakeSlot() = default;
  WakeSlot(const WakeSlot&) = delete;
  WakeSlot& operator=(const WakeSlot&) = delete;
  ~WakeSlot() { disarm(); }

  Waker arm(Executor& ex, std::coroutine_handle<> h) {
    disarm();
    s_ = std::make_shared<detail::WakeState>();
    s_->ex = &ex;
    s_->h = h;
    return Waker(s_);
  }
  void disarm() {
    if (s_) {
      s_->h = {};
      s_.reset();
    }
  }
  bool armed() const { return s_ && s_->h; }

 private:
  std::shared_ptr<detail::WakeState> s_;
};

}  // namespace codis::rt
