// The contract of the seam (rt/net.h, rt/disk.h, rt/scope.h, rt/sleep.h, rt/combinators.h), checked the same
// way against every runtime registered in this binary (see runtime_fixture.h). When a runtime fails here,
// product code would behave differently on it, so the simulator would be testing something else.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "rt/combinators.h"
#include "rt/event.h"
#include "rt/scope.h"
#include "rt/sleep.h"
#include "tests/rt/runtime_fixture.h"

namespace codis::rt::test {
namespace {

class Contract : public PerRuntimeTest {};
CODIS_INSTANTIATE_FOR_RUNTIMES(Contract);

// ---- helpers ----

// Sets *flag when the coroutine frame holding it is destroyed (finished or cancelled).
struct DropFlag {
  bool* flag;
  ~DropFlag() { *flag = true; }
};

struct Conn {
  ListenerPtr listener;
  StreamPtr client;
  StreamPtr server;
};

Task<void> accept_into(Listener* l, Result<StreamPtr>* out) {
  *out = co_await l->accept();
}

// A connected pair through a fresh listener on host:0.
Task<Result<Conn>> connect_pair(Env& env, std::string host) {
  auto l = env.net.listen(Endpoint{host, 0});
  if (!l.ok()) {
    co_return l.error();
  }
  ListenerPtr listener = std::move(*l);
  Result<StreamPtr> accepted = Errc::kCancelled;
  Scope scope(env.exec);
  scope.spawn(accept_into(listener.get(), &accepted));
  auto c = co_await env.net.connect(Endpoint{host, listener->local().port}, seconds(5));
  if (!c.ok()) {
    co_return c.error();
  }
  co_await scope.join();
  if (!accepted.ok()) {
    co_return accepted.error();
  }
  co_return Conn{std::move(listener), std::move(*c), std::move(*accepted)};
}

// Reads exactly n bytes; kEof if the stream ends first.
Task<Result<std::string>> read_exact(Stream& s, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    auto r = co_await s.read(std::span<char>(out.data() + got, n - got));
    if (!r.ok()) {
      co_return r.error();
    }
    if (*r == 0) {
      co_return Errc::kEof;
    }
    got += *r;
  }
  co_return out;
}

Task<Result<std::string>> read_to_eof(Stream& s) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto r = co_await s.read(buf);
    if (!r.ok()) {
      co_return r.error();
    }
    if (*r == 0) {
      co_return out;
    }
    out.append(buf, *r);
  }
}

// Writes small chunks until a write fails (the peer is gone); the error, or kTimeout if none came.
Task<Result<void>> write_until_error(Env& env, Stream& s) {
  for (int i = 0; i < 200; ++i) {
    auto w = co_await write_all(s, std::string(1024, 'w'));
    if (!w.ok()) {
      co_return w;
    }
    co_await sleep_for(env.exec, milliseconds(2));
  }
  co_return Errc::kTimeout;
}

size_t reply_len(int round) {
  return 2 + std::to_string(round).size();
}

bool is_eof_or_reset(const Result<size_t>& r) {
  return r.ok() ? *r == 0 : r.error() == Errc::kConnReset;
}

// ---- streams ----

TEST_P(Contract, EchoRoundTrip) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    EXPECT_NE(p->listener->local().port, 0);
    EXPECT_EQ(p->client->peer().port, p->listener->local().port);
    EXPECT_EQ(p->server->peer().port, p->client->local().port);

    auto w = co_await write_all(*p->client, "hello, world");
    CO_ASSERT_OK(w);
    // A read never returns more than asked.
    char three[3];
    auto r = co_await p->server->read(three);
    CO_ASSERT_OK(r);
    EXPECT_GE(*r, 1u);
    EXPECT_LE(*r, 3u);
    std::string got(three, *r);
    auto rest = co_await read_exact(*p->server, 12 - got.size());
    CO_ASSERT_OK(rest);
    got += *rest;
    EXPECT_EQ(got, "hello, world");

    auto echo = co_await write_all(*p->server, got);
    CO_ASSERT_OK(echo);
    auto back = co_await read_exact(*p->client, got.size());
    CO_ASSERT_OK(back);
    EXPECT_EQ(*back, "hello, world");
  });
}

TEST_P(Contract, ManySmallWritesArriveInOrder) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    std::string expected;
    for (int i = 0; i < 2000; ++i) {
      expected += "k" + std::to_string(i) + ";";
    }
    Result<std::string> received = Errc::kCancelled;
    Scope readers(env.exec);
    readers.spawn([](Stream& s, size_t n, Result<std::string>* out) -> Task<void> {
      *out = co_await read_exact(s, n);
    }(*p->server, expected.size(), &received));
    for (int i = 0; i < 2000; ++i) {
      auto w = co_await write_all(*p->client, "k" + std::to_string(i) + ";");
      CO_ASSERT_OK(w);
    }
    co_await readers.join();
    CO_ASSERT_OK(received);
    EXPECT_TRUE(*received == expected);
  });
}

TEST_P(Contract, LargeWriteAcrossSlowReaderArrivesIntact) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    std::string big(8 << 20, '\0');
    for (size_t i = 0; i < big.size(); ++i) {
      big[i] = static_cast<char>((i * 7 + i / 4096) % 251);
    }
    Result<void> wrote = Errc::kCancelled;
    Scope writers(env.exec);
    writers.spawn([](Stream& s, std::string_view data, Result<void>* out) -> Task<void> {
      *out = co_await write_all(s, data);
    }(*p->client, big, &wrote));

    std::string got;
    got.reserve(big.size());
    std::vector<char> buf(64 << 10);
    int reads = 0;
    while (got.size() < big.size()) {
      auto r = co_await p->server->read(buf);
      CO_ASSERT_OK(r);
      CO_ASSERT_TRUE(*r > 0);
      got.append(buf.data(), *r);
      if (++reads % 16 == 0) {
        co_await sleep_for(env.exec, milliseconds(1));  // a slow reader: the writer must wait for room
      }
    }
    co_await writers.join();
    CO_ASSERT_OK(wrote);
    EXPECT_TRUE(got == big);
  });
}

TEST_P(Contract, ReadReturnsZeroAfterPeerShutdownWriteAndHalfCloseWorks) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    auto w = co_await write_all(*p->client, "request");
    CO_ASSERT_OK(w);
    p->client->shutdown_write();
    auto req = co_await read_to_eof(*p->server);
    CO_ASSERT_OK(req);
    EXPECT_EQ(*req, "request");
    char c;
    auto again = co_await p->server->read(std::span<char>(&c, 1));
    CO_ASSERT_OK(again);
    EXPECT_EQ(*again, 0u) << "end of stream stays end of stream";

    // The other direction still works.
    auto resp = co_await write_all(*p->server, "response");
    CO_ASSERT_OK(resp);
    p->server->shutdown_write();
    auto got = co_await read_to_eof(*p->client);
    CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "response");
  });
}

TEST_P(Contract, PeerCloseGivesEndOfStreamOrResetAndWritesFail) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    p->server->close();
    char buf[16];
    auto r = co_await p->client->read(buf);
    EXPECT_TRUE(is_eof_or_reset(r));
    auto w = co_await write_until_error(env, *p->client);
    CO_ASSERT_TRUE(!w.ok());
    EXPECT_EQ(w.error(), Errc::kConnReset);
  });
}

TEST_P(Contract, PeerCloseWithUnreadDataResets) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    auto w = co_await write_all(*p->client, std::string(100, 'u'));
    CO_ASSERT_OK(w);
    co_await sleep_for(env.exec, milliseconds(20));  // let it arrive, unread
    p->server->close();
    co_await sleep_for(env.exec, milliseconds(20));
    char buf[16];
    auto r = co_await p->client->read(buf);
    EXPECT_TRUE(is_eof_or_reset(r));
    if (!r.ok()) {
      auto r2 = co_await p->client->read(buf);
      CO_ASSERT_TRUE(!r2.ok());
      EXPECT_EQ(r2.error(), Errc::kConnReset) << "a reset stays a reset";
    }
    auto w2 = co_await write_until_error(env, *p->client);
    CO_ASSERT_TRUE(!w2.ok());
    EXPECT_EQ(w2.error(), Errc::kConnReset);
  });
}

TEST_P(Contract, OwnCloseCancelsLaterReadsAndWrites) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    p->client->close();
    p->client->close();  // idempotent
    char buf[4];
    auto r = co_await p->client->read(buf);
    CO_ASSERT_TRUE(!r.ok());
    EXPECT_EQ(r.error(), Errc::kCancelled);
    auto w = co_await write_all(*p->client, "x");
    CO_ASSERT_TRUE(!w.ok());
    EXPECT_EQ(w.error(), Errc::kCancelled);
  });
}

TEST_P(Contract, CloseWhileReadPendingGivesCancelled) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    Result<size_t> got = Errc::kIoError;
    bool finished = false;
    Scope scope(env.exec);
    scope.spawn([](Stream& s, Result<size_t>* out, bool* done) -> Task<void> {
      char buf[8];
      *out = co_await s.read(buf);
      *done = true;
    }(*p->server, &got, &finished));
    co_await sleep_for(env.exec, milliseconds(20));
    EXPECT_FALSE(finished);
    p->server->close();
    co_await scope.join();
    CO_ASSERT_TRUE(finished);
    CO_ASSERT_TRUE(!got.ok());
    EXPECT_EQ(got.error(), Errc::kCancelled);
  });
}

TEST_P(Contract, DestroyingStreamWhileReadPendingGivesCancelled) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    Result<size_t> got = Errc::kIoError;
    bool finished = false;
    Scope scope(env.exec);
    scope.spawn([](Stream& s, Result<size_t>* out, bool* done) -> Task<void> {
      char buf[8];
      *out = co_await s.read(buf);
      *done = true;  // touches only its own frame's pointers: the stream is gone by now
    }(*p->server, &got, &finished));
    co_await sleep_for(env.exec, milliseconds(20));
    p->server.reset();
    co_await scope.join();
    CO_ASSERT_TRUE(finished);
    CO_ASSERT_TRUE(!got.ok());
    EXPECT_EQ(got.error(), Errc::kCancelled);
    // The client sees the server side go away.
    char buf[4];
    auto r = co_await p->client->read(buf);
    EXPECT_TRUE(is_eof_or_reset(r));
  });
}

TEST_P(Contract, ConnectToClosedPortIsRefused) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto l = env.net.listen(Endpoint{host, 0});
    CO_ASSERT_OK(l);
    uint16_t port = (*l)->local().port;
    (*l)->close();
    l->reset();
    auto c = co_await env.net.connect(Endpoint{host, port}, seconds(5));
    CO_ASSERT_TRUE(!c.ok());
    EXPECT_EQ(c.error(), Errc::kConnRefused);
  });
}

TEST_P(Contract, ListenOnPortZeroPicksARealPortAndTwiceIsAddrInUse) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto a = env.net.listen(Endpoint{host, 0});
    CO_ASSERT_OK(a);
    uint16_t port = (*a)->local().port;
    EXPECT_NE(port, 0);
    auto b = env.net.listen(Endpoint{host, 0});
    CO_ASSERT_OK(b);
    EXPECT_NE((*b)->local().port, port);
    auto again = env.net.listen(Endpoint{host, port});
    CO_ASSERT_TRUE(!again.ok());
    EXPECT_EQ(again.error(), Errc::kAddrInUse);
    co_return;
  });
}

TEST_P(Contract, ListenerCloseCancelsPendingAndLaterAccepts) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto l = env.net.listen(Endpoint{host, 0});
    CO_ASSERT_OK(l);
    Result<StreamPtr> got = Errc::kIoError;
    Scope scope(env.exec);
    scope.spawn(accept_into(l->get(), &got));
    co_await sleep_for(env.exec, milliseconds(20));
    (*l)->close();
    co_await scope.join();
    CO_ASSERT_TRUE(!got.ok());
    EXPECT_EQ(got.error(), Errc::kCancelled);
    auto later = co_await (*l)->accept();
    CO_ASSERT_TRUE(!later.ok());
    EXPECT_EQ(later.error(), Errc::kCancelled);
  });
}

// ---- timeouts and combinators ----

TEST_P(Contract, WithTimeoutOnStuckReadGivesTimeoutAndStreamStaysUsable) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    char buf[16];
    MonoTime start = env.clock.mono();
    auto r = co_await with_timeout(env.exec, milliseconds(50), p->server->read(buf));
    CO_ASSERT_TRUE(!r.ok());
    EXPECT_EQ(r.error(), Errc::kTimeout);
    EXPECT_GE(env.clock.mono() - start, milliseconds(50));
    // The cancelled read consumed nothing: the stream goes on as if it had never been issued.
    auto w = co_await write_all(*p->client, "ping");
    CO_ASSERT_OK(w);
    auto got = co_await read_exact(*p->server, 4);
    CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "ping");
    // And a read that finishes in time returns its value.
    auto w2 = co_await write_all(*p->client, "pong");
    CO_ASSERT_OK(w2);
    auto r2 = co_await with_timeout(env.exec, seconds(5), read_exact(*p->server, 4));
    CO_ASSERT_OK(r2);
    EXPECT_EQ(*r2, "pong");
  });
}

// A read that drained the socket leaves nothing waiting on it; bytes that arrive while the owner is busy
// elsewhere (the loop sees them with no read pending) must still reach the next read, whether the owner
// comes back before or after they arrive, and a request-reply exchange never stalls.
TEST_P(Contract, BytesArrivingWhileNoReadIsPendingReachTheNextRead) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    for (int round = 0; round < 40; ++round) {
      const std::string req = "req" + std::to_string(round);
      auto w = co_await write_all(*p->client, req);
      CO_ASSERT_OK(w);
      if (round % 2 == 1) {
        co_await sleep_for(env.exec, milliseconds(3));  // the bytes arrive before the read starts
      }
      auto got = co_await with_timeout(env.exec, seconds(5), read_exact(*p->server, req.size()));
      CO_ASSERT_OK(got);
      EXPECT_EQ(*got, req);
      auto reply = co_await write_all(*p->server, "ok" + std::to_string(round));
      CO_ASSERT_OK(reply);
      auto back = co_await with_timeout(env.exec, seconds(5), read_exact(*p->client, reply_len(round)));
      CO_ASSERT_OK(back);
    }
  });
}

TEST_P(Contract, SleepsWakeInDeadlineOrderAndNotEarly) {
  fx().run([&](Env& env) -> Task<void> {
    std::vector<int> order;
    MonoTime start = env.clock.mono();
    Scope scope(env.exec);
    auto sleeper = [](Env& e, MonoTime t0, Duration d, int id, std::vector<int>* out) -> Task<void> {
      co_await sleep_for(e.exec, d);
      EXPECT_GE(e.clock.mono() - t0, d);
      out->push_back(id);
    };
    scope.spawn(sleeper(env, start, milliseconds(30), 3, &order));
    scope.spawn(sleeper(env, start, milliseconds(10), 1, &order));
    scope.spawn(sleeper(env, start, milliseconds(20), 2, &order));
    scope.spawn(sleeper(env, start, milliseconds(0), 0, &order));
    co_await scope.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  });
}

TEST_P(Contract, WhenAnyReturnsTheWinnerAndCancelsTheLoser) {
  fx().run([&](Env& env) -> Task<void> {
    bool loser_dropped = false;
    bool loser_finished = false;
    auto fast = [](Env& e) -> Task<int> {
      co_await sleep_for(e.exec, milliseconds(10));
      co_return 1;
    };
    auto slow = [](Env& e, bool* dropped, bool* finished) -> Task<int> {
      DropFlag f{dropped};
      co_await sleep_for(e.exec, milliseconds(200));
      *finished = true;
      co_return 2;
    };
    auto r = co_await when_any(env.exec, fast(env), slow(env, &loser_dropped, &loser_finished));
    EXPECT_EQ(r.index(), 0u);
    EXPECT_EQ(std::get<0>(r), 1);
    EXPECT_TRUE(loser_dropped) << "the loser is cancelled before when_any returns";
    co_await sleep_for(env.exec, milliseconds(300));
    EXPECT_FALSE(loser_finished);
  });
}

// Defect found by a user: a subscriber raced read() against "something was pushed to you"; when the push won
// and the read completed in the same turn, the read's bytes were dropped with its result. Here the writer
// sends numbered messages and pokes the event in the same turn, in every order, and the reader must see
// every byte exactly once.
TEST_P(Contract, WhenAnyNeverDropsBytesOfAReadRacedAgainstAnEvent) {
  const std::string host = fx().host();
  fx().run_for(
      [&](Env& env) -> Task<void> {
        auto p = co_await connect_pair(env, host);
        CO_ASSERT_OK(p);
        Event poke(env.exec);
        constexpr int kRounds = 3000;
        std::string sent;
        std::string got;
        int reads_won = 0;
        int pokes_won = 0;
        Scope scope(env.exec);
        scope.spawn([](Env& e, Stream& s, Event& ev, std::string& out) -> Task<void> {
          for (int i = 0; i < kRounds; ++i) {
            const std::string msg = "<" + std::to_string(i) + ">";
            out += msg;
            switch (i % 5) {
              case 0:  // bytes, then the poke, in one turn
                (void)co_await write_all(s, msg);
                ev.set();
                break;
              case 1:  // the poke first, then the bytes, in one turn
                ev.set();
                (void)co_await write_all(s, msg);
                break;
              case 2:  // bytes, a turn for the reactor to see them, then the poke
                (void)co_await write_all(s, msg);
                co_await yield(e.exec);
                ev.set();
                break;
              case 3:  // the poke on a timer due when the bytes arrive (the simulator's fixed 100 us
                       // latency): the poke's wake-up is queued just before the read's
                e.exec.after(microseconds(100), [&ev] { ev.set(); });
                (void)co_await write_all(s, msg);
                co_await sleep_for(e.exec, microseconds(150));
                break;
              default:  // bytes alone
                (void)co_await write_all(s, msg);
                break;
            }
            if (i % 16 == 15) {
              co_await sleep_for(e.exec, microseconds(50));
            }
          }
        }(env, *p->client, poke, sent));
        char buf[64];
        while (scope.size() > 0 || got.size() < sent.size()) {
          auto wait = [](Event& ev) -> Task<void> { co_await ev.wait(); };
          auto raced = co_await with_timeout(env.exec, seconds(5),
                                             when_any(env.exec, p->server->read(buf), wait(poke)));
          CO_ASSERT_OK(raced);  // a timeout here: bytes were lost and the rest never comes
          auto& r = *raced;
          if (r.index() == 1) {
            poke.reset();
            ++pokes_won;
            continue;
          }
          auto& n = std::get<0>(r);
          CO_ASSERT_OK(n);
          CO_ASSERT_TRUE(*n > 0);
          got.append(buf, *n);
          ++reads_won;
          if (got.size() > sent.size() || sent.compare(0, got.size(), got) != 0) {
            break;
          }
        }
        EXPECT_EQ(got.size(), sent.size());
        EXPECT_TRUE(got == sent) << "first difference at byte "
                                 << std::mismatch(got.begin(), got.end(), sent.begin(), sent.end()).first -
                                        got.begin();
        EXPECT_GT(pokes_won, 0);
        EXPECT_GT(reads_won, 0);
        EXPECT_EQ(poke.waiters(), 0u);
      },
      seconds(60));
}

// A waiter that gives up (its task is cancelled) leaves the Event and the Scope's joiners at once: a
// subscriber that waits for pushes every turn and is woken by its socket instead must not grow them.
TEST_P(Contract, CancelledWaitersLeaveEventAndJoinLists) {
  fx().run([&](Env& env) -> Task<void> {
    Event ev(env.exec);
    Scope busy(env.exec);
    busy.spawn([](Env& e) -> Task<void> { co_await sleep_for(e.exec, seconds(5)); }(env));
    for (int i = 0; i < 1000; ++i) {
      auto wait = [](Event& e) -> Task<void> { co_await e.wait(); };
      auto join = [](Scope& s) -> Task<void> { co_await s.join(); };
      auto tick = [](Env& e) -> Task<void> { co_await yield(e.exec); };
      auto r = co_await when_any(env.exec, wait(ev), tick(env));
      EXPECT_EQ(r.index(), 1u);
      auto j = co_await when_any(env.exec, join(busy), tick(env));
      EXPECT_EQ(j.index(), 1u);
    }
    EXPECT_EQ(ev.waiters(), 0u);
    EXPECT_EQ(busy.joiners(), 0u);
    // And the ones that stay are still woken.
    bool woke = false;
    Scope s(env.exec);
    s.spawn([](Event& e, bool* w) -> Task<void> {
      co_await e.wait();
      *w = true;
    }(ev, &woke));
    co_await yield(env.exec);
    EXPECT_EQ(ev.waiters(), 1u);
    ev.set();
    co_await s.join();
    EXPECT_TRUE(woke);
    busy.cancel_now();
  });
}

// ---- cancellation: destroyed tasks never resume ----

TEST_P(Contract, DestroyingTaskMidReadCancelsItAndConsumesNothing) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    bool resumed = false;
    bool dropped = false;
    auto scope = std::make_unique<Scope>(env.exec);
    scope->spawn([](Stream& s, bool* res, bool* drop) -> Task<void> {
      DropFlag f{drop};
      char buf[16];
      auto r = co_await s.read(buf);
      (void)r;
      *res = true;
    }(*p->server, &resumed, &dropped));
    co_await sleep_for(env.exec, milliseconds(20));
    scope.reset();
    EXPECT_TRUE(dropped);
    auto w = co_await write_all(*p->client, "late");
    CO_ASSERT_OK(w);
    co_await sleep_for(env.exec, milliseconds(20));
    EXPECT_FALSE(resumed);
    auto got = co_await read_exact(*p->server, 4);
    CO_ASSERT_OK(got);
    EXPECT_EQ(*got, "late");
  });
}

TEST_P(Contract, DestroyingTaskMidWriteNeverResumesIt) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto p = co_await connect_pair(env, host);
    CO_ASSERT_OK(p);
    bool finished = false;
    bool dropped = false;
    auto big = std::make_unique<std::string>(32 << 20, 'x');
    auto scope = std::make_unique<Scope>(env.exec);
    scope->spawn([](Stream& s, std::string_view data, bool* done, bool* drop) -> Task<void> {
      DropFlag f{drop};
      auto r = co_await write_all(s, data);
      (void)r;
      *done = true;
    }(*p->client, *big, &finished, &dropped));
    co_await sleep_for(env.exec, milliseconds(50));
    EXPECT_FALSE(finished) << "the peer reads nothing, so 32 MiB cannot all be sent yet";
    scope.reset();
    EXPECT_TRUE(dropped);
    big.reset();  // nothing may read the cancelled write's buffer any more
    // Drain some of what was sent; the writer must not wake up.
    std::vector<char> buf(1 << 20);
    auto r = co_await p->server->read(buf);
    CO_ASSERT_OK(r);
    co_await sleep_for(env.exec, milliseconds(20));
    EXPECT_FALSE(finished);
    p->client->close();  // after a cancelled write the stream's output is unspecified: close it
  });
}

TEST_P(Contract, DestroyingTaskMidAcceptLosesNoConnection) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    auto l = env.net.listen(Endpoint{host, 0});
    CO_ASSERT_OK(l);
    bool resumed = false;
    bool dropped = false;
    auto scope = std::make_unique<Scope>(env.exec);
    scope->spawn([](Listener& lis, bool* res, bool* drop) -> Task<void> {
      DropFlag f{drop};
      auto s = co_await lis.accept();
      (void)s;
      *res = true;
    }(**l, &resumed, &dropped));
    co_await sleep_for(env.exec, milliseconds(20));
    scope.reset();
    EXPECT_TRUE(dropped);
    auto c = co_await env.net.connect(Endpoint{host, (*l)->local().port}, seconds(5));
    CO_ASSERT_OK(c);
    co_await sleep_for(env.exec, milliseconds(20));
    EXPECT_FALSE(resumed);
    auto s = co_await with_timeout(env.exec, seconds(5), (*l)->accept());
    CO_ASSERT_OK(s);
  });
}

TEST_P(Contract, DestroyingTaskMidSleepNeverResumesIt) {
  fx().run([&](Env& env) -> Task<void> {
    bool resumed = false;
    bool dropped = false;
    auto scope = std::make_unique<Scope>(env.exec);
    scope->spawn([](Env& e, bool* res, bool* drop) -> Task<void> {
      DropFlag f{drop};
      co_await sleep_for(e.exec, milliseconds(30));
      *res = true;
    }(env, &resumed, &dropped));
    co_await sleep_for(env.exec, milliseconds(10));
    scope.reset();
    EXPECT_TRUE(dropped);
    co_await sleep_for(env.exec, milliseconds(60));
    EXPECT_FALSE(resumed);
  });
}

TEST_P(Contract, DestroyingAnUnstartedTaskRunsNothing) {
  fx().run([&](Env& env) -> Task<void> {
    bool resumed = false;
    auto sleeper = [](Env& e, bool* res) -> Task<void> {
      co_await sleep_for(e.exec, milliseconds(10));
      *res = true;
    };
    Task<void> never_started = sleeper(env, &resumed);
    never_started.reset();
    co_await sleep_for(env.exec, milliseconds(30));
    EXPECT_FALSE(resumed);
  });
}

TEST_P(Contract, ScopeCancelFromInsideAChild) {
  fx().run([&](Env& env) -> Task<void> {
    Scope scope(env.exec);
    bool a_dropped = false;
    bool a_finished = false;
    bool b_went_on = false;
    bool b_finished = false;
    scope.spawn([](Env& e, bool* drop, bool* done) -> Task<void> {
      DropFlag f{drop};
      co_await sleep_for(e.exec, seconds(5));
      *done = true;
    }(env, &a_dropped, &a_finished));
    scope.spawn([](Env& e, Scope* sc, bool* went_on, bool* done) -> Task<void> {
      co_await sleep_for(e.exec, milliseconds(10));
      sc->cancel();     // from inside: the frames go later, not under our feet
      *went_on = true;  // so this child keeps running until it next suspends
      co_await sleep_for(e.exec, milliseconds(10));
      *done = true;
    }(env, &scope, &b_went_on, &b_finished));
    co_await scope.join();
    EXPECT_TRUE(scope.cancelled());
    EXPECT_EQ(scope.size(), 0u);
    EXPECT_TRUE(a_dropped);
    EXPECT_FALSE(a_finished);
    EXPECT_TRUE(b_went_on);
    EXPECT_FALSE(b_finished);

    bool late_ran = false;
    scope.spawn([](bool* ran) -> Task<void> {
      *ran = true;
      co_return;
    }(&late_ran));
    co_await sleep_for(env.exec, milliseconds(10));
    EXPECT_FALSE(late_ran) << "a cancelled scope refuses new children";
  });
}

TEST_P(Contract, ScopeJoinWaitsForEveryChild) {
  fx().run([&](Env& env) -> Task<void> {
    Scope scope(env.exec);
    int done = 0;
    MonoTime start = env.clock.mono();
    for (int ms : {20, 10}) {
      scope.spawn([](Env& e, int wait_ms, int* n) -> Task<void> {
        co_await sleep_for(e.exec, milliseconds(wait_ms));
        ++*n;
      }(env, ms, &done));
    }
    co_await scope.join();
    EXPECT_EQ(done, 2);
    EXPECT_GE(env.clock.mono() - start, milliseconds(20));
    co_await scope.join();  // an empty scope joins at once
  });
}

// ---- disk ----

std::span<const char> bytes(std::string_view s) {
  return {s.data(), s.size()};
}

TEST_P(Contract, DiskRoundTrip) {
  const std::string root = fx().temp_dir();
  fx().run([&](Env& env) -> Task<void> {
    const std::string dir = root + "/a/b";
    auto mk = co_await env.disk.mkdirs(dir);
    CO_ASSERT_OK(mk);
    auto mk2 = co_await env.disk.mkdirs(dir);
    CO_ASSERT_OK(mk2);  // existing directories are fine

    auto f = co_await env.disk.open(dir + "/x", kOpenCreate);
    CO_ASSERT_OK(f);
    File& file = **f;
    auto w1 = co_await file.write_at(0, bytes("hello world"));
    CO_ASSERT_OK(w1);
    auto w2 = co_await file.write_at(6, bytes("WORLD"));
    CO_ASSERT_OK(w2);
    auto sz = file.size();
    CO_ASSERT_OK(sz);
    EXPECT_EQ(*sz, 11u);
    char buf[32];
    auto rd = co_await file.read_at(0, buf);
    CO_ASSERT_OK(rd);
    EXPECT_EQ(std::string_view(buf, *rd), "hello WORLD");
    auto past = co_await file.read_at(20, buf);
    CO_ASSERT_OK(past);
    EXPECT_EQ(*past, 0u);
    auto tr = co_await file.truncate(5);
    CO_ASSERT_OK(tr);
    EXPECT_EQ(file.size().value_or(99), 5u);
    auto sy = co_await file.sync();
    CO_ASSERT_OK(sy);
    file.close();
    auto closed = co_await file.write_at(0, bytes("z"));
    CO_ASSERT_TRUE(!closed.ok());
    EXPECT_EQ(closed.error(), Errc::kCancelled);

    auto mv = co_await env.disk.rename(dir + "/x", dir + "/y");
    CO_ASSERT_OK(mv);
    auto c = co_await env.disk.open(dir + "/c", kOpenCreate);
    CO_ASSERT_OK(c);
    (*c)->close();
    auto names = co_await env.disk.list(dir);
    CO_ASSERT_OK(names);
    EXPECT_EQ(*names, (std::vector<std::string>{"c", "y"}));
    auto parent = co_await env.disk.list(root + "/a");
    CO_ASSERT_OK(parent);
    EXPECT_EQ(*parent, (std::vector<std::string>{"b"}));
    auto sd = co_await env.disk.sync_dir(dir);
    CO_ASSERT_OK(sd);

    auto again = co_await env.disk.open(dir + "/y", kOpenRead);
    CO_ASSERT_OK(again);
    auto rd2 = co_await (*again)->read_at(0, buf);
    CO_ASSERT_OK(rd2);
    EXPECT_EQ(std::string_view(buf, *rd2), "hello");
    (*again)->close();

    auto trunc = co_await env.disk.open(dir + "/y", kOpenCreate | kOpenTruncate);
    CO_ASSERT_OK(trunc);
    EXPECT_EQ((*trunc)->size().value_or(99), 0u);
    (*trunc)->close();

    auto rm = co_await env.disk.remove(dir + "/y");
    CO_ASSERT_OK(rm);
    auto after = co_await env.disk.list(dir);
    CO_ASSERT_OK(after);
    EXPECT_EQ(*after, (std::vector<std::string>{"c"}));
  });
}

// File calls may complete off the loop (the real runtime runs them on a helper thread), yet a call issued
// after a write completed sees it, and a call whose Task is destroyed midway (it may or may not take effect)
// leaves nothing dangling: the caller's buffers are gone at once here, and the File stays usable.
TEST_P(Contract, DiskCallsSeeEarlierWritesAndSurviveCancellation) {
  const std::string root = fx().temp_dir();
  fx().run([&](Env& env) -> Task<void> {
    auto f = co_await env.disk.open(root + "/f", kOpenCreate);
    CO_ASSERT_OK(f);
    File& file = **f;
    std::string expect;
    for (int i = 0; i < 64; ++i) {
      std::string chunk = std::to_string(i) + ",";
      auto w = co_await file.write_at(expect.size(), bytes(chunk));
      CO_ASSERT_OK(w);
      expect += chunk;
      chunk.assign(chunk.size(), '#');  // the runtime must not read the caller's buffer after the write
    }
    std::string got(expect.size() + 8, '\0');
    auto rd = co_await file.read_at(0, std::span<char>(got.data(), got.size()));
    CO_ASSERT_OK(rd);
    EXPECT_EQ(got.substr(0, *rd), expect);

    const uint64_t tail = expect.size();
    for (int i = 0; i < 8; ++i) {
      {
        std::string big(256 * 1024, static_cast<char>('a' + i));
        auto w = co_await with_timeout(env.exec, microseconds(1), file.write_at(tail, bytes(big)));
        (void)w;  // done or cancelled: both are allowed
      }
      {
        std::vector<char> scratch(256 * 1024);
        auto r = co_await with_timeout(env.exec, microseconds(1), file.read_at(0, scratch));
        (void)r;
      }
      auto s = co_await with_timeout(env.exec, microseconds(1), file.sync());
      (void)s;
    }
    // Usable afterwards; the head is untouched and a completed write is seen by the next read.
    auto w = co_await file.write_at(tail, bytes("end"));
    CO_ASSERT_OK(w);
    auto sy = co_await file.sync();
    CO_ASSERT_OK(sy);
    std::string again(tail + 3, '\0');
    auto rd2 = co_await file.read_at(0, std::span<char>(again.data(), again.size()));
    CO_ASSERT_OK(rd2);
    EXPECT_EQ(again.substr(0, *rd2), expect + "end");
    file.close();
  });
}

TEST_P(Contract, DiskMissingAndExistingFiles) {
  const std::string root = fx().temp_dir();
  fx().run([&](Env& env) -> Task<void> {
    auto missing = co_await env.disk.open(root + "/missing", kOpenRead);
    CO_ASSERT_TRUE(!missing.ok());
    EXPECT_EQ(missing.error(), Errc::kNotFound);
    auto rm = co_await env.disk.remove(root + "/missing");
    CO_ASSERT_TRUE(!rm.ok());
    EXPECT_EQ(rm.error(), Errc::kNotFound);
    auto ls = co_await env.disk.list(root + "/nope");
    CO_ASSERT_TRUE(!ls.ok());
    EXPECT_EQ(ls.error(), Errc::kNotFound);
    auto mv = co_await env.disk.rename(root + "/missing", root + "/other");
    CO_ASSERT_TRUE(!mv.ok());
    EXPECT_EQ(mv.error(), Errc::kNotFound);

    auto f = co_await env.disk.open(root + "/x", kOpenCreate | kOpenExclusive);
    CO_ASSERT_OK(f);
    (*f)->close();
    auto twice = co_await env.disk.open(root + "/x", kOpenCreate | kOpenExclusive);
    CO_ASSERT_TRUE(!twice.ok());
    EXPECT_EQ(twice.error(), Errc::kExists);
    auto reopen = co_await env.disk.open(root + "/x", kOpenCreate);
    CO_ASSERT_OK(reopen);
    (*reopen)->close();
  });
}

}  // namespace
}  // namespace codis::rt::test
