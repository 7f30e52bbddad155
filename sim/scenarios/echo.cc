#include "sim/scenarios/echo.h"

#include <string>
#include <vector>

#include "rt/combinators.h"
#include "rt/scope.h"
#include "rt/sleep.h"

namespace codis::sim {

namespace {

using rt::Errc;
using rt::Task;

constexpr uint16_t kEchoPort = 7000;
constexpr int kClients = 4;
constexpr int kSessionsAfterHeal = 2;

struct ServerStats {
  int open_connections = 0;
};

struct ClientStats {
  int sessions_ok = 0;      // connections that echoed everything and closed cleanly
  int sessions_broken = 0;  // connections reported broken (error, timeout, early end)
  int sessions_ok_after_heal = 0;
  uint64_t acked_bytes = 0;
  bool healed = false;
  bool done = false;  // stopped after its liveness goal
};

struct Shared {
  bool bug_drop_byte = false;
  ServerStats server;
  std::vector<ClientStats> clients;
  std::vector<std::string> violations;
};

// Keeps the server's open-connection count right even when the frame is destroyed by a crash.
struct OpenGuard {
  ServerStats* s;
  explicit OpenGuard(ServerStats* st) : s(st) { ++s->open_connections; }
  ~OpenGuard() { --s->open_connections; }
  OpenGuard(const OpenGuard&) = delete;
  OpenGuard& operator=(const OpenGuard&) = delete;
};

Task<void> echo_connection(rt::Env& env, rt::StreamPtr s, Shared* sh) {
  OpenGuard guard(&sh->server);
  std::string buf(16 * 1024, '\0');
  std::string header;
  bool header_done = false;
  bool reconnect = false;
  bool dropped = false;
  for (;;) {
    auto n = co_await s->read(std::span<char>(buf.data(), buf.size()));
    if (!n.ok() || *n == 0) {
      break;
    }
    std::string_view chunk(buf.data(), *n);
    if (!header_done) {
      header.append(chunk);
      if (auto nl = header.find('\n'); nl != std::string::npos) {
        header_done = true;
        // "HELLO <client> <attempt>": attempt > 0 means this client reconnected.
        reconnect = header.rfind(" 0\n", nl) == std::string::npos;
      }
    }
    std::string out(chunk);
    if (sh->bug_drop_byte && header_done && reconnect && !dropped && out.size() > 1) {
      out.erase(out.size() / 2, 1);  // the planted bug: lose one byte after a reconnect
      dropped = true;
    }
    if (env.buggify.fire()) {
      co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(0, 50)));  // a slow server
    }
    if (!(co_await rt::write_all(*s, out)).ok()) {
      break;
    }
  }
  s->shutdown_write();
  env.log.verbose("echo connection done");
}

Task<void> echo_server(rt::Env& env, Shared* sh) {
  auto l = env.net.listen(rt::Endpoint{"", kEchoPort});
  if (!l.ok()) {
    sh->violations.push_back(std::string("echo server cannot listen: ") +
                             std::string(rt::errc_name(l.error())));
    co_return;
  }
  rt::Scope conns(env.exec);
  for (;;) {
    auto s = co_await (*l)->accept();
    if (!s.ok()) {
      co_return;
    }
    conns.spawn(echo_connection(env, std::move(*s), sh));
  }
}

// One session: connect, send a header and some messages, check each echo, then close cleanly.
Task<bool> client_session(rt::Env& env, int id, int attempt, Shared* sh) {
  ClientStats& st = sh->clients[id];
  // Named, not a temporary: g++ 12 can destroy a braced temporary inside a co_await expression twice.
  const rt::Endpoint server{"server", kEchoPort};
  auto conn = co_await env.net.connect(server, rt::seconds(1));
  if (!conn.ok()) {
    co_return false;
  }
  rt::Stream& s = **conn;
  std::string sent = "HELLO c" + std::to_string(id) + " " + std::to_string(attempt) + "\n";
  std::string got;
  if (!(co_await rt::write_all(s, sent)).ok()) {
    co_return false;
  }
  const int messages = static_cast<int>(env.random.uniform(1, 20));
  bool write_failed = false;
  rt::Scope writer(env.exec);  // after what its tasks point to, so it is destroyed first
  std::string buf(8 * 1024, '\0');
  auto check_prefix = [&]() {
    if (got.size() > sent.size() || sent.compare(0, got.size(), got) != 0) {
      sh->violations.push_back("client " + std::to_string(id) + " attempt " + std::to_string(attempt) +
                               ": echo is not a prefix of what was sent (got " + std::to_string(got.size()) +
                               " bytes, sent " + std::to_string(sent.size()) + ")");
      return false;
    }
    return true;
  };
  for (int m = 0; m <= messages; ++m) {
    if (m < messages) {
      std::string msg =
          "m" + std::to_string(id) + "-" + std::to_string(attempt) + "-" + std::to_string(m) + ":";
      msg.append(env.random.uniform(0, env.random.chance(0.1) ? 20000 : 200),
                 static_cast<char>('a' + m % 26));
      msg.push_back('\n');
      sent += msg;
      // Write while reading: a message bigger than both directions' buffers would otherwise deadlock the
      // client's write against the server's echo (as it would over real TCP).
      writer.spawn([](rt::Stream* st, std::string m, bool* failed) -> Task<void> {
        if (!(co_await rt::write_all(*st, m)).ok()) {
          *failed = true;
        }
      }(&s, std::move(msg), &write_failed));
    }
    // Wait until everything sent so far has come back.
    while (got.size() < sent.size()) {
      if (write_failed) {
        co_return false;
      }
      auto n = co_await rt::with_timeout(env.exec, rt::seconds(2),
                                         s.read(std::span<char>(buf.data(), buf.size())));
      if (!n.ok() || *n == 0) {
        co_return false;  // reported broken: a reset, a timeout, or an early end
      }
      got.append(buf.data(), *n);
      if (!check_prefix()) {
        co_return false;
      }
    }
    co_await writer.join();
    if (write_failed) {
      co_return false;
    }
    st.acked_bytes = got.size();
    co_await rt::sleep_for(env.exec, rt::microseconds(env.random.uniform(0, 5000)));
  }
  // Clean end: half-close, and the server must end its side without sending anything more.
  s.shutdown_write();
  for (;;) {
    auto n =
        co_await rt::with_timeout(env.exec, rt::seconds(2), s.read(std::span<char>(buf.data(), buf.size())));
    if (!n.ok()) {
      co_return false;
    }
    if (*n == 0) {
      break;
    }
    got.append(buf.data(), *n);
    check_prefix();
    sh->violations.push_back("client " + std::to_string(id) + ": extra bytes after everything was echoed");
    co_return false;
  }
  s.close();
  co_return true;
}

Task<void> client_main(rt::Env& env, int id, Shared* sh) {
  ClientStats& st = sh->clients[id];
  // Each life of the process continues the attempt count from the shared stats.
  for (;;) {
    if (st.healed && st.sessions_ok_after_heal >= kSessionsAfterHeal) {
      st.done = true;
      co_return;
    }
    int attempt = st.sessions_ok + st.sessions_broken;
    bool ok = co_await client_session(env, id, attempt, sh);
    if (ok) {
      ++st.sessions_ok;
      if (st.healed) {
        ++st.sessions_ok_after_heal;
      }
    } else {
      ++st.sessions_broken;
      co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(10, 200)));
    }
  }
}

class EchoScenario final : public Scenario {
 public:
  explicit EchoScenario(const ScenarioOptions& o) {
    sh_.bug_drop_byte = o.bugs.count("echo-drop-byte") != 0;
    sh_.clients.resize(kClients);
  }

  void setup(World& w) override {
    Shared* sh = &sh_;
    Host& server = w.add_host("server");
    w.add_process(server, "echo", [sh](rt::Env& env) { return echo_server(env, sh); }).start();
    for (int i = 0; i < kClients; ++i) {
      Host& h = w.add_host("client" + std::to_string(i));
      w.add_process(h, "client" + std::to_string(i), [sh, i](rt::Env& env) {
         return client_main(env, i, sh);
       }).start();
    }
  }

  void on_heal(World&) override {
    for (auto& c : sh_.clients) {
      c.healed = true;
    }
  }

  std::string pending(World& w) const override {
    for (size_t i = 0; i < sh_.clients.size(); ++i) {
      const auto& c = sh_.clients[i];
      if (!c.done) {
        return "client" + std::to_string(i) + " has " + std::to_string(c.sessions_ok_after_heal) + "/" +
               std::to_string(kSessionsAfterHeal) + " clean sessions since heal";
      }
    }
    if (sh_.server.open_connections != 0) {
      return "echo server still has " + std::to_string(sh_.server.open_connections) + " open connections";
    }
    if (size_t n = w.net().live_connections(); n != 0) {
      return std::to_string(n) + " connections not yet closed on both sides";
    }
    return "";
  }

  void final_check(World& w) override {
    for (auto& p : w.processes()) {
      // The echo server keeps only its accept loop; clients have finished.
      size_t want = p->name() == "echo" ? 1 : 0;
      if (p->alive() && p->tasks() != want) {
        sh_.violations.push_back("task leak: " + p->name() + " has " + std::to_string(p->tasks()) +
                                 " tasks after heal, want " + std::to_string(want));
      }
    }
    if (sh_.server.open_connections != 0) {
      sh_.violations.push_back("echo server leaked " + std::to_string(sh_.server.open_connections) +
                               " connections");
    }
  }

  const std::vector<std::string>& violations() const override { return sh_.violations; }

 private:
  Shared sh_;
};

}  // namespace

std::unique_ptr<Scenario> make_echo_scenario(const ScenarioOptions& o) {
  return std::make_unique<EchoScenario>(o);
}

}  // namespace codis::sim
