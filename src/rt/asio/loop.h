// Internal (includes Boost.Asio): one event loop of the real runtime, i.e. one io_context run by one thread,
// and the Env that code running on that loop uses. Members are declared so that the io_context is destroyed
// last: timers and sockets must go before it, and it then drops whatever handlers are still queued.
#pragma once

#include <cstddef>
#include <cstdint>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "rt/asio/clock.h"
#include "rt/asio/disk.h"
#include "rt/asio/executor.h"
#include "rt/asio/idle_policy.h"
#include "rt/asio/log.h"
#include "rt/asio/memory.h"
#include "rt/asio/net.h"
#include "rt/asio/worker.h"
#include "rt/buggify.h"
#include "rt/env.h"
#include "rt/random.h"

namespace codis::rt::asio {

struct Loop {
  Loop(size_t index, Random random, LogSink& sink, LogLevel level, IdlePolicy::Options idle);
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  size_t index;
  // Only this loop's thread runs it and touches its sockets and timers; other threads only post, which
  // stays thread-safe (the scheduler keeps its lock). UNSAFE_IO drops the per-descriptor mutex that the
  // reactor would otherwise take around every socket operation.
  boost::asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  // Keeps run() going while idle; only stop() ends it.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  AsioExecutor exec{io};
  RealClock clock;
  AsioNet net{exec, log};  // keeps a reference to log, which is constructed before net is first used
  // File calls run here, off the loop; destroyed (after finishing its queue) before exec and io, to which it
  // posts results.
  BlockingWorker worker;
  PosixDisk disk{worker, exec};
  Random random;
  Buggify buggify;  // disabled: fault injection is for the simulator only
  LoopLog log;
  GlibcMemory memory;
  Env env;
  IdlePolicy idle;

  // Runs the io_context until it stops, waiting between events as `idle` picks (see idle_policy.h).
  void run();
};

}  // namespace codis::rt::asio
