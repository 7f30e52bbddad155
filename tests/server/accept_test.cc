// The accept loop at the descriptor limit, on a simulated process whose limit the simulator enforces
// (sim::Network::set_fd_limit): accept() fails with kIoError while the limit is reached, and the server must
// keep listening, so a connection waiting in the backlog is served as soon as a client leaves.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "rt/combinators.h"
#include "rt/sleep.h"
#include "server/server.h"
#include "tests/sim/harness.h"

namespace codis::server::testing {
namespace {

using rt::Task;

// Reads until a whole "+PONG\r\n" (the network may split it) or until `wait` passes; what came.
Task<std::string> pong(rt::Env& env, rt::Stream& s, rt::Duration wait) {
  std::string got;
  const rt::MonoTime end = env.clock.mono() + wait;
  while (got.size() < 7 && env.clock.mono() < end) {
    std::string buf(64, '\0');
    auto r = co_await rt::with_timeout(env.exec, end - env.clock.mono(),
                                       s.read(std::span<char>(buf.data(), buf.size())));
    if (!r.ok() || *r == 0) {
      break;
    }
    got.append(buf.data(), *r);
  }
  co_return got;
}

Task<std::string> ping(rt::Env& env, rt::Stream& s, rt::Duration wait) {
  auto w = co_await rt::write_all(s, "PING\r\n");
  if (!w.ok()) {
    co_return "<write failed>";
  }
  co_return co_await pong(env, s, wait);
}

TEST(ServerAccept, AtTheDescriptorLimitTheServerKeepsListeningAndServesTheWaitingClient) {
  std::unique_ptr<Server> server;  // outlives the world, whose destruction ends the server's tasks
  sim::testing::Harness h;
  Config config;
  config.bind = "0.0.0.0";
  config.port = 7000;
  auto& sp = h.spawn(
      [&server, config](rt::Env& env) -> Task<void> {
        server = std::make_unique<Server>(env, config);
        co_await server->run();
      },
      nullptr, "server");
  h.w.net().set_fd_limit(sp, 3);  // the listener and two clients

  std::string first, second, waiting_before, waiting_after;
  ASSERT_TRUE(h.run([&](rt::Env& env) -> Task<void> {
    co_await rt::sleep_for(env.exec, rt::milliseconds(10));  // the server is listening by then
    const rt::Endpoint at("h1", 7000);
    auto a = co_await env.net.connect(at, rt::seconds(1));
    auto b = co_await env.net.connect(at, rt::seconds(1));
    auto c = co_await env.net.connect(at, rt::seconds(1));  // queued: the server cannot accept it yet
    if (!a.ok() || !b.ok() || !c.ok()) {
      ADD_FAILURE() << "connect failed";
      co_return;
    }
    first = co_await ping(env, **a, rt::seconds(1));
    second = co_await ping(env, **b, rt::seconds(1));
    waiting_before = co_await ping(env, **c, rt::milliseconds(500));
    (*a)->close();  // frees a descriptor on the server once it sees the end of stream
    waiting_after = co_await pong(env, **c, rt::seconds(1));  // the PING sent above, answered now
  }));
  EXPECT_EQ(first, "+PONG\r\n");
  EXPECT_EQ(second, "+PONG\r\n");
  EXPECT_EQ(waiting_before, "");
  EXPECT_EQ(waiting_after, "+PONG\r\n");
  EXPECT_TRUE(sp.alive());
}

}  // namespace
}  // namespace codis::server::testing
