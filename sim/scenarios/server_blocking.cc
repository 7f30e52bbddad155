// server_blocking: pushers RPUSH uniquely named elements onto three lists and ZADD uniquely named members
// to two sorted sets, while consumers pop them with short timeouts: BLPOP over one to three keys (the move
// destination among them), LPOP, BLMOVE/BRPOPLPUSH from a list to the destination list, BZPOPMIN/BZPOPMAX
// over one or two sets. Invariants, per server life:
// - a popped element was pushed (or moved) to the key it came from and is delivered to one client once; a
//   moved element leaves its list once and appears in the destination (BlockingHistory);
// - a blocking pop times out only after its timeout has passed and never while one of its keys held an
//   element the whole time; a multi-key pop is served from the first non-empty key in argument order; a
//   BZPOPMIN (MAX) never skips a lower (higher) member that was there all along (claims, judged at the end);
// - clients blocked on a key are served in the order they blocked (the checker sees, through the white-box
//   server, when each consumer's pop was registered), and no client stays blocked on a key that could
//   serve it (a push or a move into it wakes its waiters);
// - at the end every acknowledged element was delivered, is still in its key, or was lost with a pop whose
//   reply never came (Redis loses an element popped for a client whose connection then fails).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rt/sleep.h"
#include "server/object.h"
#include "sim/scenarios/blocking_history.h"
#include "sim/scenarios/server_scenarios.h"
#include "sim/workloads/server_proc.h"

namespace codis::sim {

namespace {

using rt::MonoTime;
using rt::Task;
using Claim = BlockingHistory::Claim;

constexpr int kPushers = 2;
constexpr int kConsumers = 3;
constexpr int kOpsAfterHeal = 20;
// Keys: the lists pushers fill, the list moves fill, the sorted sets.
constexpr int kLists = 3;
constexpr int kDest = kLists;
constexpr int kZSets = 2;
constexpr int kFirstZSet = kDest + 1;
constexpr int kKeys = kFirstZSet + kZSets;

std::vector<std::string> key_names() {
  std::vector<std::string> k;
  for (int i = 0; i < kLists; ++i) {
    k.push_back("q" + std::to_string(i));
  }
  k.push_back("d");
  for (int i = 0; i < kZSets; ++i) {
    k.push_back("z" + std::to_string(i));
  }
  return k;
}

// A consumer's outstanding pop, as the checker sees it.
struct Waiting {
  bool active = false;
  std::vector<int> keys;
  rt::Endpoint conn;
  MonoTime last_unblocked{};  // the last poll before it was first seen blocked
  bool seen_blocked = false;
  MonoTime first_blocked{};
};

// One pop a consumer sends: the command, the keys it may be served from, where a move puts its element.
struct PopCmd {
  enum Kind { kBlpop, kLpop, kMove, kZpop } kind;
  std::vector<int> keys;
  int move_to = -1;
  bool max = false;
  bool blocking = true;
  std::vector<std::string> args;
};

// The timeout argument as Redis reads it: seconds with three decimals.
std::string seconds_arg(int64_t ms) {
  std::string frac = std::to_string(1000 + ms % 1000).substr(1);
  return std::to_string(ms / 1000) + "." + frac;
}

class BlockingScenario final : public ServerScenario {
 public:
  explicit BlockingScenario(const ScenarioOptions&)
      : history_(key_names(), [this](std::string v) { violation(std::move(v)); }) {
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
    std::map<int, std::vector<std::string>> present;
    for (int k = 0; k < kKeys; ++k) {
      const auto* e = slot.server->db(0).peek(history_.key(k), slot.server->now_ms());
      if (e == nullptr) {
        continue;
      }
      auto& names = present[k];
      if (e->value.type() == server::ObjType::kList) {
        for (const auto& s : e->value.list_value()) {
          names.push_back(s);
        }
      } else if (e->value.type() == server::ObjType::kZSet) {
        e->value.zset_value().for_each([&](std::string_view m, double) { names.emplace_back(m); });
      }
    }
    history_.finish(slot.life(), present);
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
        const bool zset = env.random.chance(0.4);
        const int k = zset ? kFirstZSet + static_cast<int>(env.random.uniform(0, kZSets - 1))
                           : static_cast<int>(env.random.uniform(0, kLists - 1));
        const int n = static_cast<int>(env.random.uniform(1, 3));
        const uint64_t life = slot.life();
        std::vector<std::string> args = {zset ? "ZADD" : "RPUSH", history_.key(k)};
        std::vector<std::string> names;
        for (int i = 0; i < n; ++i) {
          std::string name = "e" + std::to_string(id) + ":" + std::to_string(next_[id]++);
          const auto score = static_cast<double>(env.random.uniform(0, 20));
          history_.pushing(name, k, life, score);
          if (zset) {
            args.push_back(std::to_string(static_cast<int>(score)));
          }
          args.push_back(name);
          names.push_back(std::move(name));
        }
        auto r = co_await cli->call(env, args, rt::seconds(2));
        if (!r.ok()) {
          break;
        }
        if (r->kind != resp::Kind::kInteger) {
          violation("pusher" + std::to_string(id) + ": " + args[0] + " answered " + describe(*r));
        } else if (slot.life() == life) {
          for (const auto& name : names) {
            history_.acked(name, env.clock.mono());
          }
        }
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(0, 150)));
      }
      cli->close();
    }
  }

  // Whether the server has consumer j's connection blocked (its outstanding pop registered).
  bool blocked_now(const Waiting& w) {
    server::Client* c = slot.server == nullptr ? nullptr : find_client(*slot.server, w.conn);
    return c != nullptr && c->block.active;
  }

  // No client of the server stays blocked on a key that holds what it waits for: a write that makes a key
  // ready serves its waiters before the server's turn ends.
  void check_no_missed_wakeup() {
    if (slot.server == nullptr || missed_wakeup_reported_) {
      return;
    }
    for (const auto& [id, c] : slot.server->clients()) {
      if (!c->block.active) {
        continue;
      }
      for (const auto& k : c->block.keys) {
        const auto* e = slot.server->db(c->block.db).peek(k, slot.server->now_ms());
        if (e != nullptr && static_cast<uint8_t>(e->value.type()) == c->block.type) {
          violation("client " + c->peer.to_string() + " stays blocked on " + k + ", which holds elements");
          missed_wakeup_reported_ = true;
          return;
        }
      }
    }
  }

  // Served from key k after blocking: no consumer that blocked earlier on k may still be waiting.
  void check_fifo(int id, int k) {
    const Waiting& me = waiting_[static_cast<size_t>(id)];
    if (!me.seen_blocked) {
      return;  // served without blocking (or too fast to see): nothing to compare
    }
    for (int j = 0; j < kConsumers; ++j) {
      const Waiting& o = waiting_[static_cast<size_t>(j)];
      if (j == id || !o.active || !o.seen_blocked ||
          std::find(o.keys.begin(), o.keys.end(), k) == o.keys.end()) {
        continue;
      }
      if (o.first_blocked <= me.last_unblocked && blocked_now(o)) {
        violation("consumer" + std::to_string(id) + " was served from " + history_.key(k) +
                  " while consumer" + std::to_string(j) + ", blocked on it earlier, still waits");
      }
    }
  }

  // Some distinct keys among [first, first + n), in random order.
  static std::vector<int> some_keys(rt::Env& env, int first, int n, int max_count) {
    std::vector<int> all;
    for (int k = first; k < first + n; ++k) {
      all.push_back(k);
    }
    const int count = static_cast<int>(env.random.uniform(1, std::min(n, max_count)));
    std::vector<int> out;
    for (int i = 0; i < count; ++i) {
      const auto at = static_cast<size_t>(env.random.uniform(0, static_cast<int64_t>(all.size()) - 1));
      out.push_back(all[at]);
      all.erase(all.begin() + static_cast<std::ptrdiff_t>(at));
    }
    return out;
  }

  PopCmd choose(rt::Env& env, int64_t timeout_ms) {
    const std::string t = seconds_arg(timeout_ms);
    PopCmd p{};
    const int64_t pick = env.random.uniform(0, 99);
    if (pick < 10) {
      p.kind = PopCmd::kLpop;
      p.blocking = false;
      p.keys = {static_cast<int>(env.random.uniform(0, kDest))};
      p.args = {"LPOP", history_.key(p.keys[0])};
    } else if (pick < 50) {
      p.kind = PopCmd::kBlpop;
      p.keys = some_keys(env, 0, kDest + 1, 3);
      p.args = {"BLPOP"};
      for (int k : p.keys) {
        p.args.push_back(history_.key(k));
      }
      p.args.push_back(t);
    } else if (pick < 70) {
      p.kind = PopCmd::kMove;
      p.keys = {static_cast<int>(env.random.uniform(0, kLists - 1))};
      p.move_to = kDest;
      if (env.random.chance(0.3)) {
        p.args = {"BRPOPLPUSH", history_.key(p.keys[0]), history_.key(kDest), t};
      } else {
        p.args = {"BLMOVE",
                  history_.key(p.keys[0]),
                  history_.key(kDest),
                  env.random.chance(0.5) ? "LEFT" : "RIGHT",
                  env.random.chance(0.5) ? "LEFT" : "RIGHT",
                  t};
      }
    } else {
      p.kind = PopCmd::kZpop;
      p.max = env.random.chance(0.5);
      p.keys = some_keys(env, kFirstZSet, kZSets, 2);
      p.args = {p.max ? "BZPOPMAX" : "BZPOPMIN"};
      for (int k : p.keys) {
        p.args.push_back(history_.key(k));
      }
      p.args.push_back(t);
    }
    return p;
  }

  // Judges a non-null reply to p; false after a violation.
  bool served(const std::string& who, int id, const PopCmd& p, const resp::Value& v, uint64_t life,
              MonoTime sent, MonoTime received) {
    const bool same_life = slot.life() == life;
    if (p.kind == PopCmd::kLpop || p.kind == PopCmd::kMove) {
      if (v.kind != resp::Kind::kBulkString) {
        return false;
      }
      if (p.kind == PopCmd::kLpop) {
        return history_.popped(who, v.str, p.keys[0], sent, std::nullopt);
      }
      check_fifo(id, p.keys[0]);
      return history_.moved(who, v.str, p.keys[0], p.move_to, sent, received);
    }
    const size_t want = p.kind == PopCmd::kZpop ? 3 : 2;
    if (v.kind != resp::Kind::kArray || v.elems.size() != want) {
      return false;
    }
    const auto k = history_.key_index(v.elems[0].str);
    const auto at = k ? std::find(p.keys.begin(), p.keys.end(), *k) : p.keys.end();
    if (at == p.keys.end()) {
      return false;
    }
    if (same_life) {
      for (auto before = p.keys.begin(); before != at; ++before) {
        history_.claim(life, *before, Claim::kEmpty, sent, received);  // served from the first non-empty
      }
    }
    check_fifo(id, *k);
    std::optional<double> score;
    if (p.kind == PopCmd::kZpop) {
      score = std::strtod(v.elems[2].str.c_str(), nullptr);
      if (same_life) {
        history_.claim(life, *k, p.max ? Claim::kNoneAbove : Claim::kNoneBelow, sent, received, *score,
                       v.elems[1].str);
      }
    }
    return history_.popped(who, v.elems[1].str, *k, sent, score);
  }

  // One pop; false when the connection broke.
  Task<bool> pop(rt::Env& env, int id, RespClient& cli) {
    const std::string who = "consumer" + std::to_string(id);
    const uint64_t life = slot.life();
    const int64_t timeout_ms = env.random.uniform(1, 20) * 50;
    const PopCmd p = choose(env, timeout_ms);
    Waiting& me = waiting_[static_cast<size_t>(id)];
    me = Waiting{true, p.keys, cli.local(), {}, false, {}};
    const MonoTime sent = env.clock.mono();
    me.last_unblocked = sent;
    cli.queue(p.args);
    // A pop counts as unknown from before it is sent until its reply settles it (the consumer may crash).
    const uint64_t op = history_.begin(life, p.keys, p.move_to, sent);
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
      check_no_missed_wakeup();
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
    const resp::Value& v = *r;
    if (v.is_null()) {
      if (slot.life() == life) {
        if (p.blocking) {
          const auto range = slot.clock.range(sent, received);
          const int64_t mono_ms = std::chrono::duration_cast<rt::milliseconds>(received - sent).count();
          const bool wall_jumped = range.any && range.max_ms - range.min_ms > mono_ms + 5;
          if (!wall_jumped && mono_ms + 2 < timeout_ms) {
            violation(who + ": " + p.args[0] + " with a " + std::to_string(timeout_ms) +
                      " ms timeout answered nil after " + std::to_string(mono_ms) + " ms");
          }
        }
        for (int k : p.keys) {
          history_.claim(life, k, Claim::kEmpty, sent, received);
        }
      }
    } else if (!served(who, id, p, v, life, sent, received)) {
      if (violations().empty()) {
        violation(who + ": " + p.args[0] + " " + p.args[1] + " answered " + describe(v));
      }
    }
    history_.settled(op);
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
        if (env.random.chance(0.2)) {
          // A pause lets elements pile up, so pops find several keys non-empty at once.
          co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(0, 300)));
        }
      }
      cli->close();
    }
  }

  BlockingHistory history_;
  bool missed_wakeup_reported_ = false;
  std::map<int, int> next_;
  std::vector<Waiting> waiting_;
  std::vector<int> after_;
};

}  // namespace

std::unique_ptr<Scenario> make_server_blocking_scenario(const ScenarioOptions& o) {
  return std::make_unique<BlockingScenario>(o);
}

}  // namespace codis::sim
