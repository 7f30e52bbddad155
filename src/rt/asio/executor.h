// Internal (includes Boost.Asio): rt::Executor over one io_context. post() is the only thread-safe call
// (other loops use it to hand work over); after() and cancel() belong to the loop's own thread.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "rt/executor.h"

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
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, std::unique_ptr<Timer>> timers_;  // looked up by id only, never iterated
};

}  // namespace codis::rt::asio
