// Internal (includes Boost.Asio): rt::Executor over one io_context. post() is the only thread-safe call
// (other loops use it to hand work over); after() and cancel() belong to the loop's own thread.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "rt/executor.h"

#ifndef CODIS_ASIO_REACTOR_OP
#define CODIS_ASIO_REACTOR_OP 0
#endif

namespace codis::rt::asio {

class AsioExecutor final : public Executor {
 public:
  explicit AsioExecutor(boost::asio::io_context& io) : io_(&io) {}
  AsioExecutor(const AsioExecutor&) = delete;
  AsioExecutor& operator=(const AsioExecutor&) = delete;
  ~AsioExecutor() override;

  void post(Callback fn) override;
  TimerId after(Duration d, Callback fn) override;
  void cancel(TimerId id) override;

  boost::asio::io_context& io() const { return *io_; }
  // How this loop's streams wait for input (AsioOptions::reactor_reads; see rt/asio/stream.h).
  bool reactor_reads() const { return reactor_reads_; }
  void set_reactor_reads(bool on) { reactor_reads_ = on && kReactorReadsAvailable; }
  // Whether this build has the reactor-op read path (a configure check: it uses Asio internals).
  static constexpr bool kReactorReadsAvailable = CODIS_ASIO_REACTOR_OP != 0;
  size_t pending_timers() const { return timers_.size(); }

 private:
  // The callback sits here, not in the Asio handler, so cancel() releases what it captured at once.
  struct Timer {
    explicit Timer(boost::asio::io_context& io) : t(io) {}
    boost::asio::steady_timer t;
    Callback fn;
  };
  void fire(uint64_t id);

  boost::asio::io_context* io_;
  bool reactor_reads_ = kReactorReadsAvailable;
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, std::unique_ptr<Timer>> timers_;  // looked up by id only, never iterated
};

}  // namespace codis::rt::asio
