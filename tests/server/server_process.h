// The real codis-server (or codis-proxy) binary as a child process for integration tests: started on port 0
// (the port is read from its stdout) with a log file, optionally under a given RLIMIT_NOFILE, and killed by
// PID when the object is destroyed (PR_SET_PDEATHSIG kills it too if the test binary dies first).
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace codis::server::testing {

class ServerProcess {
 public:
  enum class Kind { kServer, kProxy };
  // `binary` is the codis-server to run; `extra` its arguments after --port 0 --logfile FILE; `nofile` the
  // soft and hard RLIMIT_NOFILE set in the child before exec. A codis-proxy (kProxy) gets
  // --listen 127.0.0.1:0 --admin 127.0.0.1:0 --logfile FILE before `extra` instead.
  ServerProcess(std::string binary, std::vector<std::string> extra = {},
                std::optional<std::pair<rlim_t, rlim_t>> nofile = std::nullopt, Kind kind = Kind::kServer);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // 0 when the server did not print its port within 10 seconds.
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Still running (not exited, not killed).
  bool alive() const;
  // Everything the server logged so far.
  std::string log() const;
  // What it printed on stdout up to its "listening on" line (codis-proxy: also "codis-proxy admin on ...").
  const std::string& banner() const { return banner_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
  std::string log_;
  std::string banner_;
};

// A blocking TCP connection to 127.0.0.1:port; -1 when it cannot be made.
int dial_loopback(int port);

}  // namespace codis::server::testing
