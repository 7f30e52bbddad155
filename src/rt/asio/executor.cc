#include "rt/asio/executor.h"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>

namespace codis::rt::asio {

namespace {
// steady_timer computes now() + d, which overflows for "forever"; a century is forever enough.
constexpr Duration kMaxDelay = hours(24 * 365 * 100);
}  // namespace

AsioExecutor::~AsioExecutor() {
  // Destroying the timers cancels their waits; the io_context (which outlives us) then drops the handlers.
  timers_.clear();
}

void AsioExecutor::post(Callback fn) {
  boost::asio::post(*io_, std::move(fn));
}

TimerId AsioExecutor::after(Duration d, Callback fn) {
  const uint64_t id = ++next_id_;
  auto timer = std::make_unique<Timer>(*io_);
  timer->fn = std::move(fn);
  timer->t.expires_after(std::clamp(d, Duration(0), kMaxDelay));
  // Ids are never reused, so a handler that runs after cancel() (or after its timer was replaced) finds
  // nothing under its id and does nothing, whatever error code it got.
  timer->t.async_wait([this, id](const boost::system::error_code&) { fire(id); });
  timers_.emplace(id, std::move(timer));
  return TimerId{id};
}

void AsioExecutor::cancel(TimerId id) {
  timers_.erase(id.v);  // ~steady_timer cancels the pending wait
}

void AsioExecutor::fire(uint64_t id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) {
    return;
  }
  Callback fn = std::move(it->second->fn);
  timers_.erase(it);
  fn();
}

}  // namespace codis::rt::asio
