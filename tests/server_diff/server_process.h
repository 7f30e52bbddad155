// A server under test: a binary started on a free loopback port in a private temporary directory and
// killed by PID when the object dies (RAII), or an already running server given by host:port.
#pragma once

#include <sys/types.h>

#include <string>

namespace codis::diff {

struct ServerSpec {
  std::string label;    // "reference" or "subject", for messages
  std::string path;     // the binary; ignored when `address` is set
  std::string args;     // argument template (redis-cli quoting); {port} and {dir} are substituted
  std::string address;  // host:port of a running server to use instead of starting one
};

// The argument template for a binary: redis-server gets persistence off; anything else gets only the
// options codis-server promises (issue 3), since unknown options are a start-up error there.
std::string default_server_args(const std::string& path);

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts (or attaches) and waits until the port accepts connections. On failure returns false with
  // the reason and the server's own output in `error`.
  bool start(const ServerSpec& spec, std::string& error);
  // SIGTERM, then SIGKILL after 3 s; waits for the process; removes the temporary directory.
  void stop();

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& label() const { return label_; }
  std::string describe() const;  // "reference redis-server pid 123 on 127.0.0.1:40001"

  // False once a started process has exited; `status` then says how.
  bool alive(std::string* status = nullptr);
  // The end of the server's log and stdout/stderr, for failure reports.
  std::string output_tail(size_t bytes = 2000) const;

 private:
  bool spawn(const ServerSpec& spec, int port, std::string& error);

  std::string label_;
  std::string path_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
  std::string exit_status_;
};

// Picks a port the kernel considers free on 127.0.0.1 (bind port 0, read it, close). Another process may
// take it before the server binds; start() retries with a new port when that happens.
int pick_free_port();

// Connects to host:port with a timeout; returns the socket or -1.
int connect_tcp(const std::string& host, int port, int timeout_ms);

}  // namespace codis::diff
