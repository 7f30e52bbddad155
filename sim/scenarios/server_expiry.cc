// server_expiry: clients SET keys with an absolute deadline (PXAT, taken from the server host's clock plus
// 10..400 ms) and read them back every few ms until they are gone, while the server host's wall clock
// drifts and jumps forward and back (this scenario steps it itself, on top of the fault plan's skew).
// Redis semantics: a key expires when the server's wall clock passes its deadline, so the checker judges by
// every wall-clock reading the server made (the white-box clock log): a GET may return the value only if
// some reading during it was at or before the deadline, and may return nil only if some reading since the
// SET was past it.
#include <string>
#include <vector>

#include "rt/sleep.h"
#include "sim/scenarios/server_scenarios.h"
#include "sim/workloads/server_proc.h"

namespace codis::sim {

namespace {

using rt::MonoTime;
using rt::Task;

constexpr int kClients = 2;
constexpr int kKeysAfterHeal = 8;

class ExpiryScenario final : public ServerScenario {
 public:
  explicit ExpiryScenario(const ScenarioOptions&) {
    for (int i = 0; i < kClients; ++i) {
      add_worker("client" + std::to_string(i));
    }
    after_.assign(kClients, 0);
  }

  void setup(World& w) override {
    rt::Random r = w.stream("expiry-config");
    const int64_t hz = r.chance(0.5) ? 10 : r.uniform(1, 100);
    add_server(w, slot, [hz](server::Config& c) { c.hz = hz; });
    for (int i = 0; i < kClients; ++i) {
      Host& h = w.add_host("client" + std::to_string(i));
      w.add_process(h, "client" + std::to_string(i), [this, i](rt::Env& env) {
         return client(env, i);
       }).start();
    }
    // Wall-clock steps of the server host within the first 5 s (every chaos phase lasts at least that):
    // forward and back, small and large.
    rt::Random jr = w.stream("expiry-clock-steps");
    const int steps = static_cast<int>(jr.uniform(0, 6));
    Host* server_host = &slot.proc->host();
    for (int i = 0; i < steps; ++i) {
      const MonoTime at = w.now() + rt::milliseconds(jr.uniform(100, 5000));
      const int64_t ms = jr.chance(0.5) ? jr.uniform_i64(-50, 50) : jr.uniform_i64(-3000, 3000);
      w.sched().schedule(at, 0, EventKind::kFault,
                         [server_host, ms] { server_host->skew.offset_ns += ms * 1'000'000; });
    }
  }

 private:
  // One key's life: set it, read it until it is gone. False when the connection broke.
  Task<bool> one_key(rt::Env& env, int id, RespClient& cli, int n) {
    const std::string who = "client" + std::to_string(id);
    const std::string key = "x" + std::to_string(id) + ":" + std::to_string(n);
    const uint64_t life = slot.life();
    if (!slot.proc->alive()) {
      co_await rt::sleep_for(env.exec, rt::milliseconds(50));
      co_return true;
    }
    // The deadline on the server's clock (read without adding to its log: this is not the server reading).
    const int64_t deadline = rt::unix_ms(slot.proc->wall()) + env.random.uniform(10, 400);
    const MonoTime set_sent = env.clock.mono();
    std::vector<std::string> set = {"SET", key, "v", "PXAT", std::to_string(deadline)};
    auto s = co_await cli.call(env, std::move(set), rt::seconds(2));
    if (!s.ok()) {
      co_return false;  // the key is not read again: whether it was set is unknown
    }
    if (s->kind != resp::Kind::kSimpleString || s->str != "OK") {
      violation(who + ": SET PXAT answered " + describe(*s));
      co_return true;
    }
    for (;;) {
      co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(1, 30)));
      const MonoTime sent = env.clock.mono();
      std::vector<std::string> cmd1 = {"GET", key};
      auto g = co_await cli.call(env, std::move(cmd1), rt::seconds(2));
      if (!g.ok()) {
        co_return false;
      }
      const MonoTime received = env.clock.mono();
      if (slot.life() != life) {
        co_return true;  // the server restarted: the key is gone with its data
      }
      if (g->kind == resp::Kind::kBulkString) {
        const auto r = slot.clock.range(sent, received);
        if (r.any && r.min_ms > deadline) {
          violation(who + ": " + key +
                    " still readable although every server clock reading during the GET (" +
                    std::to_string(r.min_ms - deadline) + " ms and more) was past its deadline");
        }
        if (slot.clock.range(set_sent, received).max_ms > deadline + 60'000) {
          co_return true;  // far past its deadline by the server's clock, yet still there: violation above
        }
        if (healed() && r.any && r.max_ms + 1000 < deadline) {
          // Set before heal, and the server's clock was stepped back since: the key rightly lives as long as
          // the steps add up (minutes), longer than convergence may take. Stop waiting for it.
          co_return true;
        }
        continue;
      }
      if (!g->is_null()) {
        violation(who + ": GET answered " + describe(*g));
        co_return true;
      }
      const auto r = slot.clock.range(set_sent, received);
      if (!r.any || r.max_ms < deadline) {
        violation(who + ": " + key +
                  " gone although the server's clock never passed its deadline (latest reading " +
                  std::to_string(deadline - r.max_ms) + " ms before it)");
      }
      co_return true;
    }
  }

  Task<void> client(rt::Env& env, int id) {
    int& after = after_[static_cast<size_t>(id)];
    for (;;) {
      if (healed() && after >= kKeysAfterHeal) {
        done(id);
        co_return;
      }
      auto cli = co_await connect_server(env);
      if (!cli) {
        continue;
      }
      while (!(healed() && after >= kKeysAfterHeal)) {
        if (!co_await one_key(env, id, *cli, next_[id]++)) {
          break;
        }
        if (healed()) {
          ++after;
          progress(id, std::to_string(after) + "/" + std::to_string(kKeysAfterHeal) + " keys since heal");
        }
      }
      cli->close();
    }
  }

  std::vector<int> after_;
  std::map<int, int> next_;
};

}  // namespace

std::unique_ptr<Scenario> make_server_expiry_scenario(const ScenarioOptions& o) {
  return std::make_unique<ExpiryScenario>(o);
}

}  // namespace codis::sim
