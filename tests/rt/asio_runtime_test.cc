// What only the real runtime has: several loops on threads with cross-loop post, SO_REUSEPORT listeners,
// stop() from another thread or a signal, real clocks, logging, seeds, connect timeouts and cancelling a
// pending connect, and the errno/error_code -> Errc mapping.
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>

#include "rt/asio/errors.h"
#include "rt/asio/runtime.h"
#include "rt/asio/worker.h"
#include "rt/combinators.h"
#include "rt/event.h"
#include "rt/scope.h"
#include "rt/sleep.h"

namespace codis::rt {
// Lets gtest print Errc values by name.
inline void PrintTo(Errc e, std::ostream* os) {
  *os << errc_name(e);
}
}  // namespace codis::rt

namespace codis::rt::asio {
namespace {

AsioOptions quiet(size_t loops = 1, uint64_t seed = 7) {
  AsioOptions o;
  o.loops = loops;
  o.seed = seed;
  o.log_level = LogLevel::kWarning;
  return o;
}

TEST(AsioRuntime, CrossLoopPostRunsOnTheOtherLoopsThread) {
  AsioRuntime rt(quiet(3));
  ASSERT_EQ(rt.loops(), 3u);
  const auto main_id = std::this_thread::get_id();
  std::thread::id ids[3];
  int round_trips = 0;  // touched only on loop 0
  rt.block_on([](AsioRuntime& r, std::thread::id* out, int* trips) -> Task<void> {
    out[0] = std::this_thread::get_id();
    for (size_t i = 1; i < 3; ++i) {
      Event back(r.env(0).exec);
      r.post(i, [&r, out, i, &back, trips] {
        out[i] = std::this_thread::get_id();
        // And back to loop 0, where the Event lives.
        r.env(0).exec.post([&back, trips] {
          ++*trips;
          back.set();
        });
      });
      co_await back.wait();
    }
  }(rt, ids, &round_trips));
  EXPECT_EQ(round_trips, 2);
  EXPECT_EQ(ids[0], main_id);
  EXPECT_NE(ids[1], main_id);
  EXPECT_NE(ids[2], main_id);
  EXPECT_NE(ids[1], ids[2]);
}

TEST(AsioRuntime, PostFromForeignThreadsIsSafe) {
  AsioRuntime rt(quiet(2));
  int count = 0;  // only loop 1 touches it
  std::atomic<int> posted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        rt.post(1, [&count] { ++count; });
      }
      ++posted;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  // A final marker posted to loop 1 after all others, which then tells loop 0 (and so block_on) it is done.
  rt.block_on([](AsioRuntime& r) -> Task<void> {
    Event done(r.env(0).exec);
    r.post(1, [&r, &done] { r.post(0, [&done] { done.set(); }); });
    co_await done.wait();
  }(rt));
  EXPECT_EQ(posted.load(), 4);
  EXPECT_EQ(count, 4000);
}

TEST(AsioRuntime, ReusePortListenersShareAPortAcrossLoops) {
  AsioRuntime rt(quiet(2));
  auto a = rt.env(0).net.listen_shared(Endpoint{"127.0.0.1", 0});
  ASSERT_TRUE(a.ok());
  const uint16_t port = (*a)->local().port;
  auto b = rt.env(1).net.listen_shared(Endpoint{"127.0.0.1", port});
  ASSERT_TRUE(b.ok()) << errc_name(b.error());
  // Sharing is opt-in on both sides: a plain listen on the shared port is still refused.
  auto plain = rt.env(0).net.listen(Endpoint{"127.0.0.1", port});
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error(), Errc::kAddrInUse);

  std::atomic<int> accepted[2] = {0, 0};
  auto acceptor = [](Listener& l, std::atomic<int>* n) -> Task<void> {
    std::vector<StreamPtr> keep;  // this loop's streams die with this frame, on this loop
    for (;;) {
      auto s = co_await l.accept();
      if (!s.ok()) {
        co_return;
      }
      keep.push_back(std::move(*s));
      ++*n;
    }
  };
  // Made and spawned before the loops run (allowed: nothing runs yet), destroyed after they stop.
  Scope s0(rt.env(0).exec);
  Scope s1(rt.env(1).exec);
  s0.spawn(acceptor(**a, &accepted[0]));
  s1.spawn(acceptor(**b, &accepted[1]));
  constexpr int kConns = 32;
  rt.block_on([](Env& env, uint16_t p, std::atomic<int>* acc) -> Task<void> {
    std::vector<StreamPtr> clients;
    for (int i = 0; i < kConns; ++i) {
      auto c = co_await env.net.connect(Endpoint{"127.0.0.1", p}, seconds(5));
      EXPECT_TRUE(c.ok());
      if (c.ok()) {
        clients.push_back(std::move(*c));
      }
    }
    for (int i = 0; i < 500 && acc[0] + acc[1] < kConns; ++i) {
      co_await sleep_for(env.exec, milliseconds(2));
    }
  }(rt.env(0), port, accepted));
  EXPECT_EQ(accepted[0] + accepted[1], kConns);
  // The kernel spreads by connection hash; all 32 on one loop has odds of 2^-31.
  EXPECT_GT(accepted[0].load(), 0);
  EXPECT_GT(accepted[1].load(), 0);
}

// Runs rt while another thread calls stop() 50 ms in: run() must return soon after.
void expect_stop_from_another_thread_ends_run(AsioRuntime& rt) {
  auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    rt.stop();
  });
  rt.run();
  stopper.join();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(50));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(AsioRuntime, StopFromAnotherThreadEndsRun) {
  AsioRuntime rt(quiet(2));
  expect_stop_from_another_thread_ends_run(rt);
}

// A loop that naps between polls (idle_policy.h) is woken by no one: posts from other loops, its own timers
// and stop() must still get through, each within a nap or so.
TEST(AsioRuntime, NappingLoopsTakePostsTimersAndStop) {
  AsioOptions o = quiet(2);
  o.idle.adaptive = false;
  o.idle.fixed = IdlePolicy::Mode::kNap;
  AsioRuntime rt(o);
  int trips = 0;
  rt.block_on([](AsioRuntime& r, int* n) -> Task<void> {
    for (int i = 0; i < 200; ++i) {
      Event back(r.env(0).exec);
      r.post(1, [&r, &back, n] { r.post(0, [&back, n] { ++*n, back.set(); }); });
      co_await back.wait();
      if (i % 50 == 0) {
        co_await sleep_for(r.env(0).exec, milliseconds(3));  // long enough that the loop blocks meanwhile
      }
    }
  }(rt, &trips));
  EXPECT_EQ(trips, 200);
  expect_stop_from_another_thread_ends_run(rt);
}

TEST(AsioRuntime, StopBeforeRunMakesRunReturnAtOnceAndIsThenConsumed) {
  AsioRuntime rt(quiet());
  rt.stop();
  rt.run();  // returns at once
  // The stop was used up: the runtime runs again.
  int ran = 0;
  rt.block_on([](Env& env, int* n) -> Task<void> {
    co_await sleep_for(env.exec, milliseconds(1));
    ++*n;
  }(rt.env(), &ran));
  EXPECT_EQ(ran, 1);
}

TEST(AsioRuntime, RunTaskReturnsFalseAndCancelsTheTaskWhenStopped) {
  AsioRuntime rt(quiet());
  bool finished = false;
  bool dropped = false;
  struct DropFlag {
    bool* flag;
    ~DropFlag() { *flag = true; }
  };
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    rt.stop();
  });
  bool done = rt.run_task([](Env& env, bool* fin, bool* drop) -> Task<void> {
    DropFlag f{drop};
    co_await sleep_for(env.exec, seconds(10));
    *fin = true;
  }(rt.env(), &finished, &dropped));
  stopper.join();
  EXPECT_FALSE(done);
  EXPECT_FALSE(finished);
  EXPECT_TRUE(dropped);
}

TEST(AsioRuntime, StopOnSignals) {
  AsioRuntime rt(quiet());
  rt.stop_on_signals({SIGUSR1});
  std::thread sender([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ::kill(::getpid(), SIGUSR1);
  });
  auto start = std::chrono::steady_clock::now();
  rt.run();
  sender.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(AsioRuntime, RealClocksAdvance) {
  AsioRuntime rt(quiet());
  Env& env = rt.env();
  const MonoTime m0 = env.clock.mono();
  const auto sys = std::chrono::system_clock::now().time_since_epoch();
  const WallTime w0 = env.clock.wall();
  EXPECT_LT(std::chrono::abs(w0.time_since_epoch() - std::chrono::duration_cast<Duration>(sys)), seconds(1));
  rt.block_on([](Env& e) -> Task<void> { co_await sleep_for(e.exec, milliseconds(20)); }(env));
  EXPECT_GE(env.clock.mono() - m0, milliseconds(20));
  EXPECT_GE(env.clock.wall() - w0, milliseconds(15));  // wall time may be stepped; roughly, it moved
}

TEST(AsioRuntime, TimerCancelAndHugeDelays) {
  AsioRuntime rt(quiet());
  Env& env = rt.env();
  int fired = 0;
  TimerId never = env.exec.after(Duration::max(), [&] { ++fired; });  // clamped, not overflowed
  TimerId cancelled = env.exec.after(milliseconds(1), [&] { fired += 100; });
  env.exec.cancel(cancelled);
  env.exec.cancel(cancelled);  // twice is fine
  env.exec.after(milliseconds(2), [&] { fired += 10; });
  rt.block_on([](Env& e) -> Task<void> { co_await sleep_for(e.exec, milliseconds(20)); }(env));
  EXPECT_EQ(fired, 10);
  env.exec.cancel(never);
}

TEST(AsioRuntime, SeedIsLoggedReproducibleAndForkedPerLoop) {
  AsioRuntime fixed(quiet(2));
  EXPECT_EQ(fixed.seed(), 7u);
  EXPECT_EQ(fixed.env(0).random.seed(), 7u);
  EXPECT_NE(fixed.env(1).random.seed(), 7u);
  AsioRuntime drawn(quiet(1, 0));
  EXPECT_NE(drawn.seed(), 0u);
  EXPECT_EQ(drawn.env().random.seed(), drawn.seed());
}

TEST(AsioRuntime, LogsRedisStyleLinesToAFile) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("codis-rt-log-" + std::to_string(::getpid()))).string();
  {
    AsioOptions o = quiet(1, 42);
    o.log_level = LogLevel::kNotice;
    o.log_file = path;
    AsioRuntime rt(o);
    rt.env().log.notice("hello log");
    rt.env().log.debug("not shown");
    rt.env().log.warning("careful");
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(path);
  const std::string text = ss.str();
  EXPECT_NE(text.find("random seed 42"), std::string::npos) << text;
  EXPECT_NE(text.find(":L0 "), std::string::npos) << text;
  EXPECT_NE(text.find(" * hello log\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" # careful\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("not shown"), std::string::npos) << text;
}

// A listener whose accept queue is full drops further SYNs, so connects to it hang: the only way to have a
// connect pending on loopback.
class FullListener {
 public:
  FullListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, 0) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port_ = ntohs(a.sin_port);
    }
  }
  ~FullListener() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(AsioRuntime, ConnectTimesOutAndCancellingAPendingConnectIsSafe) {
  FullListener full;
  ASSERT_NE(full.port(), 0);
  AsioRuntime rt(quiet());
  rt.block_on([](Env& env, uint16_t port) -> Task<void> {
    const Endpoint to{"127.0.0.1", port};
    // Fill the accept queue (never accepted), until a connect hangs and times out.
    std::vector<StreamPtr> queued;
    Errc last = Errc::kIoError;
    for (int i = 0; i < 8; ++i) {
      auto c = co_await env.net.connect(to, milliseconds(100));
      if (!c.ok()) {
        last = c.error();
        break;
      }
      queued.push_back(std::move(*c));
    }
    EXPECT_EQ(last, Errc::kTimeout);

    // A pending connect whose task is destroyed: its socket closes, nothing resumes.
    bool resumed = false;
    auto scope = std::make_unique<Scope>(env.exec);
    scope->spawn([](Env& e, Endpoint ep, bool* res) -> Task<void> {
      auto c = co_await e.net.connect(ep, seconds(10));
      (void)c;
      *res = true;
    }(env, to, &resumed));
    co_await sleep_for(env.exec, milliseconds(30));
    scope.reset();
    co_await sleep_for(env.exec, milliseconds(30));
    EXPECT_FALSE(resumed);
  }(rt.env(), full.port()));
}

TEST(AsioRuntime, ConnectResolvesNamesAndRejectsUnknownHosts) {
  AsioRuntime rt(quiet());
  rt.block_on([](Env& env) -> Task<void> {
    auto l = env.net.listen(Endpoint{"localhost", 0});
    EXPECT_TRUE(l.ok());
    if (!l.ok()) {
      co_return;
    }
    auto c = co_await env.net.connect(Endpoint{"localhost", (*l)->local().port}, seconds(5));
    EXPECT_TRUE(c.ok());
    auto bad = env.net.listen(Endpoint{"203.0.113.1", 0});  // TEST-NET-3: not an address of ours
    EXPECT_FALSE(bad.ok());
    // Names resolve off the loop (async_resolve); an unknown one fails, within the connect's timeout.
    auto unknown = co_await env.net.connect(Endpoint{"codis-no-such-host.invalid", 80}, seconds(5));
    EXPECT_FALSE(unknown.ok());
    // A resolve abandoned by its timeout completes later to nobody.
    auto abandoned = co_await env.net.connect(Endpoint{"localhost", 80}, Duration(0));
    (void)abandoned;
    co_await sleep_for(env.exec, milliseconds(50));
  }(rt.env()));
}

// Out of descriptors, accept() says kIoError and the listener lives on: the connection waits in the kernel's
// queue and is accepted once a descriptor is free (rt/net.h).
TEST(AsioRuntime, AcceptOutOfDescriptorsIsIoErrorAndTheListenerLivesOn) {
  const std::string log_path =
      ::testing::TempDir() + "codis-accept-emfile-" + std::to_string(::getpid()) + ".log";
  std::filesystem::remove(log_path);
  AsioOptions o = quiet();
  o.log_file = log_path;
  AsioRuntime rt(o);
  Env& env = rt.env();
  auto l = env.net.listen(Endpoint{"127.0.0.1", 0});
  ASSERT_TRUE(l.ok());
  // Two clients wait in the backlog (the kernel completes their handshakes).
  int clients[2];
  for (int& c : clients) {
    c = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons((*l)->local().port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  // Use up every descriptor under a lowered soft limit.
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = old;
  low.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::dup(clients[0])) >= 0;) {
    fillers.push_back(fd);
  }
  ASSERT_EQ(errno, EMFILE);
  ASSERT_FALSE(fillers.empty());

  auto refused = rt.block_on((*l)->accept());
  auto again = rt.block_on((*l)->accept());  // still short: the same answer, nothing consumed
  ::close(fillers.back());
  fillers.pop_back();
  auto first = rt.block_on((*l)->accept());
  ::close(fillers.back());
  fillers.pop_back();
  auto second = rt.block_on((*l)->accept());
  for (int fd : fillers) {
    ::close(fd);
  }
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);

  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), Errc::kIoError);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), Errc::kIoError);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  // Both queued connections came through.
  EXPECT_NE((*first)->peer().port, (*second)->peer().port);
  // The OS's reason is logged once for the run of identical failures.
  std::ifstream f(log_path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string log = ss.str();
  const std::string line = "Accepting client connection: accept: Too many open files";
  ASSERT_NE(log.find(line), std::string::npos) << log;
  EXPECT_EQ(log.find(line, log.find(line) + 1), std::string::npos) << log;
  std::filesystem::remove(log_path);
  for (int c : clients) {
    ::close(c);
  }
}

// A blocking call on the loop's worker (a slow fsync, say) leaves the loop free: timers keep firing
// meanwhile, and a caller that gives up (with_timeout) resumes at once instead of waiting for the call.
TEST(AsioRuntime, BlockingCallsRunOffTheLoopWhichKeepsServingTimers) {
  AsioRuntime rt(quiet());
  BlockingWorker worker;
  Env& env = rt.env();
  int ticks = 0;
  const std::thread::id loop_thread = std::this_thread::get_id();
  std::thread::id job_thread;
  rt.block_on([](Env& e, BlockingWorker& w, int* ticks, std::thread::id* job) -> Task<void> {
    Scope scope(e.exec);
    scope.spawn([](Env& e, int* ticks) -> Task<void> {
      for (;;) {
        co_await sleep_for(e.exec, milliseconds(5));
        ++*ticks;
      }
    }(e, ticks));
    int got = co_await offload(w, e.exec, [job] {
      *job = std::this_thread::get_id();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return 42;
    });
    EXPECT_EQ(got, 42);
    scope.cancel();
    co_await scope.join();
  }(env, worker, &ticks, &job_thread));
  EXPECT_NE(job_thread, loop_thread);
  // 300 ms of 5 ms timers: about 60 ticks; a stalled loop would see at most one.
  EXPECT_GE(ticks, 20);

  const auto start = std::chrono::steady_clock::now();
  bool gave_up = rt.block_on([](Env& e, BlockingWorker& w) -> Task<bool> {
    auto r = co_await with_timeout(e.exec, milliseconds(10), [](Env& e, BlockingWorker& w) -> Task<int> {
      co_return co_await offload(w, e.exec, [] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return 1;
      });
    }(e, w));
    co_return !r.ok();
  }(env, worker));
  EXPECT_TRUE(gave_up);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
}  // the worker finishes the abandoned call before it is destroyed; its late result resumes nobody

// A real file through the runtime's Disk (its calls go through the loop's worker): megabyte writes, each
// synced, all there afterwards.
TEST(AsioRuntime, FileWritesAndSyncsThroughTheWorker) {
  AsioRuntime rt(quiet());
  char tmpl[] = "/tmp/codis-asio-disk-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  uint64_t size = rt.block_on([](Env& e, std::string dir) -> Task<uint64_t> {
    auto f = co_await e.disk.open(dir + "/aof", kOpenCreate);
    if (!f.ok()) {
      co_return 0;
    }
    const std::string block(1 << 20, 'x');
    uint64_t at = 0;
    for (int i = 0; i < 8; ++i, at += block.size()) {
      auto w = co_await (*f)->write_at(at, std::span<const char>(block.data(), block.size()));
      auto s = co_await (*f)->sync();
      if (!w.ok() || !s.ok()) {
        co_return 0;
      }
    }
    co_return (*f)->size().value_or(0);
  }(rt.env(), dir));
  EXPECT_EQ(size, 8u << 20);
  std::filesystem::remove_all(dir);
}

TEST(AsioErrors, ErrnoMapping) {
  EXPECT_EQ(errno_errc(ENOSPC), Errc::kNoSpace);
  EXPECT_EQ(errno_errc(EDQUOT), Errc::kNoSpace);
  EXPECT_EQ(errno_errc(ENOENT), Errc::kNotFound);
  EXPECT_EQ(errno_errc(EEXIST), Errc::kExists);
  EXPECT_EQ(errno_errc(EIO), Errc::kIoError);
  EXPECT_EQ(errno_errc(EACCES), Errc::kIoError);
}

TEST(AsioErrors, SocketMapping) {
  namespace ae = boost::asio::error;
  EXPECT_EQ(net_errc(ae::connection_refused), Errc::kConnRefused);
  EXPECT_EQ(net_errc(ae::connection_reset), Errc::kConnReset);
  EXPECT_EQ(net_errc(ae::broken_pipe), Errc::kConnReset);
  EXPECT_EQ(net_errc(ae::address_in_use), Errc::kAddrInUse);
  EXPECT_EQ(net_errc(ae::operation_aborted), Errc::kCancelled);
  EXPECT_EQ(net_errc(ae::timed_out), Errc::kTimeout);
  EXPECT_EQ(net_errc(ae::host_not_found), Errc::kNotFound);
  EXPECT_EQ(stream_errc(ae::timed_out), Errc::kConnReset);
  EXPECT_EQ(stream_errc(ae::host_unreachable), Errc::kConnReset);
  EXPECT_TRUE(would_block(ae::would_block));
  EXPECT_FALSE(would_block(ae::eof));
}

}  // namespace
}  // namespace codis::rt::asio
