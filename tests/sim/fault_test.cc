// The fault classes' semantics: a killed process keeps the page cache and a power loss does not; a failed
// fsync drops the dirty writes for good (Linux); read errors and corruption stay in their region; a host
// that loses power leaves half-open connections; wall clocks step both ways.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "rt/combinators.h"
#include "rt/sleep.h"
#include "sim/chaos.h"
#include "tests/sim/harness.h"

namespace codis::sim {
namespace {

using rt::Env;
using rt::Errc;
using rt::Task;
using testing::Harness;

Task<std::string> read_file(Env& env, std::string path) {
  auto f = co_await env.disk.open(path, rt::kOpenRead);
  EXPECT_TRUE(f.ok());
  if (!f.ok()) {
    co_return std::string();
  }
  std::string buf(64 * 1024, '\0');
  auto n = co_await (*f)->read_at(0, std::span<char>(buf.data(), buf.size()));
  EXPECT_TRUE(n.ok());
  co_return n.ok() ? buf.substr(0, *n) : std::string();
}

Task<void> write(rt::File& f, uint64_t at, std::string bytes) {
  EXPECT_TRUE((co_await f.write_at(at, bytes)).ok());
}

// A process that, in its first life only, writes "durable|" and syncs, then writes "volatile" and waits.
Process& spawn_writer(Harness& h, std::shared_ptr<int> lives) {
  return h.spawn([lives](Env& env) -> Task<void> {
    if ((*lives)++ > 0) {
      co_return;
    }
    co_await env.disk.mkdirs("/data");
    auto f = co_await env.disk.open("/data/log", rt::kOpenCreate);
    EXPECT_TRUE(f.ok());
    co_await write(**f, 0, "durable|");
    EXPECT_TRUE((co_await (*f)->sync()).ok());
    co_await write(**f, 8, "volatile");
    co_await rt::sleep_for(env.exec, rt::hours(1));
  });
}

TEST(DiskFaults, KilledProcessKeepsThePageCache) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Harness h(testing::quiet_options(seed));
    Process& p = spawn_writer(h, std::make_shared<int>(0));
    h.w.run_until(h.w.now() + rt::seconds(1));
    p.crash();  // kill -9: the written-not-synced bytes reached the OS and stay
    std::string content;
    ASSERT_TRUE(h.run([&](Env& env) -> Task<void> { content = co_await read_file(env, "/data/log"); }));
    EXPECT_EQ(content, "durable|volatile") << "seed " << seed;
  }
}

TEST(DiskFaults, PowerLossMayLoseUnsyncedWritesNeverSyncedOnes) {
  int lost = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Harness h(testing::quiet_options(seed));
    spawn_writer(h, std::make_shared<int>(0));
    h.w.run_until(h.w.now() + rt::seconds(1));
    h.w.crash_host(*h.host);
    EXPECT_TRUE(h.host->down);
    h.w.restart_host(*h.host);
    std::string content;
    ASSERT_TRUE(h.run([&](Env& env) -> Task<void> { content = co_await read_file(env, "/data/log"); }));
    ASSERT_GE(content.size(), 8u) << "seed " << seed;
    EXPECT_EQ(content.substr(0, 8), "durable|");
    EXPECT_EQ(content.substr(8), std::string("volatile").substr(0, content.size() - 8)) << "seed " << seed;
    lost += content.size() < 16 ? 1 : 0;
  }
  EXPECT_GT(lost, 0);
}

TEST(DiskFaults, FailedFsyncDropsTheDirtyWritesForGood) {
  Harness h;
  rt::Result<void> first = rt::ok(), second = Errc::kEof;
  std::string cached;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    auto f = co_await env.disk.open("/log", rt::kOpenCreate);
    co_await write(**f, 0, "kept|");
    EXPECT_TRUE((co_await (*f)->sync()).ok());
    co_await write(**f, 5, "lost");
    DiskParams p = h.host->disk->params();
    p.sync_error_chance = 1;
    h.host->disk->set_params(p);
    first = co_await (*f)->sync();
    p.sync_error_chance = 0;
    h.host->disk->set_params(p);
    second = co_await (*f)->sync();  // the error was reported once; nothing is left to write
    cached = co_await read_file(env, "/log");
  }));
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error(), Errc::kIoError);
  EXPECT_TRUE(second.ok());
  EXPECT_EQ(cached, "kept|lost");  // the pages are clean but still cached until the power goes
  h.w.crash_host(*h.host);
  h.w.restart_host(*h.host);
  std::string after;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> { after = co_await read_file(env, "/log"); }));
  EXPECT_EQ(after, "kept|");
}

TEST(DiskFaults, BadRegionFailsOnlyReadsThatTouchItUntilRewritten) {
  Harness h;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    auto f = co_await env.disk.open("/f", rt::kOpenCreate);
    co_await write(**f, 0, std::string(1000, 'a'));
    EXPECT_TRUE(h.host->disk->add_bad_region("/f", 100, 10));
    std::string buf(50, '\0');
    auto before = co_await (*f)->read_at(0, std::span<char>(buf.data(), 50));
    auto across = co_await (*f)->read_at(80, std::span<char>(buf.data(), 50));
    auto after = co_await (*f)->read_at(110, std::span<char>(buf.data(), 50));
    EXPECT_TRUE(before.ok());
    EXPECT_TRUE(after.ok());
    EXPECT_FALSE(across.ok());
    EXPECT_EQ(across.ok() ? Errc::kEof : across.error(), Errc::kIoError);
    co_await write(**f, 96, std::string(20, 'b'));  // rewriting the region remaps it
    auto again = co_await (*f)->read_at(80, std::span<char>(buf.data(), 50));
    EXPECT_TRUE(again.ok());
  }));
  EXPECT_FALSE(h.host->disk->add_bad_region("/missing", 0, 1));
  EXPECT_EQ(h.host->disk->files()["/f"]->damaged_from, 100u);  // remapped, but it was hit
}

TEST(DiskFaults, CorruptionChangesBytesOnlyInTheRegion) {
  Harness h;
  std::string original;
  for (int i = 0; i < 1000; ++i) {
    original.push_back(static_cast<char>('a' + i % 26));
  }
  std::string read_back, after_power_loss;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    auto f = co_await env.disk.open("/f", rt::kOpenCreate);
    co_await write(**f, 0, original.substr(0, 600));
    EXPECT_TRUE((co_await (*f)->sync()).ok());
    co_await write(**f, 600, original.substr(600));  // unsynced: corrupted where it overlaps too
    EXPECT_TRUE(h.host->disk->corrupt("/f", 590, 20, rt::Random(9)));
    read_back = co_await read_file(env, "/f");
    EXPECT_TRUE((co_await (*f)->sync()).ok());
  }));
  h.w.crash_host(*h.host);
  h.w.restart_host(*h.host);
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> { after_power_loss = co_await read_file(env, "/f"); }));
  for (const std::string* got : {&read_back, &after_power_loss}) {
    ASSERT_EQ(got->size(), original.size());
    for (size_t i = 0; i < original.size(); ++i) {
      if (i >= 590 && i < 610) {
        EXPECT_NE((*got)[i], original[i]) << "byte " << i << " in the region did not change";
      } else {
        EXPECT_EQ((*got)[i], original[i]) << "byte " << i << " outside the region changed";
      }
    }
  }
  EXPECT_EQ(read_back, after_power_loss);
  EXPECT_EQ(h.host->disk->files()["/f"]->damaged_from, 590u);
}

TEST(DiskFaults, HealEndsIoErrorsButNotDamagedRegions) {
  World w(testing::quiet_options());
  Host& host = w.add_host("h");
  DiskParams p;
  p.write_error_chance = p.sync_error_chance = p.read_error_chance = 0.5;
  host.disk->set_params(p);
  host.disk->files()["/f"] = std::make_shared<SimFileData>();
  host.disk->files()["/f"]->current = "abc";
  ASSERT_TRUE(host.disk->add_bad_region("/f", 1, 1));
  Chaos chaos(w, FaultPlan::none(), rt::Random(1), {}, {&host});
  chaos.heal();
  EXPECT_EQ(host.disk->params().write_error_chance, 0);
  EXPECT_EQ(host.disk->params().sync_error_chance, 0);
  EXPECT_EQ(host.disk->params().read_error_chance, 0);
  EXPECT_EQ(host.disk->files()["/f"]->bad.size(), 1u);
}

// A host that serves may lose power, and so may one that never touched the network (no peer is left with a
// half-open connection); a client host may not.
TEST(HostFaults, PowerLossSparesOnlyClientHosts) {
  World w(testing::quiet_options());
  Host& srv = w.add_host("srv");
  Host& cli = w.add_host("cli");
  Host& solo = w.add_host("solo");
  auto sleeper = [](Env& env) -> Task<void> {
    for (;;) {
      co_await rt::sleep_for(env.exec, rt::seconds(1));
    }
  };
  std::vector<Process*> procs = {
      &w.add_process(srv, "server",
                     [](Env& env) -> Task<void> {
                       auto l = env.net.listen(rt::Endpoint{"", 9000});
                       for (;;) {
                         auto s = co_await (*l)->accept();
                       }
                     }),
      &w.add_process(cli, "client",
                     [](Env& env) -> Task<void> {
                       auto c = co_await env.net.connect(rt::Endpoint{"srv", 9000}, rt::seconds(1));
                       for (;;) {
                         co_await rt::sleep_for(env.exec, rt::seconds(1));
                       }
                     }),
      &w.add_process(solo, "solo", sleeper)};
  for (Process* p : procs) {
    p->start();
  }
  w.run_until(w.now() + rt::milliseconds(100));
  FaultPlan plan = FaultPlan::none();
  plan.host_crash_per_s = 2;
  Chaos chaos(w, plan, rt::Random(5), procs, {&srv, &cli, &solo});
  chaos.start(w.now() + rt::seconds(20));
  w.run_until(w.now() + rt::seconds(20));
  std::map<std::string, int> crashed;
  for (const auto& line : chaos.script()) {
    if (line.find("host-crash ") != std::string::npos && line.find("skipped") == std::string::npos) {
      ++crashed[line.substr(line.find("host-crash ") + 11,
                            line.find(" down") - line.find("host-crash ") - 11)];
    }
  }
  EXPECT_GT(crashed["srv"], 0);
  EXPECT_GT(crashed["solo"], 0);
  EXPECT_EQ(crashed["cli"], 0);
}

// A server on `srv` that accepts one connection and then sits silent, and a client connected to it (the
// stream; null if the connect failed), settled for 10 ms.
std::shared_ptr<rt::StreamPtr> connect_to_quiet_server(Harness& h, Host& srv) {
  h.spawn(
      [](Env& env) -> Task<void> {
        auto l = env.net.listen(rt::Endpoint{"", 9000});
        auto s = co_await (*l)->accept();
        co_await rt::sleep_for(env.exec, rt::hours(1));
      },
      &srv, "server");
  auto c = std::make_shared<rt::StreamPtr>();
  const bool ran = h.run([c](Env& env) -> Task<void> {
    const rt::Endpoint to{"srv", 9000};
    auto r = co_await env.net.connect(to, rt::seconds(1));
    if (r.ok()) {
      *c = std::move(*r);
    }
  });
  if (!ran) {
    c->reset();
  }
  h.w.run_until(h.w.now() + rt::milliseconds(10));
  return c;
}

// A client connected to a server whose host loses power: it learns nothing until it writes after the host
// is back (then a reset, as from Linux); meanwhile its reads never return and its writes go nowhere.
TEST(NetFaults, PowerLossLeavesTheConnectionHalfOpen) {
  Harness h;
  Host& srv = h.w.add_host("srv");
  auto c = connect_to_quiet_server(h, srv);
  ASSERT_TRUE(*c);
  h.w.crash_host(srv);
  rt::Result<size_t> quiet = size_t{0};
  rt::Result<rt::StreamPtr> reconnect = Errc::kEof;
  ASSERT_TRUE(h.run([&, c](Env& env) -> Task<void> {
    EXPECT_TRUE((co_await rt::write_all(**c, std::string("PING\r\n"))).ok());  // goes nowhere, no error
    std::string buf(16, '\0');
    quiet = co_await rt::with_timeout(env.exec, rt::seconds(30), (*c)->read(std::span<char>(buf.data(), 16)));
    const rt::Endpoint to{"srv", 9000};
    reconnect = co_await env.net.connect(to, rt::seconds(1));  // the SYN gets no answer either
  }));
  ASSERT_FALSE(quiet.ok());
  EXPECT_EQ(quiet.error(), Errc::kTimeout);
  ASSERT_FALSE(reconnect.ok());
  EXPECT_EQ(reconnect.error(), Errc::kTimeout);

  // The host is back: the held PING reaches a socket that no longer exists, and the client is reset.
  h.w.restart_host(srv);
  rt::Result<size_t> after = size_t{0};
  ASSERT_TRUE(h.run([&, c](Env& env) -> Task<void> {
    std::string buf(16, '\0');
    after = co_await rt::with_timeout(env.exec, rt::seconds(30), (*c)->read(std::span<char>(buf.data(), 16)));
  }));
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error(), Errc::kConnReset);
}

TEST(NetFaults, AnIdlePeerOfARebootedHostLearnsOnlyWhenItWrites) {
  Harness h;
  Host& srv = h.w.add_host("srv");
  auto c = connect_to_quiet_server(h, srv);
  ASSERT_TRUE(*c);
  h.w.crash_host(srv);
  h.w.run_until(h.w.now() + rt::seconds(2));
  h.w.restart_host(srv);
  rt::Result<size_t> idle = size_t{0}, written = size_t{0};
  ASSERT_TRUE(h.run([&, c](Env& env) -> Task<void> {
    std::string buf(16, '\0');
    idle = co_await rt::with_timeout(env.exec, rt::seconds(10), (*c)->read(std::span<char>(buf.data(), 16)));
    EXPECT_TRUE((co_await rt::write_all(**c, std::string("PING\r\n"))).ok());
    written =
        co_await rt::with_timeout(env.exec, rt::seconds(10), (*c)->read(std::span<char>(buf.data(), 16)));
  }));
  ASSERT_FALSE(idle.ok());
  EXPECT_EQ(idle.error(), Errc::kTimeout);  // still half-open: nothing told it
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error(), Errc::kConnReset);
}

TEST(ClockFaults, WallClockStepsForwardAndBackMonotonicDoesNot) {
  Harness h;
  rt::WallTime w0{}, w1{}, w2{};
  rt::MonoTime m0{}, m2{};
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    w0 = env.clock.wall();
    m0 = env.clock.mono();
    h.host->skew.step(rt::seconds(42));
    w1 = env.clock.wall();
    h.host->skew.step(rt::seconds(-60));
    w2 = env.clock.wall();
    m2 = env.clock.mono();
    co_return;
  }));
  EXPECT_EQ(w1 - w0, rt::Duration(rt::seconds(42)));
  EXPECT_EQ(w2 - w0, rt::Duration(rt::seconds(-18)));
  EXPECT_EQ(m2, m0);
}

TEST(ClockFaults, ChaosStepsHostClocksBothWays) {
  bool forward = false, back = false;
  for (uint64_t seed = 1; seed <= 5 && !(forward && back); ++seed) {
    World w(testing::quiet_options(seed));
    Host& host = w.add_host("h");
    FaultPlan plan = FaultPlan::none();
    plan.clock_step_per_s = 1;
    plan.clock_step_max_ms = 60'000;
    Chaos chaos(w, plan, rt::Random(seed), {}, {&host});
    chaos.start(w.now() + rt::seconds(10));
    int64_t last = host.skew.offset_ns;
    rt::MonoTime end = w.now() + rt::seconds(10);
    while (w.sched().step(end)) {
      int64_t step = host.skew.offset_ns - last;
      if (step != 0) {
        EXPECT_GE(std::abs(step), 1'000'000'000);
        EXPECT_LE(std::abs(step), 60'000'000'000);
      }
      forward |= step > 0;
      back |= step < 0;
      last = host.skew.offset_ns;
    }
    for (const auto& line : chaos.script()) {
      EXPECT_NE(line.find("clock-step h "), std::string::npos) << line;
    }
  }
  EXPECT_TRUE(forward);
  EXPECT_TRUE(back);
}

TEST(FaultPlan, NewClassesAreDrawnAndDescribed) {
  int host = 0, step = 0, region = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    FaultPlan p = FaultPlan::draw(rt::Random(seed));
    host += p.host_crash_per_s > 0;
    step += p.clock_step_per_s > 0;
    region += p.bad_region_per_s > 0 && p.corrupt_per_s > 0 && p.disk.read_error_chance > 0;
    std::string d = p.describe();
    for (const char* k : {"host_crash", "clock_step", "read_err", "disk_regions"}) {
      EXPECT_NE(d.find(k), std::string::npos) << k;
    }
  }
  EXPECT_GT(host, 5);
  EXPECT_GT(step, 5);
  EXPECT_GT(region, 5);
}

}  // namespace
}  // namespace codis::sim
