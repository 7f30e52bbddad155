// The world of the pipelined-proxy model property, and the comparison of each client's replies through the
// proxy with one Redis's. Setup runs first (the dashboard's SLOTSSETSTATE calls), then the clients and the
// replay on the reference server run side by side until all are done.
#include "props/proxy/pipeline_world.h"

#include <memory>
#include <vector>

#include "proxy/proxy.h"
#include "proxy/routing_table.h"
#include "rt/sleep.h"
#include "sim/workloads/resp_client.h"
#include "sim/workloads/server_proc.h"
#include "sim/world.h"

namespace codis::proxy::model {

namespace {

using rt::Task;
using sim::RespClient;

constexpr uint16_t kProxyPort = 19000;
constexpr int kServers = 3;
// Generous: with no faults nothing should come near it, and a stuck reply must fail the case, not hang.
constexpr rt::Duration kReplyTimeout = rt::seconds(10);

std::string server_host(int i) {
  return "s" + std::to_string(i);
}
std::string server_addr(int i) {
  return server_host(i) + ":" + std::to_string(sim::kServerPort);
}

std::string range_text(const SlotRange& r) {
  return std::to_string(r.first) + "-" + std::to_string(r.last);
}

std::string routing_json() {
  std::string groups, slots;
  for (int i = 0; i < kServers; ++i) {
    const std::string id = std::to_string(i + 1);
    groups += (i ? ", " : "") + std::string("{\"id\": ") + id + ", \"master\": \"" + server_addr(i) + "\"}";
    slots += (i ? ", " : "") + std::string("{\"range\": [") + std::to_string(kRanges[i].first) + ", " +
             std::to_string(kRanges[i].last) + "], \"group\": " + id + "}";
  }
  return "{\"epoch\": 1, \"groups\": [" + groups + "], \"slots\": [" + slots + "]}";
}

// What the processes report back to run_case; it outlives the world, so their frames may write it.
struct State {
  bool setup_done = false;
  std::string setup_error;
  proxy::Proxy* proxy = nullptr;  // while the proxy process runs
  std::vector<std::vector<resp::Value>> via_proxy, via_ref;
  std::vector<std::string> client_error;
  std::vector<bool> client_done;
  bool ref_done = false;
  std::string ref_error;
};

// Connects to `at`, retrying (the listener may not be up yet); null after many tries.
Task<std::unique_ptr<RespClient>> connect(rt::Env& env, rt::Endpoint at) {
  for (int i = 0; i < 50; ++i) {
    if (auto c = co_await sim::connect_to(env, at)) {
      co_return c;
    }
  }
  co_return nullptr;
}

// Switches a new connection to RESP3 (its reply, the server's or the proxy's own, is not compared).
Task<bool> hello(rt::Env& env, RespClient& c, int protocol) {
  if (protocol == 2) {
    co_return true;
  }
  std::vector<std::string> args = {"HELLO", std::to_string(protocol)};
  auto r = co_await c.call(env, args, kReplyTimeout);
  co_return r.ok() && r->kind == resp::Kind::kMap;
}

// The dashboard's part: server i owns kRanges[i] and redirects every other range to its owner.
Task<void> setup_main(rt::Env& env, State* st) {
  for (int i = 0; i < kServers; ++i) {
    auto c = co_await connect(env, rt::Endpoint(server_host(i), sim::kServerPort));
    if (!c) {
      st->setup_error = "cannot connect to " + server_addr(i);
      co_return;
    }
    for (int j = 0; j < kServers; ++j) {
      std::vector<std::string> args = {"SLOTSSETSTATE", range_text(kRanges[j]),
                                       i == j ? "owned" : "not-owned", i == j ? "-" : server_addr(j), "1"};
      auto r = co_await c->call(env, args, kReplyTimeout);
      if (!r.ok() || r->kind != resp::Kind::kSimpleString) {
        st->setup_error =
            server_addr(i) + " refused SLOTSSETSTATE: " + (r.ok() ? sim::describe(*r) : "no reply");
        co_return;
      }
    }
    c->close();
  }
  st->setup_done = true;
}

Task<void> proxy_main(rt::Env& env, State* st) {
  auto parsed = proxy::RoutingTable::parse(routing_json());
  auto l = env.net.listen(rt::Endpoint("0.0.0.0", kProxyPort));
  if (!l.ok() || parsed.index() != 0) {
    st->setup_error = "the proxy could not start";
    co_return;
  }
  proxy::Proxy p(env, proxy::ProxyConfig{}, std::get<0>(parsed));
  struct Publish {
    State* st;
    Publish(State* s, proxy::Proxy* px) : st(s) { st->proxy = px; }
    ~Publish() { st->proxy = nullptr; }
  } publish(st, &p);
  co_await p.serve(std::move(*l));
}

// One client: writes each batch without waiting, then reads none, some or all of the replies it is owed
// (as the batch says), pauses, and goes on; at the end it reads the rest.
Task<void> client_main(rt::Env& env, State* st, const Client* spec, size_t id) {
  std::vector<resp::Value>& got = st->via_proxy[id];
  std::string& error = st->client_error[id];
  co_await rt::sleep_for(env.exec, rt::microseconds(spec->start_us));
  auto c = co_await connect(env, rt::Endpoint("proxy", kProxyPort));
  if (!c) {
    error = "cannot connect to the proxy";
    co_return;
  }
  if (!co_await hello(env, *c, spec->protocol)) {
    error = "the proxy refused HELLO " + std::to_string(spec->protocol);
    co_return;
  }
  size_t owed = 0;
  auto read = [&](size_t n) -> Task<bool> {
    for (; n > 0; --n, --owed) {
      auto r = co_await c->read(env, kReplyTimeout);
      if (!r.ok()) {
        error = "no reply " + std::to_string(got.size()) +
                " from the proxy: " + std::string(rt::errc_name(r.error()));
        co_return false;
      }
      got.push_back(std::move(*r));
    }
    co_return true;
  };
  for (const Batch& b : spec->batches) {
    for (const Args& a : b.commands) {
      c->queue(a);
    }
    if (!(co_await c->flush()).ok()) {
      error = "the proxy closed the connection";
      co_return;
    }
    owed += b.commands.size();
    const size_t n = b.read == Read::kAll ? owed : b.read == Read::kSome ? (owed + 1) / 2 : 0;
    if (!co_await read(n)) {
      co_return;
    }
    if (b.pause_us > 0) {
      co_await rt::sleep_for(env.exec, rt::microseconds(b.pause_us));
    }
  }
  if (!co_await read(owed)) {
    co_return;
  }
  c->close();
  st->client_done[id] = true;
}

// One Redis: every client's commands, one at a time, on the plain server (client after client, each on a
// connection of its own with its protocol: their keys are disjoint, so each sees its own commands alone).
Task<void> ref_main(rt::Env& env, State* st, const Case* cs) {
  for (size_t i = 0; i < cs->clients.size(); ++i) {
    auto c = co_await connect(env, rt::Endpoint("ref", sim::kServerPort));
    if (!c || !co_await hello(env, *c, cs->clients[i].protocol)) {
      st->ref_error = "cannot connect to the reference server";
      co_return;
    }
    for (const Batch& b : cs->clients[i].batches) {
      for (const Args& a : b.commands) {
        auto r = co_await c->call(env, a, kReplyTimeout);
        if (!r.ok()) {
          st->ref_error = "the reference server did not answer";
          co_return;
        }
        st->via_ref[i].push_back(std::move(*r));
      }
    }
    c->close();
  }
  st->ref_done = true;
}

// A reply as printed, cut short (long values would bury the message).
std::string shorten(std::string s) {
  constexpr size_t kMax = 300;
  return s.size() <= kMax ? s : s.substr(0, kMax) + "... (" + std::to_string(s.size()) + " chars)";
}

// The first reply of a client that differs from one Redis's, or "".
std::string compare(const Case& cs, const State& st, size_t i) {
  size_t n = 0;
  for (const Batch& b : cs.clients[i].batches) {
    for (size_t j = 0; j < b.commands.size(); ++j, ++n) {
      const resp::Value& proxied = st.via_proxy[i][n];
      const resp::Value& ref = st.via_ref[i][n];
      if (proxied != ref) {
        return "client " + std::to_string(i) + ", command " + std::to_string(n) + " (" +
               show_args(b.commands[j]) + "): the proxy answered " + shorten(sim::describe(proxied)) +
               ", one Redis answered " + shorten(sim::describe(ref));
      }
    }
  }
  return "";
}

}  // namespace

std::string run_case(const Case& cs, const std::set<std::string, std::less<>>& bugs) {
  // Declared before the world: the processes' frames write into them until the world is gone.
  State st;
  sim::ServerSlot servers[kServers], ref;
  const size_t clients = cs.clients.size();
  st.via_proxy.resize(clients);
  st.via_ref.resize(clients);
  st.client_error.resize(clients);
  st.client_done.assign(clients, false);

  sim::WorldOptions o;
  o.seed = cs.seed;
  o.shuffle_ties = cs.shuffle_ties;
  o.net.latency_min = rt::microseconds(cs.latency_min_us);
  o.net.latency_max = rt::microseconds(cs.latency_max_us);
  o.net.tail_chance = cs.tail_chance;
  o.net.tail_max = rt::microseconds(cs.tail_max_us);
  o.net.pair_extra_max = rt::microseconds(cs.pair_extra_max_us);
  o.net.max_segment = cs.max_segment;
  o.net.send_buffer_min = cs.send_buffer_min;
  o.net.send_buffer_max = cs.send_buffer_max;
  o.planted.insert(bugs.begin(), bugs.end());
  sim::World w(std::move(o));

  for (int i = 0; i < kServers; ++i) {
    sim::add_server_on(w, server_host(i), servers[i], [](server::Config& c) { c.cluster_mode = true; });
  }
  sim::add_server_on(w, "ref", ref);
  w.add_process(w.add_host("proxy"), "codis-proxy", [&st](rt::Env& env) {
     return proxy_main(env, &st);
   }).start();
  w.add_process(w.add_host("dashboard"), "setup", [&st](rt::Env& env) {
     return setup_main(env, &st);
   }).start();
  if (!w.run_until([&st] { return st.setup_done || !st.setup_error.empty(); }, w.now() + rt::seconds(60)) ||
      !st.setup_error.empty()) {
    return "setup failed: " + (st.setup_error.empty() ? std::string("it did not finish") : st.setup_error);
  }

  for (size_t i = 0; i < clients; ++i) {
    const Client* spec = &cs.clients[i];
    w.add_process(w.add_host("client" + std::to_string(i)), "client", [&st, spec, i](rt::Env& env) {
       return client_main(env, &st, spec, i);
     }).start();
  }
  w.add_process(w.add_host("tester"), "one-redis", [&st, &cs](rt::Env& env) {
     return ref_main(env, &st, &cs);
   }).start();
  auto finished = [&st, clients] {
    for (size_t i = 0; i < clients; ++i) {
      if (!st.client_done[i] && st.client_error[i].empty()) {
        return false;
      }
    }
    return st.ref_done || !st.ref_error.empty();
  };
  if (!w.run_until(finished, w.now() + rt::seconds(600))) {
    for (size_t i = 0; i < clients; ++i) {
      if (!st.client_done[i]) {
        return "client " + std::to_string(i) + " did not finish: " + std::to_string(st.via_proxy[i].size()) +
               " replies";
      }
    }
    return "the replay on one Redis did not finish";
  }
  if (!st.ref_error.empty()) {
    return st.ref_error;
  }
  for (size_t i = 0; i < clients; ++i) {
    if (!st.client_error[i].empty()) {
      return "client " + std::to_string(i) + ": " + st.client_error[i];
    }
    if (std::string why = compare(cs, st, i); !why.empty()) {
      return why;
    }
  }
  if (st.proxy != nullptr) {
    if (const uint64_t n = st.proxy->stats().redirects.get(); n != 0) {
      return "the proxy followed " + std::to_string(n) +
             " redirects: a command went to a server that does not own its slot";
    }
  }
  return "";
}

}  // namespace codis::proxy::model
