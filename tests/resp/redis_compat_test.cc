// Differential test: sends protocol-error inputs to a real redis-server (Debian's 7.0, if installed) and
// checks it answers exactly what RequestParser's error text predicts. Skipped when there is no server.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "resp/request_parser.h"

extern char** environ;

namespace codis::resp {
namespace {

constexpr const char* kRedisServer = "/usr/bin/redis-server";

// A redis-server on a unix socket in a private temporary directory, for the life of the test suite.
class RedisServer {
 public:
  bool start() {
    char tmpl[] = "/tmp/codis-resp-redis-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return false;
    dir_ = tmpl;
    socket_ = dir_ + "/redis.sock";
    std::vector<std::string> args = {
        kRedisServer,   "--port", "0",     "--unixsocket", socket_,     "--save",           "",
        "--appendonly", "no",     "--dir", dir_,           "--logfile", dir_ + "/redis.log"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, kRedisServer, nullptr, nullptr, argv.data(), environ) != 0) return false;
    for (int i = 0; i < 500; ++i) {  // up to ~5 s for the socket to accept
      const int fd = connect_once();
      if (fd >= 0) {
        close(fd);
        return true;
      }
      poll(nullptr, 0, 10);
    }
    return false;
  }

  ~RedisServer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Sends `input` on a fresh connection and returns everything the server sends back until it closes
  // the connection or `expect_bytes` have arrived (or 2 s pass without data).
  std::string exchange(std::string_view input, size_t expect_bytes) const {
    const int fd = connect_once();
    if (fd < 0) return "<connect failed>";
    size_t sent = 0;
    while (sent < input.size()) {
      const ssize_t n = send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    std::string out;
    char buf[4096];
    while (out.size() < expect_bytes) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 2000) <= 0) break;
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return out;
  }

 private:
  int connect_once() const {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_.c_str(), sizeof(addr.sun_path) - 1);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

  pid_t pid_ = -1;
  std::string dir_;
  std::string socket_;
};

class RedisCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (access(kRedisServer, X_OK) != 0) return;
    server_ = new RedisServer();
    if (!server_->start()) {
      delete server_;
      server_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_ == nullptr) GTEST_SKIP() << "no runnable " << kRedisServer;
  }

  // What a server built on RequestParser would send for `input` if every command were PING: one +PONG
  // per command, then "-ERR <message>" if the input is malformed.
  static std::string predicted(std::string_view input, bool authenticated = true) {
    RequestParser p;
    p.set_authenticated(authenticated);
    std::string out;
    for (;;) {
      const ParseResult r = p.parse(input);
      input.remove_prefix(r.consumed);
      if (r.ok()) {
        out += "+PONG\r\n";
      } else {
        if (r.error()) out += "-ERR " + std::string(p.error_message()) + "\r\n";
        return out;
      }
    }
  }

  static RedisServer* server_;
};

RedisServer* RedisCompat::server_ = nullptr;

TEST_F(RedisCompat, ProtocolErrorsMatchRedis) {
  const std::vector<std::string> cases = {
      "*x\r\n",
      "*\r\n",
      "*+1\r\n",
      "*01\r\n",
      "*-0\r\n",
      "*1 \r\n",
      "*2147483648\r\n",
      "*1\r\n$-1\r\n",
      "*1\r\n$01\r\n",
      "*1\r\n$-0\r\n",
      "*1\r\n$ 3\r\n",
      "*1\r\n$\r\n",
      "*1\r\n$536870913\r\n",
      "*1\r\nx\r\n",
      "*1\r\n\xff\r\n",
      "*1\r\n\r\n",
      "*1\r\n\n\r\n",
      "PING \"abc\r\n",
      "PING \"a\"b\r\n",
      "PING a\"b c\"d\r\n",
      "PING 'a\r\n",
      "PING\r\n*1\r\n$4\r\nPING\r\n*1\r\nx\r\n",
      "*1\r\n$4\r\nPING\r\nPING\n*2\r\n$4\r\nPING\r\n$-5\r\n",
      "*" + std::string(70000, '1'),
      "*1\r\n$" + std::string(70000, '1'),
      "PING " + std::string(70000, 'A'),
  };
  for (const std::string& input : cases) {
    const std::string want = predicted(input);
    ASSERT_NE(want.find("-ERR"), std::string::npos) << input;
    EXPECT_EQ(server_->exchange(input, 1 << 20), want) << "input: " << input.substr(0, 40);
  }
}

TEST_F(RedisCompat, AcceptedInputsMatchRedis) {
  const std::vector<std::string> cases = {
      "PING\r\n",
      "\r\n\nPING\r\n",
      "   \n*0\r\n*-1\r\n*-2\r\nPING\n",
      "*1\rX$4\r\nPINGXY*1\r\n$4\r\nPING\r\n",
      "PING\r\r\n",
      "\"PING\"\r\n",
      "'PING'\r\n",
      "PI\"NG\"\n",
      "\vPING\n",
  };
  for (const std::string& input : cases) {
    const std::string want = predicted(input);
    ASSERT_EQ(want.find("-ERR"), std::string::npos) << input;
    EXPECT_EQ(server_->exchange(input, want.size()), want) << "input: " << input;
  }
}

}  // namespace
}  // namespace codis::resp
