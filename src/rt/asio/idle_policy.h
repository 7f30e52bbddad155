// IdlePolicy: how an event loop of the real runtime waits when it has nothing to run, chosen by measurement.
//
// kBlock waits in epoll_wait, so a peer's write wakes the loop's thread; kNap sleeps a short while on a timer
// and then polls, so writes that arrive meanwhile wake nobody. On virtual machines waking a halted vCPU costs
// the writer several microseconds of kernel time (measured ~8 us here), which under many busy connections is
// what paces the clients: napping then serves more requests per second with less CPU, while with one or a few
// connections it only adds latency. So the loop runs in epochs (20 ms) and, now and then, runs one epoch in
// the other mode between two of the current one; the other mode wins when it ran clearly more handlers per
// second than both neighbours' average. Ties and light load go to kBlock, whose latency is the lowest. Trials
// back off (8 to 128 epochs apart) while they keep losing. Pure logic (no Asio, no clock): tested alone.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace codis::rt::asio {

class IdlePolicy {
 public:
  enum class Mode { kBlock, kNap };
  struct Options {
    std::chrono::nanoseconds epoch = std::chrono::milliseconds(20);
    // Below this many events per `epoch` the loop blocks, in longer epochs (idle_epoch).
    uint64_t min_events = 400;
    std::chrono::nanoseconds idle_epoch = std::chrono::milliseconds(250);
    // kNap must beat kBlock's rate by this fraction to be chosen (and to stay).
    double margin = 0.05;
    uint32_t trial_every_min = 8;    // epochs between trials, doubling while trials lose...
    uint32_t trial_every_max = 128;  // ...up to this
    // kNap's sleep (the kernel adds its timer slack and wake-up latency; ~90 us in all here) and how many
    // empty naps in a row end in a blocking wait until the epoch ends (so an idle loop does not keep waking).
    std::chrono::nanoseconds nap = std::chrono::microseconds(40);
    uint32_t empty_naps = 8;
    bool adaptive = true;  // false: always `fixed`
    Mode fixed = Mode::kBlock;
  };

  explicit IdlePolicy(Options o);
  // Switches between adaptive and a fixed mode at run time (codis-server's io-idle-nap); the adaptive
  // controller starts over, blocking.
  void reconfigure(bool adaptive, Mode fixed);

  const Options& options() const { return o_; }
  // The mode of the epoch now running and how long it lasts.
  Mode mode() const { return mode_; }
  std::chrono::nanoseconds epoch_length() const { return epoch_len_; }
  // The last epoch was light: a blocking loop may wait for its next event before timing the next one.
  bool idle() const { return idle_; }
  // Ends the epoch now running, which lasted `elapsed` and ran `events` handlers; picks the next epoch.
  void end_epoch(std::chrono::nanoseconds elapsed, uint64_t events);

  // For tests and logs.
  Mode settled() const { return base_; }
  uint32_t trial_every() const { return trial_every_; }

 private:
  enum class Phase { kSteady, kTrial, kAfter };
  void start(Mode m, Phase p, std::chrono::nanoseconds len);
  static Mode other(Mode m) { return m == Mode::kBlock ? Mode::kNap : Mode::kBlock; }

  Options o_;
  Mode base_ = Mode::kBlock;  // the mode that won the last trial
  Mode mode_ = Mode::kBlock;  // the running epoch's
  Phase phase_ = Phase::kSteady;
  std::chrono::nanoseconds epoch_len_;
  uint32_t trial_every_;
  uint32_t since_trial_ = 0;
  double before_ = 0;  // base_'s rate in the epoch before the trial
  double trial_ = 0;   // the trial epoch's
  bool idle_ = false;
};

}  // namespace codis::rt::asio
