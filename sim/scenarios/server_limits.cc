// server_limits: codis-server with a small maxclients and maxmemory (a deterministic memory probe: a fixed
// cost per key), and a per-seed maxmemory-policy. Writers fill the keyspace (half the keys with a TTL),
// victims pipeline INCRs while a killer CLIENT KILLs them, and a flood process holds extra connections.
// Invariants: the server never holds more than maxclients clients and refuses the rest with the exact
// error, then closes; accepted connections keep answering; a killed connection answers nothing sent after
// the kill and the others carry on (INCR replies stay consecutive); writes are refused with OOM only when
// the policy leaves nothing to evict, used memory stays near the limit, noeviction never loses a key and
// volatile-* never evicts a key without a TTL.
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

constexpr int kWriters = 2;
constexpr int kVictims = 2;
constexpr int kFlood = 6;  // extra connections the flood process tries to hold
constexpr int64_t kMaxClients = 8;
constexpr size_t kKeyCost = 200;  // bytes the memory probe charges per key
constexpr size_t kMaxKeys = 40;
constexpr int kOpsAfterHeal = 20;

constexpr server::EvictionPolicy kPolicies[] = {
    server::EvictionPolicy::kNoEviction,     server::EvictionPolicy::kAllKeysLru,
    server::EvictionPolicy::kAllKeysLfu,     server::EvictionPolicy::kAllKeysRandom,
    server::EvictionPolicy::kVolatileLru,    server::EvictionPolicy::kVolatileLfu,
    server::EvictionPolicy::kVolatileRandom, server::EvictionPolicy::kVolatileTtl,
};

size_t used(server::Server& s) {
  size_t keys = 0;
  for (int i = 0; i < s.databases(); ++i) {
    keys += s.db(i).size();
  }
  return keys * kKeyCost;
}

class LimitsScenario final : public ServerScenario {
 public:
  explicit LimitsScenario(const ScenarioOptions&) {
    for (int i = 0; i < kWriters; ++i) {
      add_worker("writer" + std::to_string(i));
    }
    for (int i = 0; i < kVictims; ++i) {
      add_worker("victim" + std::to_string(i));
    }
    killer_ = add_worker("killer");
    flood_ = add_worker("flood");
    after_.assign(kWriters + kVictims, 0);
    victim_addr_.resize(kVictims);
  }

  void setup(World& w) override {
    rt::Random r = w.stream("limits-config");
    policy_ = kPolicies[r.uniform(0, std::size(kPolicies) - 1)];
    add_server(
        w, slot,
        [this](server::Config& c) {
          c.maxclients = kMaxClients;
          c.maxmemory = static_cast<int64_t>(kMaxKeys * kKeyCost);
          c.maxmemory_policy = policy_;
        },
        [](server::Server& s) { s.set_memory_probe([&s] { return used(s); }); });
    auto proc = [&](const std::string& name, auto fn) {
      Host& h = w.add_host(name);
      w.add_process(h, name, fn).start();
    };
    for (int i = 0; i < kWriters; ++i) {
      proc("writer" + std::to_string(i), [this, i](rt::Env& env) { return writer(env, i); });
    }
    for (int i = 0; i < kVictims; ++i) {
      proc("victim" + std::to_string(i), [this, i](rt::Env& env) { return victim(env, i); });
    }
    proc("killer", [this](rt::Env& env) { return killer(env); });
    proc("flood", [this](rt::Env& env) { return flood(env); });
  }

 private:
  bool steady_done() const {
    for (int a : after_) {
      if (a < kOpsAfterHeal) {
        return false;
      }
    }
    return true;
  }

  void check_clients(const std::string& who) {
    if (slot.server != nullptr && static_cast<int64_t>(slot.server->clients().size()) > kMaxClients) {
      violation(who + ": the server holds " + std::to_string(slot.server->clients().size()) +
                " clients, maxclients is " + std::to_string(kMaxClients));
    }
  }

  // Connects and PINGs: null when refused (after checking the refusal) or broken.
  Task<std::unique_ptr<RespClient>> connect_checked(rt::Env& env, const std::string& who) {
    auto cli = co_await connect_server(env);
    if (!cli) {
      co_return nullptr;
    }
    std::vector<std::string> ping = {"PING"};
    auto r = co_await cli->call(env, std::move(ping), rt::seconds(2));
    check_clients(who);
    if (!r.ok()) {
      co_return nullptr;
    }
    if (r->is_error() && r->str == kMaxClientsError) {
      // Refused: the server closes the connection after the error.
      auto eof = co_await cli->read(env, rt::seconds(2));
      if (eof.ok()) {
        violation(who + ": a refused connection went on to answer " + describe(*eof));
      }
      ++refused_;
      co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(10, 200)));
      co_return nullptr;
    }
    if (r->kind != resp::Kind::kSimpleString || r->str != "PONG") {
      violation(who + ": PING answered " + describe(*r));
      co_return nullptr;
    }
    co_return cli;
  }

  bool protected_key(bool has_ttl) const {
    return policy_ == server::EvictionPolicy::kNoEviction || (server::is_volatile(policy_) && !has_ttl);
  }

  Task<void> writer(rt::Env& env, int id) {
    const std::string who = "writer" + std::to_string(id);
    struct Written {
      bool ttl;
      uint64_t life;
    };
    std::map<std::string, Written> acked;
    for (int n = 0;;) {
      if (healed() && after_[id] >= kOpsAfterHeal) {
        done(id);
        co_return;
      }
      auto cli = co_await connect_checked(env, who);
      if (!cli) {
        continue;
      }
      for (int op = 0; op < 100 && !(healed() && after_[id] >= kOpsAfterHeal); ++op) {
        const uint64_t life = slot.life();
        if (!acked.empty() && env.random.chance(0.3)) {
          // Read back a key this writer set.
          auto it = acked.begin();
          std::advance(it, env.random.uniform(0, acked.size() - 1));
          const std::string key = it->first;
          const Written wr = it->second;
          std::vector<std::string> get = {"GET", key};
          auto r = co_await cli->call(env, std::move(get), rt::seconds(2));
          if (!r.ok()) {
            break;
          }
          if (r->is_null() && wr.life == slot.life() && protected_key(wr.ttl)) {
            violation(who + ": " + key + (wr.ttl ? " (with a TTL)" : " (no TTL)") + " vanished under " +
                      std::string(server::policy_name(policy_)));
          }
          if (r->is_null()) {
            acked.erase(key);
          }
        } else {
          const std::string key = "k" + std::to_string(id) + ":" + std::to_string(n++);
          const bool ttl = env.random.chance(0.5);
          std::vector<std::string> set = {"SET", key, std::string(100, 'v')};
          if (ttl) {
            set.insert(set.end(), {"EX", "100000"});
          }
          auto r = co_await cli->call(env, std::move(set), rt::seconds(2));
          if (!r.ok()) {
            break;
          }
          if (r->is_error() && r->str.rfind("OOM", 0) == 0) {
            // Refused: fine under noeviction, and under volatile-* when no key has a TTL to evict.
            if (slot.server != nullptr && slot.life() == life && !server::is_volatile(policy_) &&
                policy_ != server::EvictionPolicy::kNoEviction && slot.server->db(0).size() > 0) {
              violation(who + ": SET refused with OOM under " + std::string(server::policy_name(policy_)) +
                        " while keys could be evicted");
            }
          } else if (r->kind != resp::Kind::kSimpleString || r->str != "OK") {
            violation(who + ": SET answered " + describe(*r));
          } else if (slot.life() == life) {
            acked[key] = Written{ttl, life};
          }
          if (slot.server != nullptr && used(*slot.server) > (kMaxKeys + 4) * kKeyCost) {
            violation(who + ": used memory " + std::to_string(used(*slot.server)) +
                      " is far over maxmemory " + std::to_string(kMaxKeys * kKeyCost));
          }
        }
        if (healed()) {
          ++after_[id];
          progress(id, std::to_string(after_[id]) + "/" + std::to_string(kOpsAfterHeal) +
                           " operations since heal");
        }
        co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 5000)));
      }
      cli->close();
    }
  }

  // Pipelines INCRs of its own counter: replies are consecutive; a killed connection answers nothing sent
  // after the kill.
  Task<void> victim(rt::Env& env, int id) {
    const std::string who = "victim" + std::to_string(id);
    const std::string key = "v" + std::to_string(id);
    int& after = after_[kWriters + id];
    for (;;) {
      if (healed() && after >= kOpsAfterHeal) {
        done(kWriters + id);
        co_return;
      }
      auto cli = co_await connect_checked(env, who);
      if (!cli) {
        continue;
      }
      const std::string addr = cli->local().to_string();
      victim_addr_[id] = addr;
      while (!(healed() && after >= kOpsAfterHeal)) {
        const uint64_t life = slot.life();
        if (life != last_life_[id]) {
          last_life_[id] = life;
          last_[id] = 0;
          unsettled_[id] = 0;
        }
        const int n = static_cast<int>(env.random.uniform(1, 50));
        for (int i = 0; i < n; ++i) {
          cli->queue({"INCR", key});
        }
        const MonoTime sent = env.clock.mono();
        unsettled_[id] += n;
        if (!(co_await cli->flush()).ok()) {
          break;
        }
        bool broke = false;
        for (int i = 0; i < n; ++i) {
          auto r = co_await cli->read(env, rt::seconds(3));
          if (!r.ok()) {
            broke = true;
            break;
          }
          auto k = killed_.find(addr);
          if (k != killed_.end() && k->second < sent) {
            violation(who + ": its connection " + addr +
                      " was killed, yet answered a command sent after that");
          }
          if (r->kind != resp::Kind::kInteger) {
            if (!(r->is_error() && r->str.rfind("OOM", 0) == 0)) {  // INCR may create the key: OOM is fair
              violation(who + ": INCR answered " + describe(*r));
            }
            --unsettled_[id];
            continue;
          }
          // Consecutive, except that INCRs whose replies were lost on an earlier connection may have run.
          // Under allkeys-* the counter itself may be evicted and start again from 1.
          const bool evicted = !protected_key(false) && r->num <= last_[id];
          if (slot.life() == life && !evicted &&
              (r->num <= last_[id] || r->num > last_[id] + unsettled_[id])) {
            violation(who + ": INCR answered " + std::to_string(r->num) + " after " +
                      std::to_string(last_[id]) + " with " + std::to_string(unsettled_[id]) +
                      " increments unsettled");
          }
          unsettled_[id] = evicted ? unsettled_[id] - 1 : unsettled_[id] - (r->num - last_[id]);
          last_[id] = r->num;
        }
        if (broke) {
          break;
        }
        if (healed() && sent > healed_at()) {
          ++after;
          progress(kWriters + id,
                   std::to_string(after) + "/" + std::to_string(kOpsAfterHeal) + " batches since heal");
        }
        co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 3000)));
      }
      victim_addr_[id].clear();
      cli->close();
    }
  }

  Task<void> killer(rt::Env& env) {
    for (;;) {
      if (healed()) {
        done(killer_);
        co_return;
      }
      auto cli = co_await connect_checked(env, "killer");
      if (!cli) {
        continue;
      }
      while (!healed()) {
        co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(50, 800)));
        const int v = static_cast<int>(env.random.uniform(0, kVictims - 1));
        const std::string addr = victim_addr_[v];
        if (addr.empty()) {
          continue;
        }
        std::vector<std::string> kill = {"CLIENT", "KILL", "ADDR", addr};
        auto r = co_await cli->call(env, std::move(kill), rt::seconds(2));
        if (!r.ok()) {
          break;
        }
        if (r->kind != resp::Kind::kInteger || r->num < 0 || r->num > 1) {
          violation("killer: CLIENT KILL answered " + describe(*r));
        } else if (r->num == 1) {
          killed_.emplace(addr, env.clock.mono());
        }
      }
      cli->close();
    }
  }

  // Opens connections up to kFlood, holds each a while and PINGs them; accepted ones must keep answering.
  Task<void> flood(rt::Env& env) {
    std::vector<std::unique_ptr<RespClient>> held;
    while (!healed()) {
      if (held.size() < kFlood && env.random.chance(0.7)) {
        if (auto cli = co_await connect_checked(env, "flood")) {
          held.push_back(std::move(cli));
        }
      } else if (!held.empty()) {
        const size_t i = env.random.uniform(0, held.size() - 1);
        if (env.random.chance(0.3)) {
          held[i]->close();
          held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          std::vector<std::string> ping = {"PING"};
          auto r = co_await held[i]->call(env, std::move(ping), rt::seconds(2));
          if (!r.ok()) {
            held[i]->close();
            held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
          } else if (r->kind != resp::Kind::kSimpleString || r->str != "PONG") {
            violation("flood: an accepted connection answered PING with " + describe(*r));
          }
        }
      }
      check_clients("flood");
      co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(1, 100)));
    }
    for (auto& c : held) {
      c->close();
    }
    done(flood_);
  }

  server::EvictionPolicy policy_ = server::EvictionPolicy::kNoEviction;
  int killer_ = 0;
  int flood_ = 0;
  int64_t refused_ = 0;
  std::vector<int> after_;
  std::vector<std::string> victim_addr_;
  std::map<std::string, MonoTime> killed_;  // connection address -> when CLIENT KILL confirmed it
  std::map<int, uint64_t> last_life_;
  std::map<int, int64_t> last_;
  std::map<int, int64_t> unsettled_;
};

}  // namespace

std::unique_ptr<Scenario> make_server_limits_scenario(const ScenarioOptions& o) {
  return std::make_unique<LimitsScenario>(o);
}

}  // namespace codis::sim
