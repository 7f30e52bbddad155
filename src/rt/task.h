// Task<T>: our lazy, move-only C++20 coroutine. It starts when awaited (or spawned on a Scope) and destroying
// it destroys its frame, which cancels whatever it is waiting on (awaiters deregister in their destructors).
//
// Awaiting a Task transfers control symmetrically (no stack growth, no executor hop); resumptions caused by
// I/O, timers and wake-ups always go through Executor::post (see rt/wake.h), which is where the simulator
// may reorder. Exceptions are bugs: an exception escaping a Task terminates the process.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <optional>
#include <utility>

#include "rt/frame_pool.h"

namespace codis::rt {

template <class T = void>
class Task;

namespace detail {

struct PromiseBase {
  std::coroutine_handle<> continuation;

  // Frames come from the per-thread frame cache (rt/frame_pool.h): a connection makes one per read and write.
  static void* operator new(std::size_t n) { return frame_alloc(n); }
  static void operator delete(void* p, std::size_t n) noexcept { frame_free(p, n); }

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      auto c = h.promise().continuation;
      return c ? c : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  [[noreturn]] void unhandled_exception() noexcept { std::terminate(); }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T take() { return std::move(*value); }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {}
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;
  using value_type = T;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  bool valid() const { return static_cast<bool>(h_); }
  bool done() const { return h_ && h_.done(); }
  // Destroys the frame: cancels the task wherever it is suspended. Must not be called while it runs.
  void reset() {
    if (h_) {
      std::exchange(h_, {}).destroy();
    }
  }

  struct Awaiter {
    Handle h;
    bool await_ready() noexcept { return !h || h.done(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      h.promise().continuation = awaiting;
      return h;
    }
    T await_resume() {
      if (!h) {
        std::abort();  // awaiting an empty Task is a bug
      }
      return h.promise().take();
    }
  };
  Awaiter operator co_await() && noexcept { return Awaiter{h_}; }

  // For runtimes and Scope: the raw handle, ownership kept by this Task.
  Handle handle() const { return h_; }

 private:
  Handle h_;
};

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace codis::rt
