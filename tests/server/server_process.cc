#include "tests/server/server_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>

namespace codis::server::testing {

namespace {
std::atomic<int> started{0};
}  // namespace

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> extra,
                             std::optional<std::pair<rlim_t, rlim_t>> nofile, Kind kind) {
  // Logs go to a file (kept for post-mortems) so stdout carries only the port line.
  log_ = ::testing::TempDir() + "codis-server-test-" + std::to_string(getpid()) + "-" +
         std::to_string(++started) + ".log";
  int out[2];
  if (pipe(out) != 0) {
    return;
  }
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    if (nofile) {
      rlimit l{nofile->first, nofile->second};
      if (setrlimit(RLIMIT_NOFILE, &l) != 0) {
        _exit(126);
      }
    }
    // A fresh directory of its own: a server saves its dump.rdb there (save rules, SHUTDOWN) and loads it
    // at start, and must never load another test's (`extra` may name another --dir).
    std::string dir = log_ + ".dir";
    mkdir(dir.c_str(), 0755);
    std::vector<std::string> args = {binary, "--port", "0", "--logfile", log_, "--dir", dir};
    if (kind == Kind::kProxy) {
      args = {binary, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--logfile", log_};
    }
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  out_ = out[0];
  // Read stdout until the port line (log lines may come first), for at most 10 seconds.
  std::string buf;
  const std::string marker =
      kind == Kind::kProxy ? "codis-proxy listening on " : "codis-server listening on ";
  for (int waited = 0; waited < 10000 && port_ == 0;) {
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) {
      waited += 100;
      continue;
    }
    char tmp[512];
    ssize_t n = read(out_, tmp, sizeof tmp);
    if (n <= 0) {
      break;
    }
    buf.append(tmp, static_cast<size_t>(n));
    auto at = buf.find(marker);
    auto nl = at == std::string::npos ? std::string::npos : buf.find('\n', at);
    if (nl != std::string::npos) {
      std::string addr = buf.substr(at + marker.size(), nl - at - marker.size());
      port_ = std::stoi(addr.substr(addr.rfind(':') + 1));
    }
  }
  banner_ = buf;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) {
    close(out_);
  }
}

bool ServerProcess::alive() const {
  return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0;
}

std::string ServerProcess::log() const {
  std::ifstream f(log_);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int dial_loopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace codis::server::testing
