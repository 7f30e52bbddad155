#include "sim/scenarios/server_kv.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "rt/sleep.h"
#include "server/server.h"
#include "sim/workloads/resp_client.h"

namespace codis::sim {

namespace {

using rt::Task;

constexpr uint16_t kPort = 6379;
constexpr int kClients = 3;
constexpr int kOpsAfterHeal = 30;

struct Shared {
  bool bug_lose_append = false;
  Process* server_proc = nullptr;
  server::Server* server = nullptr;  // white-box view, valid while the server process runs
  std::vector<int> ops_after_heal = std::vector<int>(kClients, 0);
  std::vector<bool> done = std::vector<bool>(kClients, false);
  std::vector<int> client_lives = std::vector<int>(kClients, 0);
  bool healed = false;
  std::vector<std::string> violations;
};

Task<void> server_main(rt::Env& env, Shared* sh) {
  server::Config c;
  c.bind = "0.0.0.0";
  c.port = kPort;
  c.save.clear();  // no snapshots in these scenarios (a persistence scenario will turn them on)
  server::Server s(env, c);
  struct Publish {
    Shared* sh;
    server::Server* s;
    Publish(Shared* h, server::Server* sv) : sh(h), s(sv) { sh->server = s; }
    ~Publish() { sh->server = nullptr; }
  } publish(sh, &s);
  co_await s.run();
}

// What the client knows about one of its keys: every value it may hold (nullopt: the key does not exist),
// and the server life that was computed in. An acknowledged write leaves one value; a write whose reply
// never came leaves both outcomes, and the next read must match one of them (then it is known again).
struct KeyModel {
  std::vector<std::optional<std::string>> possible = {std::nullopt};
  bool any = false;  // too many unknown outcomes in a row: the next read only re-learns the value
  uint64_t life = 0;

  bool may_be(const std::optional<std::string>& v) const {
    return any || std::find(possible.begin(), possible.end(), v) != possible.end();
  }
  void learn(std::optional<std::string> v) {
    possible = {std::move(v)};
    any = false;
  }
  // An APPEND of `val` that may or may not have happened.
  void maybe_append(const std::string& val) {
    const size_t n = possible.size();
    for (size_t i = 0; i < n; ++i) {
      possible.push_back((possible[i] ? *possible[i] : "") + val);
    }
    dedupe();
  }
  void maybe_set(std::optional<std::string> v) {
    possible.push_back(std::move(v));
    dedupe();
  }
  void dedupe() {
    std::sort(possible.begin(), possible.end());
    possible.erase(std::unique(possible.begin(), possible.end()), possible.end());
    if (possible.size() > 64) {
      any = true;
    }
  }
  std::string show() const {
    if (any) {
      return "anything";
    }
    std::string s;
    for (const auto& p : possible) {
      s += (s.empty() ? "" : " or ") + (p ? "'" + *p + "'" : std::string("(nil)"));
    }
    return s;
  }
};

std::string show(const resp::Value& v) {
  return v.is_null() ? std::string("(nil)") : "'" + v.str + "'";
}

Task<void> client_main(rt::Env& env, int id, Shared* sh) {
  // Keys live as long as this client process: a write whose reply was lost may still be in flight when the
  // client reconnects, so a new connection first kills the old one on the server (CLIENT KILL ADDR): after
  // that nothing the old connection sent can still be applied, and the model's "either outcome" is final.
  std::map<std::string, KeyModel> model;
  const std::string prefix = "c" + std::to_string(id) + ":" + std::to_string(sh->client_lives[id]++) + ":";
  std::optional<rt::Endpoint> fence;  // the previous connection, when it broke with writes unsettled
  for (;;) {
    if (sh->healed && sh->ops_after_heal[id] >= kOpsAfterHeal) {
      sh->done[id] = true;
      co_return;
    }
    const rt::Endpoint at("server", kPort);
    auto conn = co_await env.net.connect(at, rt::seconds(1));
    if (!conn.ok()) {
      co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(10, 200)));
      continue;
    }
    RespClient cli(std::move(*conn));
    if (fence) {
      std::vector<std::string> kill = {"CLIENT", "KILL", "ADDR", fence->to_string()};
      auto r = co_await cli.call(env, std::move(kill), rt::seconds(2));
      if (!r.ok()) {
        cli.close();
        continue;
      }
      // The filter form answers how many clients it killed: 0 when the old connection is already gone.
      if (r->kind != resp::Kind::kInteger || r->num < 0 || r->num > 1) {
        sh->violations.push_back("client " + std::to_string(id) + ": CLIENT KILL answered " + describe(*r));
        co_return;
      }
      fence.reset();
    }
    for (int op = 0; op < 200; ++op) {
      if (sh->healed && sh->ops_after_heal[id] >= kOpsAfterHeal) {
        break;
      }
      std::string key = prefix + std::to_string(env.random.uniform(0, 4));
      KeyModel& m = model[key];
      const uint64_t life = sh->server_proc->incarnation();
      // A server restart since the model was computed wiped the key (data is not kept yet).
      if (m.life != life) {
        m.learn(std::nullopt);
        m.life = life;
      }
      std::vector<std::string> args;
      int kind = static_cast<int>(env.random.uniform(0, 4));
      std::string val = std::to_string(env.random.uniform(0, 999));
      switch (kind) {
        case 0:
          args = {"SET", key, val};
          break;
        case 1:
          args = {"GET", key};
          break;
        case 2:
          args = {"APPEND", key, val};
          break;
        case 3:
          args = {"DEL", key};
          break;
        default:
          args = {"STRLEN", key};
          break;
      }
      auto r = co_await cli.call(env, args, rt::seconds(2));
      if (!r.ok()) {
        // The write may or may not have been applied: keep both outcomes, and fence the connection.
        if (kind == 0) {
          m.maybe_set(val);
        } else if (kind == 2) {
          m.maybe_append(val);
        } else if (kind == 3) {
          m.maybe_set(std::nullopt);
        }
        fence = cli.local();
        break;
      }
      const resp::Value& v = *r;
      if (sh->healed) {
        ++sh->ops_after_heal[id];
      }
      if (v.is_error()) {
        sh->violations.push_back("client " + std::to_string(id) + ": unexpected error " + v.str);
        co_return;
      }
      if (sh->server_proc->incarnation() != life) {
        m.any = true;  // a reply from a life that has ended (cannot happen over one connection)
        continue;
      }
      const std::string who = "client " + std::to_string(id) + ": ";
      switch (kind) {
        case 0:
          m.learn(val);
          break;
        case 1: {
          std::optional<std::string> got = v.is_null() ? std::nullopt : std::optional<std::string>(v.str);
          if (!m.may_be(got)) {
            sh->violations.push_back(who + "GET " + key + " returned " + show(v) + ", expected " + m.show());
          }
          m.learn(got);  // a read tells the truth from now on, in this server life
          break;
        }
        case 2: {
          std::vector<std::optional<std::string>> next;
          for (const auto& p : m.possible) {
            std::string n = (p ? *p : "") + val;
            if (static_cast<int64_t>(n.size()) == v.num) {
              next.emplace_back(sh->bug_lose_append ? p : std::optional<std::string>(n));
            }
          }
          if (m.any) {
            // Length known, bytes not: stays unknown until read.
          } else if (next.empty()) {
            sh->violations.push_back(who + "APPEND " + key + " returned length " + std::to_string(v.num) +
                                     ", but the key was " + m.show());
            m.any = true;
          } else {
            m.possible = std::move(next);
            m.dedupe();
          }
          break;
        }
        case 3:
          m.learn(std::nullopt);
          break;
        default: {
          std::vector<std::optional<std::string>> next;
          for (const auto& p : m.possible) {
            if (static_cast<int64_t>(p ? p->size() : 0) == v.num) {
              next.push_back(p);
            }
          }
          if (m.any) {
          } else if (next.empty()) {
            sh->violations.push_back(who + "STRLEN " + key + " returned " + std::to_string(v.num) +
                                     ", but the key was " + m.show());
            m.any = true;
          } else {
            m.possible = std::move(next);
          }
          break;
        }
      }
      co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 3000)));
    }
    cli.close();
  }
}

class ServerKvScenario final : public Scenario {
 public:
  explicit ServerKvScenario(const ScenarioOptions& o) {
    sh_.bug_lose_append = o.bugs.count("kv-model-drops-append") != 0;
  }

  void setup(World& w) override {
    Shared* sh = &sh_;
    Host& server = w.add_host("server");
    sh_.server_proc =
        &w.add_process(server, "codis-server", [sh](rt::Env& env) { return server_main(env, sh); });
    sh_.server_proc->start();
    for (int i = 0; i < kClients; ++i) {
      Host& h = w.add_host("client" + std::to_string(i));
      w.add_process(h, "client" + std::to_string(i), [sh, i](rt::Env& env) {
         return client_main(env, i, sh);
       }).start();
    }
  }

  void on_heal(World&) override { sh_.healed = true; }

  std::string pending(World& w) const override {
    for (int i = 0; i < kClients; ++i) {
      if (!sh_.done[i]) {
        return "client" + std::to_string(i) + " did " + std::to_string(sh_.ops_after_heal[i]) + "/" +
               std::to_string(kOpsAfterHeal) + " operations since heal";
      }
    }
    if (sh_.server != nullptr && !sh_.server->clients().empty()) {
      return "codis-server still has " + std::to_string(sh_.server->clients().size()) + " clients";
    }
    if (size_t n = w.net().live_connections(); n != 0) {
      return std::to_string(n) + " connections not yet closed on both sides";
    }
    return "";
  }

  const std::vector<std::string>& violations() const override { return sh_.violations; }

 private:
  Shared sh_;
};

}  // namespace

std::unique_ptr<Scenario> make_server_kv_scenario(const ScenarioOptions& o) {
  return std::make_unique<ServerKvScenario>(o);
}

}  // namespace codis::sim
