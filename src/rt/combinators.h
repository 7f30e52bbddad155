// when_any and with_timeout, built on Scope: the first task to finish wins and the others are cancelled
// (their frames destroyed) before the caller continues.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "rt/event.h"
#include "rt/result.h"
#include "rt/scope.h"
#include "rt/sleep.h"
#include "rt/task.h"

namespace codis::rt {

template <class T>
using VoidToMonostate = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

namespace detail {

template <size_t I, class V, class T>
Task<void> race_arm(Task<T> t, std::optional<V>* out, Event* done) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(t);
    if (!*out) {
      out->emplace(std::in_place_index<I>, std::monostate{});
      done->set();
    }
  } else {
    auto v = co_await std::move(t);
    if (!*out) {
      out->emplace(std::in_place_index<I>, std::move(v));
      done->set();
    }
  }
}

}  // namespace detail

// Runs a and b concurrently; returns the result of the first to finish (index 0 for a, 1 for b).
template <class A, class B>
Task<std::variant<VoidToMonostate<A>, VoidToMonostate<B>>> when_any(Executor& ex, Task<A> a, Task<B> b) {
  using V = std::variant<VoidToMonostate<A>, VoidToMonostate<B>>;
  std::optional<V> out;
  Event done(ex);
  Scope scope(ex);
  scope.spawn(detail::race_arm<0, V>(std::move(a), &out, &done));
  scope.spawn(detail::race_arm<1, V>(std::move(b), &out, &done));
  co_await done.wait();
  co_return std::move(*out);
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
