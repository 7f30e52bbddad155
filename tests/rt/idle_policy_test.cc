// IdlePolicy's choice between blocking and napping, fed epochs of made-up rates.
#include "rt/asio/idle_policy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

namespace codis::rt::asio {
namespace {

using Mode = IdlePolicy::Mode;
using std::chrono::milliseconds;

IdlePolicy::Options opts() {
  IdlePolicy::Options o;
  o.epoch = milliseconds(20);
  o.min_events = 400;
  o.trial_every_min = 4;
  o.trial_every_max = 16;
  o.margin = 0.05;
  return o;
}

// Runs n epochs of the policy's own length; `rate(mode)` gives each one's events per millisecond.
void run(IdlePolicy& p, int n, const std::function<double(Mode)>& rate) {
  for (int i = 0; i < n; ++i) {
    const auto len = p.epoch_length();
    const double ms = std::chrono::duration<double, std::milli>(len).count();
    p.end_epoch(len, static_cast<uint64_t>(rate(p.mode()) * ms));
  }
}

TEST(IdlePolicy, ReconfigureSwitchesBetweenFixedModesAndAdaptive) {
  IdlePolicy p(opts());
  p.reconfigure(false, Mode::kNap);
  EXPECT_EQ(p.mode(), Mode::kNap);
  run(p, 50, [](Mode m) { return m == Mode::kNap ? 10.0 : 100.0; });  // blocking would win: no matter
  EXPECT_EQ(p.mode(), Mode::kNap);
  p.reconfigure(false, Mode::kBlock);
  run(p, 50, [](Mode m) { return m == Mode::kNap ? 100.0 : 10.0; });
  EXPECT_EQ(p.mode(), Mode::kBlock);
  p.reconfigure(true, Mode::kBlock);  // adaptive again: napping wins its trials
  run(p, 50, [](Mode m) { return m == Mode::kNap ? 100.0 : 50.0; });
  EXPECT_EQ(p.settled(), Mode::kNap);
}

TEST(IdlePolicy, StartsBlockingAndStaysSoUnderLightLoad) {
  IdlePolicy p(opts());
  EXPECT_EQ(p.mode(), Mode::kBlock);
  run(p, 50, [](Mode) { return 5.0; });  // 100 events per 20 ms: below min_events
  EXPECT_EQ(p.mode(), Mode::kBlock);
  EXPECT_EQ(p.epoch_length(), opts().idle_epoch);
  EXPECT_TRUE(p.idle()) << "a blocking loop then waits for its next event";
  run(p, 1, [](Mode) { return 100.0; });
  EXPECT_FALSE(p.idle());
}

TEST(IdlePolicy, NapsWhenNappingServesClearlyMore) {
  IdlePolicy p(opts());
  auto rate = [](Mode m) { return m == Mode::kNap ? 120.0 : 100.0; };
  // Steady block epochs until the trial is due, then the trial itself runs napping.
  run(p, 3, rate);
  EXPECT_EQ(p.mode(), Mode::kBlock);
  run(p, 1, rate);
  EXPECT_EQ(p.mode(), Mode::kNap);  // the trial epoch
  run(p, 1, rate);
  EXPECT_EQ(p.mode(), Mode::kBlock);  // the epoch after the trial, in the settled mode
  run(p, 1, rate);
  EXPECT_EQ(p.settled(), Mode::kNap);
  EXPECT_EQ(p.mode(), Mode::kNap);
  EXPECT_EQ(p.trial_every(), 4u);
  // It keeps napping, trying blocking now and then and losing.
  run(p, 200, rate);
  EXPECT_EQ(p.settled(), Mode::kNap);
  EXPECT_EQ(p.trial_every(), 16u);
}

TEST(IdlePolicy, TiesAndSmallGainsStayBlockingAndTrialsBackOff) {
  IdlePolicy p(opts());
  run(p, 6, [](Mode m) { return m == Mode::kNap ? 103.0 : 100.0; });  // within the margin
  EXPECT_EQ(p.settled(), Mode::kBlock);
  EXPECT_EQ(p.trial_every(), 8u);
  run(p, 200, [](Mode) { return 100.0; });
  EXPECT_EQ(p.settled(), Mode::kBlock);
  EXPECT_EQ(p.trial_every(), 16u);  // capped
}

TEST(IdlePolicy, ReturnsToBlockingWhenNappingStopsPaying) {
  IdlePolicy p(opts());
  run(p, 6, [](Mode m) { return m == Mode::kNap ? 150.0 : 100.0; });
  ASSERT_EQ(p.settled(), Mode::kNap);
  // Fewer connections now: a nap makes the few clients wait.
  run(p, 6, [](Mode m) { return m == Mode::kNap ? 60.0 : 100.0; });
  EXPECT_EQ(p.settled(), Mode::kBlock);
  EXPECT_EQ(p.trial_every(), 4u);
}

TEST(IdlePolicy, NappingThatOnlyTiesIsDropped) {
  IdlePolicy p(opts());
  run(p, 6, [](Mode m) { return m == Mode::kNap ? 150.0 : 100.0; });
  ASSERT_EQ(p.settled(), Mode::kNap);
  run(p, 6, [](Mode) { return 100.0; });  // e.g. an open-loop client: the same rate either way
  EXPECT_EQ(p.settled(), Mode::kBlock);
}

TEST(IdlePolicy, LoadRisingThroughATrialDoesNotFavourTheTrial) {
  IdlePolicy p(opts());
  double load = 100;
  // Every epoch serves 5% more than the one before, whatever the mode: the trial sits between a slower and
  // a faster neighbour and must not win.
  run(p, 40, [&](Mode) { return load *= 1.05; });
  EXPECT_EQ(p.settled(), Mode::kBlock);
}

TEST(IdlePolicy, LightLoadDuringATrialFallsBackToBlocking) {
  IdlePolicy p(opts());
  run(p, 6, [](Mode m) { return m == Mode::kNap ? 150.0 : 100.0; });
  ASSERT_EQ(p.settled(), Mode::kNap);
  run(p, 1, [](Mode) { return 1.0; });
  EXPECT_EQ(p.mode(), Mode::kBlock);
  EXPECT_EQ(p.settled(), Mode::kBlock);
  // Busy again: napping is tried again after trial_every_min epochs and wins again.
  run(p, 6, [](Mode m) { return m == Mode::kNap ? 150.0 : 100.0; });
  EXPECT_EQ(p.settled(), Mode::kNap);
}

TEST(IdlePolicy, FixedModeNeverChanges) {
  IdlePolicy::Options o = opts();
  o.adaptive = false;
  o.fixed = Mode::kNap;
  IdlePolicy p(o);
  run(p, 50, [](Mode m) { return m == Mode::kNap ? 1.0 : 500.0; });
  EXPECT_EQ(p.mode(), Mode::kNap);
}

}  // namespace
}  // namespace codis::rt::asio
