// Internal (includes Boost.Asio): the one cancellation-safe way to await an Asio operation from a Task.
//
// The awaiter lives in the awaiting coroutine's frame; the completion handler lives inside Asio. They share a
// small heap OpState, so neither ever points into the other:
// - the handler only touches the OpState and resumes the coroutine through a Waker, which does nothing once
//   the awaiter's WakeSlot has been disarmed;
// - the awaiter's destructor (the Task was destroyed while the operation was pending) disarms the slot and
//   emits terminal cancellation, so Asio drops the operation and later runs the handler with
//   operation_aborted, which then finds nobody to resume;
// - the OpState also keeps the I/O object (socket, acceptor) alive until the handler has run, because Asio's
//   per-operation cancellation handler points into that object.
#pragma once

#include <coroutine>
#include <memory>
#include <utility>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/system/error_code.hpp>

#include "rt/executor.h"
#include "rt/wake.h"

namespace codis::rt::asio {

namespace ba = boost::asio;
using boost::system::error_code;

struct OpState {
  ba::cancellation_signal cancel;
  Waker waker;
  error_code ec;
  bool done = false;           // the handler has run
  std::shared_ptr<void> keep;  // the I/O object the operation points into
};

// The completion handler. Move-only, so a moved-from copy can never be mistaken for the live one.
class OpHandler {
 public:
  explicit OpHandler(std::shared_ptr<OpState> s) : s_(std::move(s)) {}
  OpHandler(OpHandler&&) noexcept = default;
  OpHandler& operator=(OpHandler&&) noexcept = default;
  OpHandler(const OpHandler&) = delete;
  OpHandler& operator=(const OpHandler&) = delete;

  void operator()(const error_code& ec) {
    auto s = std::move(s_);
    s->done = true;
    s->ec = ec;
    // Asio runs this handler as an event of the loop's io_context (never inline from the initiating call or
    // from cancellation), so resuming here is already a scheduling point of the loop: no extra post needed.
    Waker w = std::move(s->waker);
    w.resume_now();
  }

 private:
  std::shared_ptr<OpState> s_;
};

// Awaits start(handler), where start initiates one Asio operation with that completion handler. Resumes with
// the operation's error_code (operation_aborted if the I/O object was closed meanwhile).
template <class Start>
class OpAwaiter {
 public:
  OpAwaiter(Executor& ex, std::shared_ptr<void> keep, Start start)
      : ex_(&ex), st_(std::make_shared<OpState>()), start_(std::move(start)) {
    st_->keep = std::move(keep);
  }
  OpAwaiter(const OpAwaiter&) = delete;
  OpAwaiter& operator=(const OpAwaiter&) = delete;
  ~OpAwaiter() {
    if (started_ && !st_->done) {
      slot_.disarm();
      st_->cancel.emit(ba::cancellation_type::terminal);
    }
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    st_->waker = slot_.arm(*ex_, h);
    started_ = true;
    start_(ba::bind_cancellation_slot(st_->cancel.slot(), OpHandler(st_)));
  }
  error_code await_resume() const noexcept { return st_->ec; }

 private:
  Executor* ex_;
  std::shared_ptr<OpState> st_;
  Start start_;
  WakeSlot slot_;
  bool started_ = false;
};

template <class Start>
OpAwaiter<Start> async_op(Executor& ex, std::shared_ptr<void> keep, Start start) {
  return OpAwaiter<Start>(ex, std::move(keep), std::move(start));
}

}  // namespace codis::rt::asio
