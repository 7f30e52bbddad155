// What the proxy's integration tests share: codis-server processes behind a codis-proxy process that routes
// by a routing file written for them.
#pragma once

#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cmd/slot.h"
#include "tests/server/redis_client.h"
#include "tests/server/server_process.h"

namespace codis::proxy::testing {

using server::testing::call;
using server::testing::Conn;
using server::testing::connect;
using server::testing::ServerProcess;

// `groups` servers (cluster-mode as asked), the slots split evenly between them in the routing file (or all
// on the first with `all_on_first`), and a proxy with `threads` loops in front.
struct ProxyCluster {
  explicit ProxyCluster(int groups, bool cluster_mode = false, bool all_on_first = false, int threads = 2,
                        std::vector<std::string> proxy_extra = {},
                        std::vector<std::string> server_extra = {}) {
    for (int g = 0; g < groups; ++g) {
      std::vector<std::string> args = {"--cluster-mode", cluster_mode ? "yes" : "no"};
      args.insert(args.end(), server_extra.begin(), server_extra.end());
      servers.push_back(std::make_unique<ServerProcess>(CODIS_SERVER_BIN, args));
    }
    std::string json = "{\"epoch\": 1, \"groups\": [";
    for (int g = 0; g < groups; ++g) {
      json += (g ? ", " : "") + std::string("{\"id\": ") + std::to_string(g + 1) + ", \"master\": \"" +
              addr(g) + "\"}";
    }
    json += "], \"slots\": [";
    for (int g = 0; g < groups; ++g) {
      const int lo = all_on_first ? (g == 0 ? 0 : -1) : g * 1024 / groups;
      const int hi = all_on_first ? (g == 0 ? 1023 : -1) : (g + 1) * 1024 / groups - 1;
      if (lo < 0) {
        continue;
      }
      json += (g ? ", " : "") + std::string("{\"range\": [") + std::to_string(lo) + ", " +
              std::to_string(hi) + "], \"group\": " + std::to_string(g + 1) + "}";
    }
    json += "]}";
    slots_file = ::testing::TempDir() + "codis-proxy-slots-" + std::to_string(getpid()) + "-" +
                 std::to_string(reinterpret_cast<uintptr_t>(this)) + ".json";
    std::ofstream(slots_file) << json;
    std::vector<std::string> args = {"--slots", slots_file, "--threads", std::to_string(threads)};
    args.insert(args.end(), proxy_extra.begin(), proxy_extra.end());
    proxy = std::make_unique<ServerProcess>(CODIS_PROXY_BIN, args, std::nullopt, ServerProcess::Kind::kProxy);
  }
  ~ProxyCluster() { std::remove(slots_file.c_str()); }

  std::string addr(int g) const { return "127.0.0.1:" + std::to_string(servers[g]->port()); }
  int port() const { return proxy->port(); }
  bool up() const {
    for (const auto& s : servers) {
      if (s->port() == 0) {
        return false;
      }
    }
    return proxy->port() != 0;
  }

  // Replaces the routing file and makes the proxy load it (SIGHUP); true once INFO shows `epoch`.
  bool reload(const std::string& json, uint64_t epoch) {
    std::ofstream(slots_file) << json;
    if (kill(proxy->pid(), SIGHUP) != 0) {
      return false;
    }
    Conn c = connect(port());
    for (int i = 0; i < 200; ++i) {
      if (call(c.get(), {"INFO", "cluster"}).find("routing_epoch:" + std::to_string(epoch)) !=
          std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::vector<std::unique_ptr<ServerProcess>> servers;
  std::unique_ptr<ServerProcess> proxy;
  std::string slots_file;
};

// A key of `slot` with the given prefix.
inline std::string key_in_slot(uint32_t slot, const std::string& prefix) {
  for (int i = 0;; ++i) {
    std::string k = prefix + std::to_string(i);
    if (cmd::slot_of(k) == slot) {
      return k;
    }
  }
}

}  // namespace codis::proxy::testing
