#include "sim/workloads/server_proc.h"

#include <algorithm>

#include "rt/sleep.h"

namespace codis::sim {

namespace {

// The process's clock, recording every wall reading the server makes.
class RecordingClock final : public rt::Clock {
 public:
  RecordingClock(rt::Clock& inner, ClockLog& log) : inner_(&inner), log_(&log) {}
  rt::MonoTime mono() const override { return inner_->mono(); }
  rt::WallTime wall() const override {
    rt::WallTime w = inner_->wall();
    log_->add(inner_->mono(), rt::unix_ms(w));
    return w;
  }

 private:
  rt::Clock* inner_;
  ClockLog* log_;
};

rt::Task<void> server_main(rt::Env& env, ServerSlot* slot, server::Config c,
                           std::function<void(server::Server&)> started) {
  RecordingClock clock(env.clock, slot->clock);
  rt::Env senv{clock, env.exec, env.net, env.disk, env.random, env.buggify, env.log, env.memory};
  server::Server s(senv, c);
  if (started) {
    started(s);
  }
  struct Publish {
    ServerSlot* slot;
    Publish(ServerSlot* sl, server::Server* sv) : slot(sl) { slot->server = sv; }
    ~Publish() { slot->server = nullptr; }
  } publish(slot, &s);
  co_await s.run();
}

}  // namespace

ClockLog::Range ClockLog::range(rt::MonoTime from, rt::MonoTime to) const {
  Range r;
  auto it = std::lower_bound(readings_.begin(), readings_.end(), from,
                             [](const auto& e, rt::MonoTime t) { return e.first < t; });
  for (; it != readings_.end() && it->first <= to; ++it) {
    if (!r.any) {
      r.any = true;
      r.min_ms = r.max_ms = it->second;
    } else {
      r.min_ms = std::min(r.min_ms, it->second);
      r.max_ms = std::max(r.max_ms, it->second);
    }
  }
  return r;
}

Process& add_server(World& w, ServerSlot& slot, std::function<void(server::Config&)> tweak,
                    std::function<void(server::Server&)> started) {
  return add_server_on(w, "server", slot, std::move(tweak), std::move(started));
}

Process& add_server_on(World& w, const std::string& host, ServerSlot& slot,
                       std::function<void(server::Config&)> tweak,
                       std::function<void(server::Server&)> started) {
  server::Config c;
  c.bind = "0.0.0.0";
  c.port = kServerPort;
  c.save.clear();  // no snapshots in these scenarios (a persistence scenario will turn them on)
  if (tweak) {
    tweak(c);
  }
  Host& h = w.add_host(host);
  ServerSlot* sl = &slot;
  slot.proc = &w.add_process(h, "codis-server",
                             [sl, c, started](rt::Env& env) { return server_main(env, sl, c, started); });
  slot.proc->start();
  return *slot.proc;
}

rt::Task<std::unique_ptr<RespClient>> connect_server(rt::Env& env) {
  co_return co_await connect_to(env, rt::Endpoint("server", kServerPort));
}

rt::Task<std::unique_ptr<RespClient>> connect_to(rt::Env& env, rt::Endpoint at) {
  auto conn = co_await env.net.connect(at, rt::seconds(1));
  if (!conn.ok()) {
    co_await rt::sleep_for(env.exec, rt::milliseconds(env.random.uniform(10, 200)));
    co_return nullptr;
  }
  co_return std::make_unique<RespClient>(std::move(*conn));
}

server::Client* find_client(server::Server& s, const rt::Endpoint& peer) {
  for (const auto& [id, c] : s.clients()) {
    if (c->peer == peer) {
      return c;
    }
  }
  return nullptr;
}

int ServerScenario::add_worker(std::string name) {
  workers_.push_back(Worker{std::move(name), false, ""});
  return static_cast<int>(workers_.size()) - 1;
}

bool ServerScenario::all_done() const {
  return std::all_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.done; });
}

std::string ServerScenario::workers_pending() const {
  std::string not_done;
  for (const auto& wk : workers_) {
    if (!wk.done) {
      not_done += (not_done.empty() ? "" : "; ") + wk.name + " not done" +
                  (wk.progress.empty() ? "" : ": " + wk.progress);
    }
  }
  return not_done;
}

std::string ServerScenario::pending(World& w) const {
  if (std::string not_done = workers_pending(); !not_done.empty()) {
    return not_done;
  }
  if (slot.server != nullptr && !slot.server->clients().empty()) {
    return "codis-server still has " + std::to_string(slot.server->clients().size()) + " clients";
  }
  if (size_t n = w.net().live_connections(); n != 0) {
    return std::to_string(n) + " connections not yet closed on both sides";
  }
  return "";
}

}  // namespace codis::sim
