// AsioRuntime: the real runtime behind the seam. N event loops, each one io_context run by one thread, each
// with its own rt::Env (executor, clocks, TCP, POSIX disk, random stream, disabled buggify, stderr/file log).
// This header is all that main files need and it keeps Boost.Asio out of their compile.
//
// Threads: run() runs loop 0 on the calling thread and loops 1..N-1 on threads of their own. Code on a loop
// uses only that loop's Env. The only thread-safe calls are post() (Executor::post of any loop, which is how
// loops hand work to each other) and stop(); everything else belongs to the loop's own thread, or to the
// owning thread while the runtime is not running.
//
// Lifetime: destroy every Scope, Task, Stream, Listener and File made from an Env before the runtime.
//
//   AsioRuntime rt;  // one loop, seed from random_device
//   rt.stop_on_signals();
//   Scope root(rt.env().exec);
//   root.spawn(serve(rt.env()));
//   rt.run();  // until SIGINT/SIGTERM
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "rt/asio/idle_policy.h"
#include "rt/env.h"
#include "rt/log.h"
#include "rt/task.h"

namespace codis::rt::asio {

struct AsioOptions {
  size_t loops = 1;
  // Seed of loop 0's Random (loop i uses its fork(i)). 0 = draw one from random_device and log it, so even a
  // real run's randomised choices can be replayed.
  uint64_t seed = 0;
  LogLevel log_level = LogLevel::kNotice;
  std::string log_file;  // empty = stderr
  // How each loop waits for events (blocking in epoll or napping on a timer, chosen by measurement).
  IdlePolicy::Options idle;
  // Streams wait for input with a receive op of our own on Asio's reactor where the build has it (one
  // system call fewer per request), else with Asio's public async_receive (see rt/asio/stream.h).
  bool reactor_reads = true;
};

class AsioRuntime {
 public:
  using Options = AsioOptions;

  explicit AsioRuntime(Options o = {});
  ~AsioRuntime();
  AsioRuntime(const AsioRuntime&) = delete;
  AsioRuntime& operator=(const AsioRuntime&) = delete;

  size_t loops() const;
  uint64_t seed() const;
  // The Env of one loop (0 <= loop < loops()).
  Env& env(size_t loop = 0);

  // Runs every loop until stop(). Returns at once if stop() was called since the last run ended.
  void run();
  // Makes run() (or run_task/block_on) return soon: loops finish the event they are running and stop.
  // Thread-safe, but not async-signal-safe: from a signal, use stop_on_signals().
  void stop();
  // Calls stop() when one of the signals arrives (through Asio's signal_set on loop 0, so it is safe for
  // signals). Call it from the owning thread before run().
  void stop_on_signals(std::vector<int> signals = default_signals());
  static std::vector<int> default_signals();
  // Runs fn on loop 0 each time `sig` arrives instead of stopping (SIGHUP: reload a file). Call it from the
  // owning thread before run(); it arms the signal handling of stop_on_signals() if that was not called.
  void on_signal(int sig, Callback fn);

  // Thread-safe: runs fn on the given loop's thread, after the events already queued there.
  void post(size_t loop, Callback fn);

  // Thread-safe: how every loop waits from now on (IdlePolicy::reconfigure on each loop's own thread).
  void set_idle(bool adaptive, IdlePolicy::Mode fixed);

  // Runs t on loop 0 (every loop runs meanwhile) until it finishes; true if it did, false if stop() came
  // first, in which case t is destroyed (cancelled). Not re-entrant: never call it from inside a loop.
  bool run_task(Task<void> t);

  // Runs t to completion on loop 0 and returns its value. stop() before it finishes is a bug here (the
  // process aborts with a message); code that can be stopped uses run_task.
  template <class T>
  T block_on(Task<T> t);

 private:
  struct Impl;
  [[noreturn]] static void block_on_interrupted();
  template <class T>
  static Task<void> store(Task<T> t, std::optional<T>* out) {
    out->emplace(co_await std::move(t));
  }

  std::unique_ptr<Impl> impl_;
};

template <class T>
T AsioRuntime::block_on(Task<T> t) {
  if constexpr (std::is_void_v<T>) {
    if (!run_task(std::move(t))) {
      block_on_interrupted();
    }
  } else {
    std::optional<T> out;
    if (!run_task(store(std::move(t), &out))) {
      block_on_interrupted();
    }
    return std::move(*out);
  }
}

}  // namespace codis::rt::asio
