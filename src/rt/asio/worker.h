// Internal: a loop's helper thread for blocking system calls (file I/O, fsync), so that they never stall the
// event loop. Jobs run one at a time in submission order (so a later file operation always sees an earlier
// one's effect); each result is handed back to the loop through Executor::post.
//
// The job owns everything it touches (a copy of the bytes to write, its own read buffer, a reference to the
// descriptor), because the awaiting Task may be destroyed meanwhile: the job then still runs to the end, its
// result is dropped, and nothing waits for it (cancellation never blocks the loop).
#pragma once

#include <condition_variable>
#include <coroutine>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "rt/executor.h"
#include "rt/wake.h"

namespace codis::rt::asio {

class BlockingWorker {
 public:
  BlockingWorker() = default;
  // Runs the jobs still queued (writes reach the file), then joins the thread.
  ~BlockingWorker();
  BlockingWorker(const BlockingWorker&) = delete;
  BlockingWorker& operator=(const BlockingWorker&) = delete;

  // Thread-safe. The thread starts with the first job: loops that never touch a file never get one.
  void submit(std::function<void()> job);

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

// Awaits fn() run on the worker; resumes on ex (the awaiting loop) with its result.
template <class R>
class OffloadAwaiter {
 public:
  OffloadAwaiter(BlockingWorker& w, Executor& ex, std::function<R()> fn)
      : w_(&w), ex_(&ex), st_(std::make_shared<State>()), fn_(std::move(fn)) {}
  OffloadAwaiter(const OffloadAwaiter&) = delete;
  OffloadAwaiter& operator=(const OffloadAwaiter&) = delete;

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    st_->waker = slot_.arm(*ex_, h);  // touched on the loop's thread only
    w_->submit([st = st_, ex = ex_, fn = std::move(fn_)] {
      st->result.emplace(fn());
      // post() orders the write of result before the loop's read of it.
      ex->post([st] {
        Waker w = std::move(st->waker);
        w.resume_now();  // nothing, if the awaiting Task was destroyed (the slot disarmed)
      });
    });
  }
  R await_resume() { return std::move(*st_->result); }

 private:
  struct State {
    std::optional<R> result;
    Waker waker;
  };
  BlockingWorker* w_;
  Executor* ex_;
  std::shared_ptr<State> st_;
  std::function<R()> fn_;
  WakeSlot slot_;  // disarmed by the destructor: a late result then resumes nobody
};

template <class F>
auto offload(BlockingWorker& w, Executor& ex, F fn) {
  using R = decltype(fn());
  return OffloadAwaiter<R>(w, ex, std::function<R()>(std::move(fn)));
}

}  // namespace codis::rt::asio
