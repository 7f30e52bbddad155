// Starting, watching and killing server processes (see server_process.h).
#include "tests/server_diff/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/server_diff/command.h"
#include "tests/server_diff/process_guard.h"

namespace codis::diff {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

std::string read_tail(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

void sleep_ms(int ms) {
  poll(nullptr, 0, ms);
}

}  // namespace

std::string default_server_args(const std::string& path) {
  const std::string base = std::filesystem::path(path).filename().string();
  if (base.find("redis-server") != std::string::npos) {
    // hz 100: Redis checks blocked clients' timeouts once per event-loop tick, so at the default 10 a
    // BLPOP with a 10 ms timeout takes 100 ms and slows the streams down.
    // enable-debug-command: the runner compares DEBUG DIGEST after each stream.
    return "--port {port} --bind 127.0.0.1 --save '' --appendonly no --daemonize no --hz 100 --dir {dir} "
           "--logfile {dir}/server.log --enable-debug-command yes";
  }
  return "--port {port} --bind 127.0.0.1 --dir {dir} --logfile {dir}/server.log";
}

int pick_free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

int connect_tcp(const std::string& host, int port, int timeout_ms) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return -1;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS) {
      close(fd);
      return -1;
    }
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      close(fd);
      return -1;
    }
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool ServerProcess::start(const ServerSpec& spec, std::string& error) {
  label_ = spec.label;
  if (!spec.address.empty()) {
    const size_t colon = spec.address.rfind(':');
    if (colon == std::string::npos) {
      error = spec.label + ": address must be host:port, got " + spec.address;
      return false;
    }
    host_ = spec.address.substr(0, colon);
    port_ = std::atoi(spec.address.c_str() + colon + 1);
    path_ = spec.address;
    const int fd = connect_tcp(host_, port_, 2000);
    if (fd < 0) {
      error = spec.label + ": cannot connect to " + spec.address;
      return false;
    }
    close(fd);
    return true;
  }
  path_ = spec.path;
  if (access(spec.path.c_str(), X_OK) != 0) {
    error = spec.label + ": " + spec.path + " is not an executable";
    return false;
  }
  char tmpl[] = "/tmp/server-diff-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    error = std::string("mkdtemp: ") + std::strerror(errno);
    return false;
  }
  dir_ = tmpl;
  // The port is free when picked but may be taken before the server binds it: retry with another.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = pick_free_port();
    if (port <= 0) {
      error = "no free port on 127.0.0.1";
      return false;
    }
    if (spawn(spec, port, error)) return true;
    const std::string out = output_tail();
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      unregister_child(pid_);
      pid_ = -1;
    }
    if (out.find("in use") == std::string::npos) {
      error += "\n--- " + spec.label + " output ---\n" + out;
      return false;
    }
    // Someone took the port: start over with a clean log.
    std::filesystem::remove(dir_ + "/server.log");
    std::filesystem::remove(dir_ + "/stdout.log");
  }
  error = spec.label + ": could not bind a free port after 5 attempts";
  return false;
}

bool ServerProcess::spawn(const ServerSpec& spec, int port, std::string& error) {
  std::string line = spec.args.empty() ? default_server_args(spec.path) : spec.args;
  replace_all(line, "{port}", std::to_string(port));
  replace_all(line, "{dir}", dir_);
  auto args = split_args(line);
  if (!args) {
    error = spec.label + ": unbalanced quotes in arguments: " + line;
    return false;
  }
  args->insert(args->begin(), spec.path);
  std::vector<char*> argv;
  for (std::string& a : *args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out_path = dir_ + "/stdout.log";
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    // Dies with the harness even if the harness is SIGKILLed; the check covers a parent that died first.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    // The same collation for both servers (SORT ALPHA BY uses strcoll).
    setenv("LC_ALL", "C", 1);
    execv(spec.path.c_str(), argv.data());
    _exit(127);
  }
  pid_ = pid;
  port_ = port;
  register_child(pid);
  for (int i = 0; i < 1000; ++i) {  // up to ~10 s
    std::string status;
    if (!alive(&status)) {
      error = spec.label + ": " + spec.path + " exited during start-up (" + status + ")";
      return false;
    }
    const int fd = connect_tcp(host_, port_, 100);
    if (fd >= 0) {
      close(fd);
      return true;
    }
    sleep_ms(10);
  }
  error = spec.label + ": " + spec.path + " did not accept connections on port " + std::to_string(port_) +
          " within 10 s";
  return false;
}

void ServerProcess::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    bool gone = false;
    for (int i = 0; i < 300 && !gone; ++i) {  // 3 s to exit cleanly
      gone = waitpid(pid_, nullptr, WNOHANG) == pid_;
      if (!gone) sleep_ms(10);
    }
    if (!gone) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    unregister_child(pid_);
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

bool ServerProcess::alive(std::string* status) {
  if (pid_ <= 0) {
    if (status) *status = exit_status_;
    return exit_status_.empty();
  }
  int ws = 0;
  if (waitpid(pid_, &ws, WNOHANG) != pid_) return true;
  if (WIFEXITED(ws)) {
    exit_status_ = "exit status " + std::to_string(WEXITSTATUS(ws));
  } else if (WIFSIGNALED(ws)) {
    exit_status_ = std::string("killed by signal ") + strsignal(WTERMSIG(ws));
  } else {
    exit_status_ = "stopped";
  }
  unregister_child(pid_);
  pid_ = -1;
  if (status) *status = exit_status_;
  return false;
}

std::string ServerProcess::output_tail(size_t bytes) const {
  if (dir_.empty()) return {};
  std::string out;
  const std::string log = read_tail(dir_ + "/server.log", bytes);
  if (!log.empty()) out += "[server.log]\n" + log;
  const std::string std_out = read_tail(dir_ + "/stdout.log", bytes);
  if (!std_out.empty()) out += "[stdout/stderr]\n" + std_out;
  return out;
}

std::string ServerProcess::describe() const {
  std::string s = label_ + " " + path_;
  if (pid_ > 0) s += " pid " + std::to_string(pid_);
  return s + " on " + host_ + ":" + std::to_string(port_);
}

}  // namespace codis::diff
