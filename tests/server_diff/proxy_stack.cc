// Starting codis-proxy over cluster-mode servers for server_diff --proxy (see proxy_stack.h).
#include "tests/server_diff/proxy_stack.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tests/server_diff/client.h"

namespace codis::diff {
namespace {

// Group g + 1 owns slots [g * 1024 / n, (g + 1) * 1024 / n), so the streams' keys spread over every
// server.
std::string routing_json(const std::vector<Endpoint>& servers) {
  const size_t n = servers.size();
  std::string groups, slots;
  for (size_t g = 0; g < n; ++g) {
    const std::string id = std::to_string(g + 1);
    groups += (g ? ", " : "") + std::string("{\"id\": ") + id + ", \"master\": \"" + servers[g].host + ":" +
              std::to_string(servers[g].port) + "\"}";
    slots += (g ? ", " : "") + std::string("{\"range\": [") + std::to_string(g * 1024 / n) + ", " +
             std::to_string((g + 1) * 1024 / n - 1) + "], \"group\": " + id + "}";
  }
  return "{\"epoch\": 1, \"groups\": [" + groups + "], \"slots\": [" + slots + "]}\n";
}

}  // namespace

ProxyStack::~ProxyStack() {
  proxy_.stop();
  servers_.clear();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool ProxyStack::start(const std::string& server_path, const std::string& server_args,
                       const std::string& proxy_path, int groups, std::string& error) {
  const std::string args =
      (server_args.empty() ? default_server_args(server_path) : server_args) + " --cluster-mode yes";
  for (int g = 0; g < groups; ++g) {
    servers_.push_back(std::make_unique<ServerProcess>());
    const ServerSpec spec{"subject server " + std::to_string(g + 1), server_path, args, ""};
    if (!servers_.back()->start(spec, error)) return false;
  }
  // A cluster-mode server starts owning no slot (docs/slots.md): give each its run, as the dashboard would.
  const size_t n = servers_.size();
  for (size_t g = 0; g < n; ++g) {
    Client c;
    resp::Value r;
    const std::string range = std::to_string(g * 1024 / n) + "-" + std::to_string((g + 1) * 1024 / n - 1);
    if (!c.connect(servers_[g]->host(), servers_[g]->port(), error) ||
        !c.call({"SLOTSSETSTATE", range, "owned", "-", "1"}, r, error)) {
      return false;
    }
    if (r.is_error()) {
      error = servers_[g]->describe() + ": SLOTSSETSTATE " + range + ": " + r.str;
      return false;
    }
  }
  char tmpl[] = "/tmp/server-diff-proxy-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    error = std::string("mkdtemp: ") + std::strerror(errno);
    return false;
  }
  dir_ = tmpl;
  const std::string routing = dir_ + "/routing.json";
  std::ofstream(routing) << routing_json(backends());
  // No admin port: several proxies (parallel ctests) must not fight over its default port.
  const ServerSpec spec{
      "subject proxy", proxy_path,
      "--slots " + routing + " --listen 127.0.0.1:{port} --admin '' --threads 2 --logfile {dir}/server.log",
      ""};
  return proxy_.start(spec, error);
}

std::vector<Endpoint> ProxyStack::backends() const {
  std::vector<Endpoint> out;
  for (const auto& s : servers_) out.push_back({s->host(), s->port()});
  return out;
}

std::vector<ServerProcess*> ProxyStack::processes() {
  std::vector<ServerProcess*> out = {&proxy_};
  for (const auto& s : servers_) out.push_back(s.get());
  return out;
}

std::string ProxyStack::describe() const {
  std::string out = proxy_.describe() + " over " + std::to_string(servers_.size()) + " servers (";
  for (size_t i = 0; i < servers_.size(); ++i) {
    out += (i ? ", " : "") + servers_[i]->host() + ":" + std::to_string(servers_[i]->port());
  }
  return out + ")";
}

}  // namespace codis::diff
