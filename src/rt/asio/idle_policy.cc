#include "rt/asio/idle_policy.h"

#include <algorithm>

namespace codis::rt::asio {

IdlePolicy::IdlePolicy(Options o) : o_(o), epoch_len_(o.epoch), trial_every_(o.trial_every_min) {
  if (!o_.adaptive) {
    base_ = mode_ = o_.fixed;
  }
}

void IdlePolicy::reconfigure(bool adaptive, Mode fixed) {
  o_.adaptive = adaptive;
  o_.fixed = fixed;
  base_ = mode_ = adaptive ? Mode::kBlock : fixed;
  phase_ = Phase::kSteady;
  epoch_len_ = o_.epoch;
  trial_every_ = o_.trial_every_min;
  since_trial_ = 0;
}

void IdlePolicy::start(Mode m, Phase p, std::chrono::nanoseconds len) {
  mode_ = m;
  phase_ = p;
  epoch_len_ = len;
}

void IdlePolicy::end_epoch(std::chrono::nanoseconds elapsed, uint64_t events) {
  // Light load is a rate (min_events per normal epoch), as epochs differ in length.
  const bool light = static_cast<double>(events) * static_cast<double>(o_.epoch.count()) <
                     static_cast<double>(o_.min_events) * static_cast<double>(elapsed.count());
  idle_ = light;
  if (!o_.adaptive) {
    return;
  }
  if (light || elapsed.count() <= 0) {
    // Light load: nothing worth measuring, and blocking answers a lone request soonest. A trial in
    // progress is dropped; the next busy epoch starts counting towards one afresh.
    base_ = Mode::kBlock;
    since_trial_ = 0;
    trial_every_ = o_.trial_every_min;
    start(Mode::kBlock, Phase::kSteady, o_.idle_epoch);
    return;
  }
  const double rate = static_cast<double>(events) / static_cast<double>(elapsed.count());
  switch (phase_) {
    case Phase::kSteady:
      if (++since_trial_ >= trial_every_) {
        before_ = rate;
        start(other(base_), Phase::kTrial, o_.epoch);
      } else {
        start(base_, Phase::kSteady, o_.epoch);
      }
      return;
    case Phase::kTrial:
      trial_ = rate;
      start(base_, Phase::kAfter, o_.epoch);
      return;
    case Phase::kAfter: {
      // Both neighbours of the trial, so that load drifting up or down during the three epochs does not
      // favour either mode.
      const double around = (before_ + rate) / 2;
      const double nap = base_ == Mode::kNap ? around : trial_;
      const double block = base_ == Mode::kNap ? trial_ : around;
      const Mode winner = nap > block * (1 + o_.margin) ? Mode::kNap : Mode::kBlock;
      trial_every_ = winner == base_ ? std::min(trial_every_ * 2, o_.trial_every_max) : o_.trial_every_min;
      base_ = winner;
      since_trial_ = 0;
      start(base_, Phase::kSteady, o_.epoch);
      return;
    }
  }
}

}  // namespace codis::rt::asio
