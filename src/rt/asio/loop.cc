#include "rt/asio/loop.h"

#include <sys/prctl.h>

#include <algorithm>
#include <thread>

namespace codis::rt::asio {

Loop::Loop(size_t i, Random r, LogSink& sink, LogLevel level, IdlePolicy::Options idle_options)
    : index(i),
      random(r),
      log(sink, i, level),
      env{clock, exec, net, disk, random, buggify, log, memory},
      idle(idle_options) {}

void Loop::run() {
  using Clock = std::chrono::steady_clock;
  bool slack_set = false;
  while (!io.stopped()) {
    const Clock::time_point start = Clock::now();
    const Clock::time_point end = start + idle.epoch_length();
    uint64_t events = 0;
    if (idle.mode() == IdlePolicy::Mode::kBlock) {
      if (idle.idle()) {
        // Nothing much happened last epoch: sleep until something does, rather than waking each epoch.
        events = io.run_one();
      }
      events += io.run_until(std::max(end, Clock::now() + idle.options().epoch));
    } else {
      if (!slack_set) {
        // The default 50 us of timer slack would double the nap; this thread's other timers are
        // milliseconds long.
        ::prctl(PR_SET_TIMERSLACK, 10000UL, 0, 0, 0);
        slack_set = true;
      }
      uint32_t empty = 0;
      for (;;) {
        // poll() would keep going while each reactor pass finds more, never reaching the clock check
        // under steady load; a bounded batch of poll_one() keeps the epochs (and the trials) ticking.
        size_t ran = 0;
        for (size_t n = 0; ran < 256 && (n = io.poll_one()) > 0;) {
          ran += n;
        }
        events += ran;
        if (io.stopped() || Clock::now() >= end) {
          break;
        }
        if (ran > 0) {
          empty = 0;
        } else if (++empty <= idle.options().empty_naps) {
          std::this_thread::sleep_for(idle.options().nap);
        } else {
          events += io.run_one_until(end);  // idle: block for the rest of the epoch, or until an event
          empty = 0;
        }
      }
    }
    idle.end_epoch(Clock::now() - start, events);
  }
}

}  // namespace codis::rt::asio
