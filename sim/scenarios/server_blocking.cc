// server_blocking: pushers RPUSH uniquely named elements onto two lists while consumers BLPOP them with short
// timeouts (and sometimes LPOP). Invariants, per server life: a popped element was pushed to that list and
// is delivered to exactly one client once; a BLPOP times out only after its timeout has passed and never
// while its list held an element the whole time; clients blocked on a list are served in the order they
// blocked (the checker sees, through the white-box server, when each consumer's BLPOP was registered); at
// the end every acknowledged element was delivered, is still in its list, or was lost with a pop whose
// reply never came (Redis loses an element popped for a client whose connection then fails).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rt/sleep.h"
#include "sim/scenarios/server_scenarios.h"
#include "sim/workloads/server_proc.h"

namespace codis::sim {

namespace {

using rt::MonoTime;
using rt::Task;

constexpr int kPushers = 2;
constexpr int kConsumers = 3;
constexpr int kLists = 2;
constexpr int kOpsAfterHeal = 20;

struct Element {
  int list = 0;
  uint64_t life = 0;
  bool acked = false;
  MonoTime acked_at{};
  bool delivered = false;
};

// A consumer's outstanding BLPOP, as the checker sees it.
struct Waiting {
  bool active = false;
  int list = 0;
  rt::Endpoint conn;
  MonoTime last_unblocked{};  // the last poll before it was first seen blocked
  bool seen_blocked = false;
  MonoTime first_blocked{};
};

struct Timeout {
  uint64_t life;
  MonoTime sent, received;
};

class BlockingScenario final : public ServerScenario {
 public:
  explicit BlockingScenario(const ScenarioOptions&) {
    for (int i = 0; i < kPushers; ++i) {
      add_worker("pusher" + std::to_string(i));
    }
    for (int i = 0; i < kConsumers; ++i) {
      add_worker("consumer" + std::to_string(i));
    }
    after_.assign(kConsumers, 0);
    waiting_.resize(kConsumers);
  }

  void setup(World& w) override {
    add_server(w, slot);
    for (int i = 0; i < kPushers; ++i) {
      Host& h = w.add_host("pusher" + std::to_string(i));
      w.add_process(h, "pusher" + std::to_string(i), [this, i](rt::Env& env) {
         return pusher(env, i);
       }).start();
    }
    for (int i = 0; i < kConsumers; ++i) {
      Host& h = w.add_host("consumer" + std::to_string(i));
      w.add_process(h, "consumer" + std::to_string(i), [this, i](rt::Env& env) {
         return consumer(env, i);
       }).start();
    }
  }

  void final_check(World&) override {
    if (slot.server == nullptr) {
      return;
    }
    const uint64_t life = slot.life();
    std::map<int, int64_t> missing;
    std::set<std::string> present;
    for (int l = 0; l < kLists; ++l) {
      const auto* e = slot.server->db(0).peek("q" + std::to_string(l), slot.server->now_ms());
      if (e != nullptr) {
        for (const auto& s : e->value.list_value()) {
          present.insert(s);
        }
      }
    }
    for (const auto& [name, el] : elements_) {
      if (el.life == life && el.acked && !el.delivered && present.count(name) == 0) {
        ++missing[el.list];
      }
    }
    for (const auto& [l, n] : missing) {
      const int64_t lost_pops = unknown_pops_[{life, l}];
      if (n > lost_pops) {
        violation("q" + std::to_string(l) + ": " + std::to_string(n) +
                  " acknowledged elements were never delivered and are gone, but only " +
                  std::to_string(lost_pops) + " pops had an unknown outcome");
      }
    }
  }

 private:
  bool consumers_done() const {
    for (int a : after_) {
      if (a < kOpsAfterHeal) {
        return false;
      }
    }
    return true;
  }

  Task<void> pusher(rt::Env& env, int id) {
    for (;;) {
      if (healed() && consumers_done()) {
        done(id);
        co_return;
      }
      auto cli = co_await connect_server(env);
      if (!cli) {
        continue;
      }
      while (!(healed() && consumers_done())) {
        const int l = static_cast<int>(env.random.uniform(0, kLists - 1));
        const int n = static_cast<int>(env.random.uniform(1, 3));
        const uint64_t life = slot.life();
        std::vector<std::string> args = {"RPUSH", "q" + std::to_string(l)};
        for (int i = 0; i < n; ++i) {
          std::string name = "e" + std::to_string(id) + ":" + std::to_string(next_[id]++);
          elements_[name] = Element{l, life, false, {}, false};
          args.push_back(std::move(name));
        }
        auto r = co_await cli->call(env, args, rt::seconds(2));
        if (!r.ok()) {
          break;
        }
        if (r->kind != resp::Kind::kInteger) {
          violation("pusher" + std::to_string(id) + ": RPUSH answered " + describe(*r));
        } else if (slot.life() == life) {
          for (size_t i = 2; i < args.size(); ++i) {
            elements_[args[i]].acked = true;
            elements_[args[i]].acked_at = env.clock.mono();
          }
        }
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(0, 150)));
      }
      cli->close();
    }
  }

  // A delivered element: it exists, went to its list, is delivered once, and was not sitting in its list
  // for the whole of an earlier BLPOP that timed out.
  void delivered(const std::string& who, int l, const std::string& name, MonoTime pop_sent) {
    auto it = elements_.find(name);
    if (it == elements_.end() || it->second.list != l) {
      violation(who + ": popped " + name + " from q" + std::to_string(l) + ", which was never pushed there");
      return;
    }
    Element& el = it->second;
    if (el.delivered) {
      violation(who + ": " + name + " was delivered twice");
      return;
    }
    el.delivered = true;
    if (!el.acked) {
      return;
    }
    for (const Timeout& t : timeouts_[l]) {
      if (t.life == el.life && t.sent > el.acked_at && t.received < pop_sent) {
        violation("a BLPOP on q" + std::to_string(l) + " timed out although " + name +
                  " was in the list all the time");
        return;
      }
    }
  }

  // Whether the server has consumer j's connection blocked (its outstanding BLPOP registered).
  bool blocked_now(const Waiting& w) {
    server::Client* c = slot.server == nullptr ? nullptr : find_client(*slot.server, w.conn);
    return c != nullptr && c->block.active;
  }

  // Served after blocking: no consumer that blocked earlier on the same list may still be waiting.
  void check_fifo(int id) {
    const Waiting& me = waiting_[static_cast<size_t>(id)];
    if (!me.seen_blocked) {
      return;  // served without blocking (or too fast to see): nothing to compare
    }
    for (int j = 0; j < kConsumers; ++j) {
      const Waiting& o = waiting_[static_cast<size_t>(j)];
      if (j == id || !o.active || o.list != me.list || !o.seen_blocked) {
        continue;
      }
      if (o.first_blocked <= me.last_unblocked && blocked_now(o)) {
        violation("consumer" + std::to_string(id) + " was served from q" + std::to_string(me.list) +
                  " while consumer" + std::to_string(j) + ", blocked on it earlier, still waits");
      }
    }
  }

  // One BLPOP (or LPOP); false when the connection broke.
  Task<bool> pop(rt::Env& env, int id, RespClient& cli) {
    const std::string who = "consumer" + std::to_string(id);
    const int l = static_cast<int>(env.random.uniform(0, kLists - 1));
    const std::string key = "q" + std::to_string(l);
    const uint64_t life = slot.life();
    const bool blocking = env.random.chance(0.85);
    const int64_t timeout_ms = env.random.uniform(1, 20) * 50;
    Waiting& me = waiting_[static_cast<size_t>(id)];
    me = Waiting{true, l, cli.local(), {}, false, {}};
    const MonoTime sent = env.clock.mono();
    me.last_unblocked = sent;
    if (blocking) {
      cli.queue({"BLPOP", key,
                 std::to_string(timeout_ms / 1000) + "." + std::to_string(timeout_ms % 1000 / 100) +
                     std::to_string(timeout_ms % 100 / 10) + std::to_string(timeout_ms % 10)});
    } else {
      cli.queue({"LPOP", key});
    }
    // A pop counts as unknown from before it is sent until its reply settles it (the consumer may crash).
    ++unknown_pops_[{life, l}];
    if (!(co_await cli.flush()).ok()) {
      me.active = false;
      co_return false;
    }
    // Wait for the reply, watching (every 2 ms) when the server registers the block.
    const MonoTime give_up = sent + rt::milliseconds(timeout_ms) + rt::seconds(3);
    rt::Result<resp::Value> r = rt::Errc::kTimeout;
    for (;;) {
      r = co_await cli.read(env, rt::milliseconds(2));
      if (r.ok() || r.error() != rt::Errc::kTimeout || env.clock.mono() >= give_up) {
        break;
      }
      if (!me.seen_blocked) {
        if (blocked_now(me)) {
          me.seen_blocked = true;
          me.first_blocked = env.clock.mono();
        } else {
          me.last_unblocked = env.clock.mono();
        }
      }
    }
    const MonoTime received = env.clock.mono();
    if (!r.ok()) {
      me.active = false;
      co_return false;
    }
    --unknown_pops_[{life, l}];
    const resp::Value& v = *r;
    if (v.is_null()) {
      if (blocking && slot.life() == life) {
        const auto range = slot.clock.range(sent, received);
        const int64_t mono_ms = std::chrono::duration_cast<rt::milliseconds>(received - sent).count();
        const bool wall_jumped = range.any && range.max_ms - range.min_ms > mono_ms + 5;
        if (!wall_jumped && mono_ms + 2 < timeout_ms) {
          violation(who + ": BLPOP " + key + " with a " + std::to_string(timeout_ms) +
                    " ms timeout answered nil after " + std::to_string(mono_ms) + " ms");
        }
        timeouts_[l].push_back(Timeout{life, sent, received});
      }
    } else if (blocking && v.kind == resp::Kind::kArray && v.elems.size() == 2 && v.elems[0].str == key) {
      check_fifo(id);
      delivered(who, l, v.elems[1].str, sent);
    } else if (!blocking && v.kind == resp::Kind::kBulkString) {
      delivered(who, l, v.str, sent);
    } else {
      violation(who + ": " + (blocking ? "BLPOP " : "LPOP ") + key + " answered " + describe(v));
    }
    me.active = false;
    co_return true;
  }

  Task<void> consumer(rt::Env& env, int id) {
    int& after = after_[static_cast<size_t>(id)];
    for (;;) {
      if (healed() && after >= kOpsAfterHeal) {
        done(kPushers + id);
        co_return;
      }
      auto cli = co_await connect_server(env);
      if (!cli) {
        continue;
      }
      for (int op = 0; op < 50 && !(healed() && after >= kOpsAfterHeal); ++op) {
        if (!co_await pop(env, id, *cli)) {
          break;
        }
        if (healed()) {
          ++after;
          progress(kPushers + id,
                   std::to_string(after) + "/" + std::to_string(kOpsAfterHeal) + " pops since heal");
        }
      }
      cli->close();
    }
  }

  std::map<std::string, Element> elements_;
  std::map<int, int> next_;
  std::map<std::pair<uint64_t, int>, int64_t> unknown_pops_;  // (life, list) -> pops with no reply
  std::map<int, std::vector<Timeout>> timeouts_;
  std::vector<Waiting> waiting_;
  std::vector<int> after_;
};

}  // namespace

std::unique_ptr<Scenario> make_server_blocking_scenario(const ScenarioOptions& o) {
  return std::make_unique<BlockingScenario>(o);
}

}  // namespace codis::sim
