// server_tx: clients increment shared counters three ways: optimistic WATCH/GET/MULTI/SET v+1/EXEC (retried
// by the caller when EXEC aborts), plain INCR, and MULTI/INCR/INCR/EXEC. Every successful increment claims
// the value it wrote; invariants, per counter and server life: no value is claimed twice (an EXEC succeeded
// although its watched key was written since WATCH, or an increment was lost), a counter never reads below
// a value already claimed, MULTI's two INCRs are consecutive, and at the end the counter lies between the
// number of claims and that plus the increments whose outcome is unknown.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rt/sleep.h"
#include "sim/scenarios/server_scenarios.h"
#include "sim/workloads/server_proc.h"

namespace codis::sim {

namespace {

using rt::Task;

constexpr int kClients = 3;
constexpr int kCounters = 2;
constexpr int kOpsAfterHeal = 25;

struct Counter {
  std::set<int64_t> claimed;  // values written by acknowledged increments
  int64_t unknown = 0;        // increments sent whose outcome is unknown
};

class TxScenario final : public ServerScenario {
 public:
  explicit TxScenario(const ScenarioOptions&) {
    for (int i = 0; i < kClients; ++i) {
      add_worker("client" + std::to_string(i));
    }
    ops_after_heal_.assign(kClients, 0);
  }

  void setup(World& w) override {
    add_server(w, slot);
    for (int i = 0; i < kClients; ++i) {
      Host& h = w.add_host("client" + std::to_string(i));
      w.add_process(h, "client" + std::to_string(i), [this, i](rt::Env& env) {
         return client(env, i);
       }).start();
    }
  }

  void final_check(World&) override {
    if (slot.server == nullptr) {
      return;
    }
    const uint64_t life = slot.life();
    for (int k = 0; k < kCounters; ++k) {
      const std::string key = "cnt" + std::to_string(k);
      const Counter& c = counters_[{life, k}];
      const auto* e = slot.server->db(0).peek(key, slot.server->now_ms());
      const int64_t v = e == nullptr ? 0 : std::stoll(std::string(e->value.str()));
      const auto claims = static_cast<int64_t>(c.claimed.size());
      if (v < claims || v > claims + c.unknown) {
        violation(key + " is " + std::to_string(v) + " at the end, but " + std::to_string(claims) +
                  " increments were acknowledged and " + std::to_string(c.unknown) + " are unknown");
      }
    }
  }

 private:
  // Records an acknowledged increment that wrote `v`.
  void claim(uint64_t life, int k, int64_t v, const std::string& how) {
    Counter& c = counters_[{life, k}];
    if (!c.claimed.insert(v).second) {
      violation("cnt" + std::to_string(k) + ": value " + std::to_string(v) + " written twice (" + how +
                "): an increment was lost");
    }
  }

  int64_t max_claimed(uint64_t life, int k) {
    const Counter& c = counters_[{life, k}];
    return c.claimed.empty() ? 0 : *c.claimed.rbegin();
  }

  static bool is_ok(const resp::Value& v) { return v.kind == resp::Kind::kSimpleString && v.str == "OK"; }

  // One operation; false when the connection broke (then the outcome of a sent increment is unknown).
  Task<bool> one_op(rt::Env& env, int id, RespClient& cli) {
    const std::string who = "client" + std::to_string(id);
    const int k = static_cast<int>(env.random.uniform(0, kCounters - 1));
    const std::string key = "cnt" + std::to_string(k);
    const uint64_t life = slot.life();
    const int mode = static_cast<int>(env.random.uniform(0, 9));
    const rt::Duration t = rt::seconds(2);
    // Increments count as unknown from before they are sent until their reply settles them (the client
    // process may crash in between).
    auto unknown = [&](int n) { counters_[{life, k}].unknown += n; };
    auto settled = [&](int n) { counters_[{life, k}].unknown -= n; };
    if (mode < 6) {
      // Optimistic: WATCH, read, write v+1 in MULTI/EXEC.
      std::vector<std::string> cmd1 = {"WATCH", key};
      auto w = co_await cli.call(env, std::move(cmd1), t);
      if (!w.ok()) {
        co_return false;
      }
      const int64_t floor = max_claimed(life, k);
      std::vector<std::string> cmd2 = {"GET", key};
      auto g = co_await cli.call(env, std::move(cmd2), t);
      if (!g.ok()) {
        co_return false;
      }
      if (!is_ok(*w) || !(g->is_null() || g->kind == resp::Kind::kBulkString)) {
        violation(who + ": WATCH/GET answered " + describe(*w) + " / " + describe(*g));
        co_return false;
      }
      const int64_t v = g->is_null() ? 0 : std::stoll(g->str);
      if (slot.life() == life && v < floor) {
        violation(who + ": " + key + " read " + std::to_string(v) + " after " + std::to_string(floor) +
                  " was acknowledged");
      }
      if (env.random.chance(0.5)) {
        co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 3000)));  // a wider race
      }
      std::vector<std::string> cmd3 = {"MULTI"};
      auto m = co_await cli.call(env, std::move(cmd3), t);
      if (!m.ok()) {
        co_return false;
      }
      std::vector<std::string> cmd4 = {"SET", key, std::to_string(v + 1)};
      auto s = co_await cli.call(env, std::move(cmd4), t);
      if (!s.ok()) {
        co_return false;
      }
      std::vector<std::string> cmd5 = {"EXEC"};
      unknown(1);
      auto x = co_await cli.call(env, std::move(cmd5), t);
      if (!x.ok()) {
        co_return false;
      }
      settled(1);
      if (!is_ok(*m) || s->str != "QUEUED") {
        violation(who + ": MULTI/SET answered " + describe(*m) + " / " + describe(*s));
      } else if (x->is_null()) {
        // Aborted: someone wrote the key since WATCH (or the server restarted in between).
      } else if (x->kind == resp::Kind::kArray && x->elems.size() == 1 && is_ok(x->elems[0])) {
        if (slot.life() == life) {
          claim(life, k, v + 1, "WATCH/MULTI/EXEC by " + who);
        }
      } else {
        violation(who + ": EXEC answered " + describe(*x));
      }
      co_return true;
    }
    if (mode < 8) {
      std::vector<std::string> cmd6 = {"INCR", key};
      unknown(1);
      auto r = co_await cli.call(env, std::move(cmd6), t);
      if (!r.ok()) {
        co_return false;
      }
      settled(1);
      if (r->kind != resp::Kind::kInteger) {
        violation(who + ": INCR answered " + describe(*r));
      } else if (slot.life() == life) {
        claim(life, k, r->num, "INCR by " + who);
      }
      co_return true;
    }
    // MULTI with two INCRs, pipelined.
    cli.queue({"MULTI"});
    cli.queue({"INCR", key});
    cli.queue({"INCR", key});
    cli.queue({"EXEC"});
    unknown(2);
    if (!(co_await cli.flush()).ok()) {
      co_return false;
    }
    std::vector<resp::Value> replies;
    for (int i = 0; i < 4; ++i) {
      auto r = co_await cli.read(env, t);
      if (!r.ok()) {
        co_return false;
      }
      replies.push_back(std::move(*r));
    }
    settled(2);
    const resp::Value& x = replies[3];
    if (x.kind != resp::Kind::kArray || x.elems.size() != 2 || x.elems[0].kind != resp::Kind::kInteger ||
        x.elems[1].num != x.elems[0].num + 1) {
      violation(who + ": MULTI/INCR/INCR/EXEC answered " + describe(x));
    } else if (slot.life() == life) {
      claim(life, k, x.elems[0].num, "MULTI/INCR by " + who);
      claim(life, k, x.elems[1].num, "MULTI/INCR by " + who);
    }
    co_return true;
  }

  Task<void> client(rt::Env& env, int id) {
    int& after = ops_after_heal_[static_cast<size_t>(id)];
    for (;;) {
      if (healed() && after >= kOpsAfterHeal) {
        done(id);
        co_return;
      }
      auto cli = co_await connect_server(env);
      if (!cli) {
        continue;
      }
      for (int op = 0; op < 100 && !(healed() && after >= kOpsAfterHeal); ++op) {
        if (!co_await one_op(env, id, *cli)) {
          break;
        }
        if (healed()) {
          ++after;
          progress(id,
                   std::to_string(after) + "/" + std::to_string(kOpsAfterHeal) + " operations since heal");
        }
        co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 2000)));
      }
      cli->close();
    }
  }

  std::map<std::pair<uint64_t, int>, Counter> counters_;  // (server life, counter)
  std::vector<int> ops_after_heal_;
};

}  // namespace

std::unique_ptr<Scenario> make_server_tx_scenario(const ScenarioOptions& o) {
  return std::make_unique<TxScenario>(o);
}

}  // namespace codis::sim
