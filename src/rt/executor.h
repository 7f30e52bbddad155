// Executor: the only way anything in codis-cpp gets resumed. post() runs a callback later on this loop;
// after() runs one after a delay. The real runtime maps it to an io_context, the simulator to its event
// queue.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "rt/time.h"

namespace codis::rt {

using Callback = std::function<void()>;

struct TimerId {
  uint64_t v = 0;
  explicit operator bool() const { return v != 0; }
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs fn on this executor after the current event; never inline.
  virtual void post(Callback fn) = 0;
  // Runs fn once d has passed on the monotonic clock. The returned id may be cancelled until it fires.
  virtual TimerId after(Duration d, Callback fn) = 0;
  // Cancels a pending timer; a no-op if it already fired or was cancelled.
  virtual void cancel(TimerId id) = 0;
  // Whether the named deliberate bug is planted in the code running on this executor. Only the simulator
  // plants bugs (codis-sim --bug=...), to prove that its checkers catch them; the real runtime never does.
  virtual bool planted(std::string_view /*bug*/) const { return false; }
};

}  // namespace codis::rt
