#include "sim/scenarios/server_kv.h"

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
  bool healed = false;
  std::vector<std::string> violations;
};

Task<void> server_main(rt::Env& env, Shared* sh) {
  server::Config c;
  c.bind = "0.0.0.0";
  c.port = kPort;
  server::Server s(env, c);
  struct Publish {
    Shared* sh;
    server::Server* s;
    Publish(Shared* h, server::Server* sv) : sh(h), s(sv) { sh->server = s; }
    ~Publish() { sh->server = nullptr; }
  } publish(sh, &s);
  co_await s.run();
}

// What the client knows about one of its keys: its value after the last acknowledged write, or nothing
// when an unacknowledged write may or may not have happened; and the server life it was written in.
struct KeyModel {
  std::optional<std::string> value;  // nullopt with known=true: the key does not exist
  bool known = true;
  uint64_t life = 0;
};

Task<void> client_main(rt::Env& env, int id, Shared* sh) {
  for (int conn_no = 0;; ++conn_no) {
    // Keys are per connection: a request whose reply was lost may still be applied later (its bytes are in
    // flight when the client gives up), so a new connection must not reuse keys that such a write may hit.
    std::map<std::string, KeyModel> model;
    const std::string prefix = "c" + std::to_string(id) + ":" + std::to_string(conn_no) + ":";
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
    for (int op = 0; op < 200; ++op) {
      if (sh->healed && sh->ops_after_heal[id] >= kOpsAfterHeal) {
        break;
      }
      std::string key = prefix + std::to_string(env.random.uniform(0, 4));
      KeyModel& m = model[key];
      const uint64_t life = sh->server_proc->incarnation();
      // A server restart since the model was written makes the old value uncertain (data is not kept yet).
      if (m.life != life && m.known && m.value) {
        m.known = false;
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
        m.known = false;  // the write may or may not have been applied
        break;
      }
      const resp::Value& v = *r;
      const bool same_life = sh->server_proc->incarnation() == life && m.life == life;
      if (sh->healed) {
        ++sh->ops_after_heal[id];
      }
      if (v.is_error()) {
        sh->violations.push_back("client " + std::to_string(id) + ": unexpected error " + v.str);
        co_return;
      }
      switch (kind) {
        case 0:
          m = KeyModel{val, true, life};
          break;
        case 1:
          if (m.known && same_life) {
            bool ok = m.value ? (v.kind == resp::Kind::kBulkString && v.str == *m.value) : v.is_null();
            if (!ok) {
              sh->violations.push_back("client " + std::to_string(id) + ": GET " + key + " returned '" +
                                       (v.is_null() ? std::string("(nil)") : v.str) + "', expected '" +
                                       (m.value ? *m.value : std::string("(nil)")) + "'");
            }
          }
          // A read tells the truth from now on, in this server life.
          m = KeyModel{v.is_null() ? std::nullopt : std::optional<std::string>(v.str), true, life};
          break;
        case 2: {
          if (m.known && same_life) {
            std::string next = (m.value ? *m.value : "") + val;
            if (v.num != static_cast<int64_t>(next.size())) {
              sh->violations.push_back("client " + std::to_string(id) + ": APPEND " + key +
                                       " returned length " + std::to_string(v.num) + ", expected " +
                                       std::to_string(next.size()));
            }
            m = KeyModel{sh->bug_lose_append ? m.value : std::optional<std::string>(next), true, life};
          } else {
            m.known = false;
            m.life = life;
          }
          break;
        }
        case 3:
          m = KeyModel{std::nullopt, true, life};
          break;
        default:
          if (m.known && same_life) {
            int64_t want = m.value ? static_cast<int64_t>(m.value->size()) : 0;
            if (v.num != want) {
              sh->violations.push_back("client " + std::to_string(id) + ": STRLEN " + key + " returned " +
                                       std::to_string(v.num) + ", expected " + std::to_string(want));
            }
          }
          break;
      }
      co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 3000)));
    }
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
