#include "proxy/admin.h"

#include <boost/json.hpp>

#include "proxy/backend.h"
#include "proxy/proxy.h"

namespace codis::proxy {

namespace json = boost::json;

namespace {

http::Response error(int status, const std::string& why) {
  json::object o;
  o["error"] = why;
  return http::Response::json(status, json::serialize(o));
}

// The health of the shared connection to a server, as loop 0 sees it.
std::string health(const Proxy& p, const rt::Endpoint& addr) {
  auto b = p.backends().find(addr.to_string());
  if (b == p.backends().end()) {
    return "idle";
  }
  return b->second->connected() ? "up" : b->second->down() ? "down" : "connecting";
}

}  // namespace

void add_admin_routes(http::Router& router, Proxy& proxy, AdminHooks hooks) {
  auto authorized = [token = hooks.token](const http::Request& req) {
    return token.empty() || req.header("authorization") == "Bearer " + token;
  };
  router.get("/api/v1/status", [&proxy, loops = hooks.loops](const http::Request&) {
    const StatsSnapshot t = proxy.totals();
    const RoutingTable& table = proxy.table();
    json::object o;
    o["version"] = "codis-cpp";
    o["uptime_seconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(proxy.env().clock.mono() - proxy.started()).count();
    o["loops"] = loops;
    o["clients"] = t.sessions_open;
    o["connections_received"] = t.sessions_opened;
    o["commands"] = t.commands;
    o["errors"] = t.errors;
    o["redirects"] = t.redirects;
    o["tryagain_retries"] = t.retries;
    o["migration_forwards"] = t.forwards;
    o["output_limit_disconnections"] = t.output_limit_closes;
    o["routing_epoch"] = table.epoch();
    o["slots_served"] = table.served_slots();
    std::map<int, int> per_group;
    for (uint32_t s = 0; s < cmd::kSlots; ++s) {
      ++per_group[table.owner(s)];
    }
    json::array groups;
    for (const auto& [id, g] : table.groups()) {
      json::object jg;
      jg["id"] = id;
      jg["master"] = g.master.to_string();
      jg["slots"] = per_group[id];
      jg["backend"] = health(proxy, g.master);
      groups.emplace_back(std::move(jg));
    }
    o["groups"] = std::move(groups);
    return http::Response::json(200, json::serialize(o));
  });
  router.get("/api/v1/slots",
             [&proxy](const http::Request&) { return http::Response::json(200, proxy.table().to_json()); });
  router.put("/api/v1/slots", [authorized, set = hooks.set_table](const http::Request& req) {
    if (!authorized(req)) {
      return error(401, "a bearer token is needed");
    }
    const std::string why = set(req.body);
    return why.empty() ? http::Response::json(200, "{\"ok\":true}") : error(400, why);
  });
  router.post("/api/v1/reload", [authorized, reload = hooks.reload](const http::Request& req) {
    if (!authorized(req)) {
      return error(401, "a bearer token is needed");
    }
    const std::string why = reload();
    return why.empty() ? http::Response::json(200, "{\"ok\":true}") : error(400, why);
  });
  router.get("/metrics", [&proxy](const http::Request&) {
    const StatsSnapshot t = proxy.totals();
    const RoutingTable& table = proxy.table();
    std::string m;
    auto metric = [&m](const char* name, const char* type, const char* help, uint64_t v) {
      m += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(v) + "\n";
    };
    metric("codis_proxy_commands_total", "counter", "Commands received from clients.", t.commands);
    metric("codis_proxy_errors_total", "counter", "Error replies sent to clients.", t.errors);
    metric("codis_proxy_redirects_total", "counter", "MOVED and ASK redirects followed.", t.redirects);
    metric("codis_proxy_tryagain_retries_total", "counter", "TRYAGAIN answers waited out.", t.retries);
    metric("codis_proxy_migration_forwards_total", "counter",
           "Calls on a migrating slot sent to its source first (Codis's forwarding).", t.forwards);
    metric("codis_proxy_output_limit_disconnections_total", "counter",
           "Subscribers disconnected for passing the pub/sub output buffer limit.", t.output_limit_closes);
    metric("codis_proxy_connections_received_total", "counter", "Client connections accepted.",
           t.sessions_opened);
    metric("codis_proxy_connected_clients", "gauge", "Clients connected now.", t.sessions_open);
    metric("codis_proxy_routing_epoch", "gauge", "Epoch of the routing table in use.", table.epoch());
    metric("codis_proxy_slots_served", "gauge", "Slots with an owner in the routing table.",
           static_cast<uint64_t>(table.served_slots()));
    m += "# HELP codis_proxy_backend_up Whether the shared connection to a group's master is up (loop 0).\n"
         "# TYPE codis_proxy_backend_up gauge\n";
    for (const auto& [id, g] : table.groups()) {
      m += "codis_proxy_backend_up{group=\"" + std::to_string(id) + "\",addr=\"" + g.master.to_string() +
           "\"} " + (health(proxy, g.master) == "up" ? "1" : "0") + "\n";
    }
    // Per command: calls, errors and latency quantiles (from the read to the reply's write), every loop.
    std::string calls, errors, latency;
    const auto& commands = CommandStats::commands();
    for (size_t i = 0; i < commands.size(); ++i) {
      const CommandTotals t = proxy.command_totals(i);
      if (t.calls == 0) {
        continue;
      }
      const std::string label = "{cmd=\"" + std::string(commands[i]->name) + "\"";
      calls += "codis_proxy_command_calls_total" + label + "} " + std::to_string(t.calls) + "\n";
      errors += "codis_proxy_command_errors_total" + label + "} " + std::to_string(t.errors) + "\n";
      for (const auto& [q, text] :
           {std::pair{0.5, "0.5"}, std::pair{0.99, "0.99"}, std::pair{0.999, "0.999"}}) {
        latency += "codis_proxy_command_latency_microseconds" + label + ",quantile=\"" + text + "\"} " +
                   std::to_string(t.quantile_us(q)) + "\n";
      }
    }
    m += "# HELP codis_proxy_command_calls_total Commands by name.\n# TYPE codis_proxy_command_calls_total "
         "counter\n" +
         calls;
    m += "# HELP codis_proxy_command_errors_total Error replies by command.\n"
         "# TYPE codis_proxy_command_errors_total counter\n" +
         errors;
    m += "# HELP codis_proxy_command_latency_microseconds Latency quantiles by command (power-of-two "
         "buckets).\n"
         "# TYPE codis_proxy_command_latency_microseconds gauge\n" +
         latency;
    http::Response r = http::Response::text(200, std::move(m));
    r.content_type = "text/plain; version=0.0.4";
    return r;
  });
}

}  // namespace codis::proxy
