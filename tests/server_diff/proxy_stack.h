// The subject of server_diff --proxy: `groups` servers in cluster mode, a routing file giving each an equal
// run of the 1024 slots, and codis-proxy in front of them, all on free 127.0.0.1 ports and killed by PID
// when the object dies (each ServerProcess does that). The runner talks to the proxy and reads the data
// set's digest from the servers themselves (digest.h).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tests/server_diff/runner.h"
#include "tests/server_diff/server_process.h"

namespace codis::diff {

class ProxyStack {
 public:
  ProxyStack() = default;
  ~ProxyStack();
  ProxyStack(const ProxyStack&) = delete;
  ProxyStack& operator=(const ProxyStack&) = delete;

  // `server_args` is the servers' argument template (empty: default_server_args), to which cluster mode
  // is added. On failure returns false with the reason and the failing process's output in `error`.
  bool start(const std::string& server_path, const std::string& server_args, const std::string& proxy_path,
             int groups, std::string& error);

  ServerProcess& proxy() { return proxy_; }
  std::vector<Endpoint> backends() const;
  // The proxy and its servers, for transport-failure reports.
  std::vector<ServerProcess*> processes();
  std::string describe() const;  // "codis-proxy pid 1 on 127.0.0.1:2 over 3 servers (127.0.0.1:3, ...)"

 private:
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  ServerProcess proxy_;
  std::string dir_;  // holds the routing file
};

}  // namespace codis::diff
