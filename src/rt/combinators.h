// when_any and with_timeout. The first task to finish wins; the moment it finishes, the other is destroyed
// (cancelled) where it is suspended, before anything else can run, and only then is the caller resumed.
// So a race never finishes two arms and never drops a finished arm's result: an arm that loses was
// cancelled while suspended, and a cancelled operation of the seam took nothing (a cancelled read consumed
// no bytes, a cancelled accept no connection; see rt/net.h). tests/rt/contract_test.cc proves it for reads
// that complete in the same turn as the other arm, on both runtimes.
#pragma once

#include <array>
#include <coroutine>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "rt/executor.h"
#include "rt/result.h"
#include "rt/sleep.h"
#include "rt/task.h"
#include "rt/wake.h"

namespace codis::rt {

template <class T>
using VoidToMonostate = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// The planted bug (codis-sim --bug=when-any-drops-loser) that brings back the old race: the loser is not
// cancelled when the winner finishes but only once the caller resumes, so it may still finish in between
// and its result (bytes a read consumed) is dropped.
inline constexpr std::string_view kBugWhenAnyDropsLoser = "when-any-drops-loser";

namespace detail {

// The state of one when_any, living in its frame: the two arms, their posted starts and the caller.
template <class V>
struct Race {
  explicit Race(Executor& e) : ex(&e), lossy(e.planted(kBugWhenAnyDropsLoser)) {}
  Race(const Race&) = delete;
  Race& operator=(const Race&) = delete;

  // Called by arm I as it finishes, while the other arm is suspended (or not started yet).
  template <size_t I, class... U>
  void finish(U&&... v) {
    if (out) {
      return;  // only with the planted bug: the loser finished after the winner and its result is lost
    }
    out.emplace(std::in_place_index<I>, std::forward<U>(v)...);
    if (!lossy) {
      start[1 - I].disarm();
      arms[1 - I].reset();
    }
    caller.wake();
  }

  struct Awaiter {
    Race* r;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      r->caller = r->caller_slot.arm(*r->ex, h);
      for (size_t i = 0; i < 2; ++i) {
        r->start[i].arm(*r->ex, r->arms[i].handle()).wake();
      }
    }
    void await_resume() const noexcept {}
  };
  Awaiter operator co_await() { return Awaiter{this}; }

  Executor* ex;
  bool lossy;
  std::optional<V> out;
  WakeSlot caller_slot;
  Waker caller;
  std::array<WakeSlot, 2> start;
  std::array<Task<void>, 2> arms;  // declared last: destroyed first, before the slots their wakes point at
};

template <size_t I, class V, class T>
Task<void> race_arm(Task<T> t, Race<V>* race) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(t);
    race->template finish<I>(std::monostate{});
  } else {
    race->template finish<I>(co_await std::move(t));
  }
}

}  // namespace detail

// Runs a and b concurrently; returns the result of the first to finish (index 0 for a, 1 for b). The other
// is cancelled before this returns, where it was suspended.
template <class A, class B>
Task<std::variant<VoidToMonostate<A>, VoidToMonostate<B>>> when_any(Executor& ex, Task<A> a, Task<B> b) {
  using V = std::variant<VoidToMonostate<A>, VoidToMonostate<B>>;
  detail::Race<V> race(ex);
  race.arms[0] = detail::race_arm<0, V>(std::move(a), &race);
  race.arms[1] = detail::race_arm<1, V>(std::move(b), &race);
  co_await race;
  co_return std::move(*race.out);
}

namespace detail {
template <class T>
struct TimeoutResult {
  using type = Result<T>;
};
template <class T>
struct TimeoutResult<Result<T>> {
  using type = Result<T>;  // a Task<Result<T>> times out into the same Result<T>, not Result<Result<T>>
};
}  // namespace detail

template <class T>
using TimeoutResultT = typename detail::TimeoutResult<T>::type;

// Runs t; if it has not finished after d, cancels it and returns Errc::kTimeout.
template <class T>
Task<TimeoutResultT<T>> with_timeout(Executor& ex, Duration d, Task<T> t) {
  auto sleeper = [](Executor& e, Duration dd) -> Task<void> { co_await sleep_for(e, dd); };
  auto r = co_await when_any(ex, std::move(t), sleeper(ex, d));
  if (r.index() == 1) {
    co_return Errc::kTimeout;
  }
  if constexpr (std::is_void_v<T>) {
    co_return Result<void>();
  } else {
    co_return std::move(std::get<0>(r));
  }
}

}  // namespace codis::rt
