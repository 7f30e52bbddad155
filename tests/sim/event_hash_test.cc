// The event hash covers what happened, not only when: the bytes a reader is given, the processes' random
// draws, and which scheduled task ran. Each test changes one of these without moving any event in time.
#include <gtest/gtest.h>

#include <string>

#include "rt/combinators.h"
#include "rt/scope.h"
#include "rt/sleep.h"
#include "tests/sim/harness.h"

namespace codis::sim {
namespace {

using rt::Env;
using rt::Task;
using testing::Harness;

// A tiny world: a server answers one request with `reply`; the client reads the answer. Returns the hash.
uint64_t echo_world_hash(const std::string& reply) {
  Harness h(testing::quiet_options(11));
  Host& srv = h.w.add_host("srv");
  h.spawn(
      [reply](Env& env) -> Task<void> {
        auto l = env.net.listen(rt::Endpoint{"", 9000});
        auto s = co_await (*l)->accept();
        std::string buf(64, '\0');
        auto n = co_await (*s)->read(std::span<char>(buf.data(), buf.size()));
        EXPECT_TRUE(n.ok());
        EXPECT_TRUE((co_await rt::write_all(**s, reply)).ok());
        (*s)->shutdown_write();
        co_await rt::sleep_for(env.exec, rt::seconds(1));
      },
      &srv, "server");
  std::string got;
  EXPECT_TRUE(h.run([&got](Env& env) -> Task<void> {
    const rt::Endpoint to{"srv", 9000};
    auto c = co_await env.net.connect(to, rt::seconds(1));
    EXPECT_TRUE(c.ok());
    if (!c.ok()) {
      co_return;
    }
    EXPECT_TRUE((co_await rt::write_all(**c, std::string("ping"))).ok());
    std::string buf(64, '\0');
    for (;;) {
      auto n = co_await (*c)->read(std::span<char>(buf.data(), buf.size()));
      if (!n.ok() || *n == 0) {
        break;
      }
      got.append(buf.data(), *n);
    }
  }));
  EXPECT_EQ(got.size(), reply.size());
  h.w.run_until(h.w.now() + rt::seconds(2));
  return h.w.sched().hash();
}

TEST(EventHash, OneDifferentReplyByteChangesTheHash) {
  // Saw it fail before the digest of delivered bytes: both replies ran the same events at the same times.
  EXPECT_EQ(echo_world_hash("+PONG\r\n"), echo_world_hash("+PONG\r\n"));
  EXPECT_NE(echo_world_hash("+PONG\r\n"), echo_world_hash("+PONH\r\n"));
}

// A process that sleeps, draws `draws` numbers (from its stream or from a fork of it), and sleeps again.
uint64_t drawing_world_hash(int draws, bool from_fork) {
  Harness h(testing::quiet_options(5));
  EXPECT_TRUE(h.run([draws, from_fork](Env& env) -> Task<void> {
    co_await rt::sleep_for(env.exec, rt::milliseconds(10));
    rt::Random forked = env.random.fork("component");
    for (int i = 0; i < draws; ++i) {
      (void)(from_fork ? forked.next_u64() : env.random.next_u64());
    }
    co_await rt::sleep_for(env.exec, rt::milliseconds(10));
  }));
  return h.w.sched().hash();
}

TEST(EventHash, RandomDrawsOfAProcessReachTheHash) {
  EXPECT_EQ(drawing_world_hash(1, false), drawing_world_hash(1, false));
  EXPECT_NE(drawing_world_hash(1, false), drawing_world_hash(2, false));
  // A component's own stream, forked from the process's (as the server forks its LFU stream), counts too.
  EXPECT_NE(drawing_world_hash(1, true), drawing_world_hash(2, true));
}

// Two events at the same instants either way; only which one schedules the third differs.
uint64_t origin_hash(bool first_schedules) {
  Scheduler s(rt::Random(1), false);
  auto third = [&s] { s.schedule(rt::MonoTime(rt::milliseconds(5)), 0, EventKind::kWorld, [] {}); };
  s.schedule(rt::MonoTime(rt::milliseconds(1)), 0, EventKind::kWorld, [&] {
    if (first_schedules) {
      third();
    }
  });
  s.schedule(rt::MonoTime(rt::milliseconds(1)), 0, EventKind::kWorld, [&] {
    if (!first_schedules) {
      third();
    }
  });
  while (s.step(rt::MonoTime::max())) {
  }
  EXPECT_EQ(s.events_run(), 3u);
  return s.hash();
}

TEST(EventHash, WhichTaskRanReachesTheHash) {
  EXPECT_EQ(origin_hash(true), origin_hash(true));
  EXPECT_NE(origin_hash(true), origin_hash(false));
}

TEST(EventHash, ObserverSeesEachEventWithItsEffects) {
  Harness h(testing::quiet_options(5));
  std::vector<EventInfo> seen;
  std::vector<uint64_t> hashes;
  h.w.sched().set_observer([&](const EventInfo& e, uint64_t hash) {
    seen.push_back(e);
    hashes.push_back(hash);
  });
  ASSERT_TRUE(h.run([](Env& env) -> Task<void> {
    co_await rt::sleep_for(env.exec, rt::milliseconds(1));
    (void)env.random.next_u64();
  }));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(hashes.back(), h.w.sched().hash());
  bool draw_seen = false;
  for (size_t i = 1; i < seen.size(); ++i) {
    draw_seen |= seen[i].draws != seen[i - 1].draws;
    EXPECT_GT(seen[i].seq, 0u);
  }
  EXPECT_TRUE(draw_seen);
}

}  // namespace
}  // namespace codis::sim
