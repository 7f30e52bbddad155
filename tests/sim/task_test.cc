// Semantics of the seam's coroutine machinery (Task, Scope, Event, sleep, when_any, with_timeout), driven by
// the simulator's deterministic executor.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rt/combinators.h"
#include "rt/event.h"
#include "rt/scope.h"
#include "rt/sleep.h"
#include "tests/sim/harness.h"

namespace codis::sim {
namespace {

using rt::Env;
using rt::Errc;
using rt::Task;
using testing::Harness;

Task<int> add_later(Env& env, int a, int b) {
  co_await rt::sleep_for(env.exec, rt::milliseconds(5));
  co_return a + b;
}

TEST(Task, IsLazyAndReturnsItsValue) {
  Harness h;
  int got = 0;
  bool started = false;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    // Coroutine lambdas take state as parameters: captures would dangle once the temporary lambda dies.
    auto t = [](Env& e, bool* started) -> Task<int> {
      *started = true;
      co_return co_await add_later(e, 2, 3);
    }(env, &started);
    EXPECT_FALSE(started);
    got = co_await std::move(t);
  }));
  EXPECT_TRUE(started);
  EXPECT_EQ(got, 5);
}

#ifdef __OPTIMIZE__
constexpr int kChain = 100000;
#else
constexpr int kChain = 1000;
#endif

TEST(Task, DeepChainsDoNotGrowTheStack) {
  Harness h;
  int got = 0;
  ASSERT_TRUE(h.run([&](Env&) -> Task<void> {
    // 100k synchronous child completions in a row: symmetric transfer keeps the stack flat. g++ turns it into
    // a tail call only when optimising (sibling calls); unoptimised builds (the ASan preset) grow the stack,
    // so there the test only checks correctness on a short chain.
    for (int i = 0; i < kChain; ++i) {
      got += co_await []() -> Task<int> { co_return 1; }();
    }
  }));
  EXPECT_EQ(got, kChain);
}

TEST(Sleep, VirtualTimeAdvancesByTheDelay) {
  Harness h;
  rt::MonoTime before{}, after{};
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    before = env.clock.mono();
    co_await rt::sleep_for(env.exec, rt::seconds(3));
    after = env.clock.mono();
  }));
  EXPECT_GE(after - before, rt::seconds(3));
  EXPECT_LT(after - before, rt::seconds(3) + rt::milliseconds(1));
}

TEST(Sleep, TimersFireInDeadlineOrder) {
  Harness h;
  std::vector<int> order;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    rt::Scope s(env.exec);
    for (int d : {30, 10, 20}) {
      s.spawn([](Env& e, int d, std::vector<int>* o) -> Task<void> {
        co_await rt::sleep_for(e.exec, rt::milliseconds(d));
        o->push_back(d);
      }(env, d, &order));
    }
    co_await s.join();
  }));
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
}

TEST(Scope, DestroyingItCancelsChildrenAndTheirTimers) {
  Harness h;
  int finished = 0;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    {
      rt::Scope s(env.exec);
      for (int i = 0; i < 3; ++i) {
        s.spawn([](Env& e, int* f) -> Task<void> {
          co_await rt::sleep_for(e.exec, rt::seconds(1));
          ++*f;
        }(env, &finished));
      }
      co_await rt::sleep_for(env.exec, rt::milliseconds(10));
      EXPECT_EQ(s.size(), 3u);
    }
    co_await rt::sleep_for(env.exec, rt::seconds(5));
  }));
  EXPECT_EQ(finished, 0);
}

TEST(Scope, CancelFromInsideAChildIsSafe) {
  Harness h;
  int after_cancel = 0;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    rt::Scope s(env.exec);
    s.spawn([](Env& e, rt::Scope* s) -> Task<void> {
      co_await rt::sleep_for(e.exec, rt::milliseconds(1));
      s->cancel();  // runs inside a child of s
      co_await rt::sleep_for(e.exec, rt::seconds(1));
    }(env, &s));
    s.spawn([](Env& e, int* n) -> Task<void> {
      co_await rt::sleep_for(e.exec, rt::seconds(1));
      ++*n;
    }(env, &after_cancel));
    co_await s.join();
    EXPECT_EQ(s.size(), 0u);
    s.spawn([](int* n) -> Task<void> {  // refused after cancel
      ++*n;
      co_return;
    }(&after_cancel));
    co_await rt::sleep_for(env.exec, rt::seconds(2));
  }));
  EXPECT_EQ(after_cancel, 0);
}

TEST(Event, WakesEveryWaiter) {
  Harness h;
  int woke = 0;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    rt::Event ev(env.exec);
    rt::Scope s(env.exec);
    for (int i = 0; i < 4; ++i) {
      s.spawn([](rt::Event* ev, int* w) -> Task<void> {
        co_await ev->wait();
        ++*w;
      }(&ev, &woke));
    }
    co_await rt::yield(env.exec);
    EXPECT_EQ(woke, 0);
    ev.set();
    co_await s.join();
  }));
  EXPECT_EQ(woke, 4);
}

TEST(WhenAny, FirstWinsAndTheLoserIsCancelled) {
  Harness h;
  bool loser_finished = false;
  std::variant<int, std::monostate> r;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    r = co_await rt::when_any(env.exec, add_later(env, 1, 1), [](Env& e, bool* f) -> Task<void> {
      co_await rt::sleep_for(e.exec, rt::seconds(1));
      *f = true;
    }(env, &loser_finished));
    co_await rt::sleep_for(env.exec, rt::seconds(2));
  }));
  ASSERT_EQ(r.index(), 0u);
  EXPECT_EQ(std::get<0>(r), 2);
  EXPECT_FALSE(loser_finished);
}

TEST(WithTimeout, TimesOutAndFlattensResults) {
  Harness h;
  rt::Result<int> slow = 0, fast = 0;
  ASSERT_TRUE(h.run([&](Env& env) -> Task<void> {
    auto forever = [](Env& e) -> Task<rt::Result<int>> {
      co_await rt::sleep_for(e.exec, rt::hours(1));
      co_return 1;
    };
    slow = co_await rt::with_timeout(env.exec, rt::milliseconds(50), forever(env));
    fast = co_await rt::with_timeout(env.exec, rt::seconds(1), add_later(env, 20, 22));
  }));
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error(), Errc::kTimeout);
  ASSERT_TRUE(fast.ok());
  EXPECT_EQ(*fast, 42);
}

TEST(Random, StreamsAreReproducibleAndIndependent) {
  rt::Random a(42), b(42);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(a.next_u64(), b.next_u64());
  }
  rt::Random c(42);
  auto f1 = c.fork("net");
  c.next_u64();
  auto f2 = c.fork("net");  // forking does not depend on how much the parent has drawn
  EXPECT_EQ(f1.next_u64(), f2.next_u64());
  rt::Random d(7);
  for (int i = 0; i < 1000; ++i) {
    auto v = d.uniform(3, 9);
    ASSERT_GE(v, 3u);
    ASSERT_LE(v, 9u);
  }
}

TEST(Buggify, OffNeverFiresOnFiresSometimesAndReproducibly) {
  rt::Buggify off;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(off.fire());
  }
  auto count = [](uint64_t seed) {
    rt::Buggify on{rt::Random(seed)};
    int fired = 0;
    for (int site = 0; site < 40; ++site) {
      for (int i = 0; i < 100; ++i) {
        // Distinct call sites are told apart by source location; fake 40 of them with one line each.
        fired += on.fire(std::source_location::current()) ? 1 : 0;
      }
    }
    return fired;
  };
  EXPECT_EQ(count(3), count(3));
  int total = 0;
  for (uint64_t s = 1; s <= 20; ++s) {
    total += count(s);
  }
  EXPECT_GT(total, 0);
}

}  // namespace
}  // namespace codis::sim
