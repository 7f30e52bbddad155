// DurableLog (sim/workloads/durable_log.h) on the simulated disk: recovery trims a torn tail, stops at a
// corrupt frame or an unreadable region and relocates what it kept, retries transient read errors; a record
// whose sync failed is never acknowledged until a rewrite made it durable. Each planted bug shows here too.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sim/runner.h"
#include "sim/workloads/durable_log.h"
#include "tests/sim/harness.h"

namespace codis::sim {
namespace {

using rt::Env;
using rt::Task;
using testing::Harness;

constexpr const char* kDir = "/data";

// One record's batch, built outside the coroutines (GCC rejects an initializer list's array inside one).
std::vector<std::string> one(std::string p) {
  return {std::move(p)};
}

struct Seen final : LogObserver {
  void acked(const LogRecord& r) override { acks.push_back(r.seq); }
  std::vector<uint64_t> acks;
};

// Opens the log in a fresh process on h's host, appends `payloads` (one record each) and returns what
// recovery found.
Recovery open_and_append(Harness& h, std::vector<std::string> payloads, Seen* seen = nullptr) {
  Recovery rec;
  EXPECT_TRUE(h.run([&](Env& env) -> Task<void> {
    DurableLog log(env, kDir, seen);
    auto r = co_await log.open();
    EXPECT_TRUE(r.ok());
    rec = std::move(*r);
    for (auto& p : payloads) {
      EXPECT_TRUE((co_await log.append(one(p))).ok());
    }
  }));
  return rec;
}

SimFileData& log_file(Harness& h) {
  return *h.host->disk->files().at("/data/log");
}

TEST(DurableLog, RecoversEveryRecordInOrder) {
  Harness h;
  open_and_append(h, {"a", "bb", "ccc"});
  Recovery rec = open_and_append(h, {});
  EXPECT_EQ(rec.stop, RecoveryStop::kEnd);
  ASSERT_EQ(rec.records.size(), 3u);
  EXPECT_EQ(rec.records[2].seq, 3u);
  EXPECT_EQ(rec.records[2].payload, "ccc");
  EXPECT_EQ(rec.records[2].offset, 2 * kFrameHeader + 3);
}

TEST(DurableLog, TornTailIsTrimmed) {
  Harness h;
  open_and_append(h, {"one", "two"});
  const std::string frame = encode_frame(3, "three");
  const uint64_t end = log_file(h).current.size();
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    auto f = co_await env.disk.open("/data/log", rt::kOpenRead);
    EXPECT_TRUE((co_await (*f)->write_at(end, std::string_view(frame).substr(0, 20))).ok());  // torn
  }));
  Recovery rec = open_and_append(h, {});
  EXPECT_EQ(rec.stop, RecoveryStop::kShortFrame);
  EXPECT_EQ(rec.records.size(), 2u);
  EXPECT_EQ(rec.valid_end, end);
  EXPECT_EQ(rec.file_size, end + 20);
  EXPECT_EQ(log_file(h).durable.size(), end);  // trimmed, and durably so
}

TEST(DurableLog, CorruptFrameStopsRecoveryUnlessTheChecksumIsSkipped) {
  for (bool skip : {false, true}) {
    WorldOptions o = testing::quiet_options();
    if (skip) {
      o.planted.insert("disk-skip-checksum");
    }
    Harness h(o);
    open_and_append(h, {"first", "second", "third", "fourth"});
    const uint64_t third = 2 * kFrameHeader + 5 + 6;
    ASSERT_TRUE(h.host->disk->corrupt("/data/log", third + kFrameHeader + 1, 2, rt::Random(3)));
    Recovery rec = open_and_append(h, {});
    if (!skip) {
      EXPECT_EQ(rec.stop, RecoveryStop::kBadFrame);
      ASSERT_EQ(rec.records.size(), 2u);
      EXPECT_EQ(rec.valid_end, third);
    } else {
      ASSERT_EQ(rec.records.size(), 4u);  // the planted bug: the flipped payload is taken as written
      EXPECT_NE(rec.records[2].payload, "third");
    }
  }
}

TEST(DurableLog, UnreadableRegionEndsRecoveryAndWhatWasKeptMovesToAFreshFile) {
  Harness h;
  open_and_append(h, {"first", "second", "third"});
  const uint64_t third = 2 * kFrameHeader + 5 + 6;
  ASSERT_TRUE(h.host->disk->add_bad_region("/data/log", third + 3, 1));
  Recovery rec = open_and_append(h, {});
  EXPECT_EQ(rec.stop, RecoveryStop::kUnreadable);
  EXPECT_EQ(rec.records.size(), 2u);
  EXPECT_GT(rec.read_retries, 0);
  EXPECT_TRUE(log_file(h).bad.empty());
  rec = open_and_append(h, {});
  EXPECT_EQ(rec.stop, RecoveryStop::kEnd);
  EXPECT_EQ(rec.records.size(), 2u);
}

TEST(DurableLog, TransientReadErrorsAreRetried) {
  Harness h;
  open_and_append(h, {"a", "b", "c", "d"});
  DiskParams p = h.host->disk->params();
  p.read_error_chance = 0.5;
  h.host->disk->set_params(p);
  Recovery rec = open_and_append(h, {});
  EXPECT_EQ(rec.stop, RecoveryStop::kEnd);
  EXPECT_EQ(rec.records.size(), 4u);
  EXPECT_GT(rec.read_retries, 0);
}

// Appends "x" while every sync fails, then "y" once they succeed; returns the acks seen during each step
// and the records a power loss leaves.
struct FailedSyncRun {
  std::vector<uint64_t> acks_while_failing, acks_after;
  bool append_failed = false;
  size_t records_after_power_loss = 0;
};

FailedSyncRun append_through_failed_sync(bool retry_bug) {
  WorldOptions o = testing::quiet_options();
  if (retry_bug) {
    o.planted.insert("disk-retry-failed-sync");
  }
  Harness h(o);
  Seen seen;
  FailedSyncRun out;
  EXPECT_TRUE(h.run([&](Env& env) -> Task<void> {
    DurableLog log(env, kDir, &seen);
    EXPECT_TRUE((co_await log.open()).ok());
    DiskParams p = h.host->disk->params();
    p.sync_error_chance = 1;
    h.host->disk->set_params(p);
    out.append_failed = !(co_await log.append(one("x"))).ok();
    out.acks_while_failing = seen.acks;
    p.sync_error_chance = 0;
    h.host->disk->set_params(p);
    EXPECT_TRUE((co_await log.append(one("y"))).ok());
    out.acks_after = seen.acks;
  }));
  h.w.crash_host(*h.host);
  h.w.restart_host(*h.host);
  out.records_after_power_loss = open_and_append(h, {}).records.size();
  return out;
}

TEST(DurableLog, FailedSyncIsNeverAcknowledged) {
  FailedSyncRun run = append_through_failed_sync(false);
  EXPECT_TRUE(run.append_failed);  // the sync failed, and so did the rewrite's
  EXPECT_TRUE(run.acks_while_failing.empty());
  EXPECT_EQ(run.acks_after, (std::vector<uint64_t>{1, 2}));  // acknowledged once a rewrite made them durable
  EXPECT_EQ(run.records_after_power_loss, 2u);

  // The planted fsync-gate bug: the second sync "succeeds", x is acknowledged, and a power loss takes it.
  FailedSyncRun bug = append_through_failed_sync(true);
  EXPECT_FALSE(bug.append_failed);
  EXPECT_EQ(bug.acks_while_failing, (std::vector<uint64_t>{1}));
  EXPECT_EQ(bug.records_after_power_loss, 0u);
}

TEST(DurableLog, AckBeforeSyncIsThePlantedBug) {
  for (bool bug : {false, true}) {
    WorldOptions o = testing::quiet_options();
    if (bug) {
      o.planted.insert("disk-ack-before-sync");
    }
    Harness h(o);
    Seen seen;
    h.spawn([&](Env& env) -> Task<void> {
      DurableLog log(env, kDir, &seen);
      EXPECT_TRUE((co_await log.open()).ok());
      (void)co_await log.append(one("x"));
    });
    // The record's write is done, its sync is not: the ack must not have come yet.
    auto unsynced = [&] {
      auto& files = h.host->disk->files();
      auto it = files.find("/data/log");
      return it != files.end() && !it->second->pending.empty();
    };
    ASSERT_TRUE(h.w.run_until(unsynced, h.w.now() + rt::seconds(1)));
    EXPECT_EQ(seen.acks.size(), bug ? 1u : 0u);
  }
}

// The disk_log scenario end to end: a few seeds pass and replay identically, and each planted bug fails the
// first seed that caught it (ci/sim.sh's must_catch ranges cover the rest).
TEST(DiskLogScenario, SeedsPassAreDeterministicAndCatchThePlantedBugs) {
  RunOptions o;
  o.scenario = "disk_log";
  for (uint64_t seed : {1, 5, 13}) {
    o.seed = seed;
    RunResult a = run_seed(o), b = run_seed(o);
    EXPECT_TRUE(a.ok) << "seed " << seed << ": " << (a.violations.empty() ? "" : a.violations.front());
    EXPECT_EQ(a.event_hash, b.event_hash) << "seed " << seed;
    EXPECT_GT(a.events, 1000u) << "seed " << seed;
  }
  for (auto [bug, seed] : {std::pair<const char*, uint64_t>{"disk-ack-before-sync", 2},
                           {"disk-retry-failed-sync", 7},
                           {"disk-skip-checksum", 3}}) {
    o.bugs = {bug};
    o.seed = seed;
    EXPECT_FALSE(run_seed(o).ok) << bug << " not caught by seed " << seed;
  }
}

}  // namespace
}  // namespace codis::sim
