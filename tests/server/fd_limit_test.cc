// codis-server at the open-file limit, as redis-server behaves there: started with a low RLIMIT_NOFILE (set
// in the child before exec), it raises the limit where it can, otherwise lowers maxclients to fit and logs
// why; extra clients get "-ERR max number of clients reached" and are closed, and the server lives on.
// Raw loopback sockets only; each server is killed by PID when its test ends.
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/server/server_process.h"

namespace {

using codis::server::testing::dial_loopback;

// codis-server with RLIMIT_NOFILE soft:hard (tests/server/server_process.h).
class LimitedServer : public codis::server::testing::ServerProcess {
 public:
  LimitedServer(rlim_t soft, rlim_t hard, std::vector<std::string> extra = {})
      : ServerProcess(CODIS_SERVER_BIN, std::move(extra), std::pair<rlim_t, rlim_t>(soft, hard)) {}
};

// True when this process may raise its hard limit (CAP_SYS_RESOURCE, as root outside a container): then a
// "hard" limit set before exec binds nothing and the tests that rely on it skip.
bool can_raise_hard_limit() {
  pid_t pid = fork();
  if (pid == 0) {
    rlimit l{64, 64};
    rlimit more{128, 128};
    _exit(setrlimit(RLIMIT_NOFILE, &l) == 0 && setrlimit(RLIMIT_NOFILE, &more) == 0 ? 1 : 0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, ms) > 0;
}

// The first line received ("+PONG", "-ERR ..."), or "<EOF>" / "<timeout>".
std::string read_line(int fd) {
  std::string got;
  while (got.find("\r\n") == std::string::npos) {
    if (!readable(fd, 5000)) {
      return "<timeout>";
    }
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      return got.empty() ? "<EOF>" : got;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  return got.substr(0, got.find("\r\n"));
}

// Sends a command and returns the first reply line ("+PONG", "-ERR ..."), or "<EOF>" / "<timeout>".
std::string ask(int fd, const std::string& cmd) {
  std::string line = cmd + "\r\n";
  // MSG_NOSIGNAL: a refused client's socket may already be reset.
  if (send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    return "<EOF>";
  }
  return read_line(fd);
}

// Waits (at most 5 s) for the server to close fd after what it sent.
bool closed_by_server(int fd) {
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) {
      return false;
    }
    char buf[512];
    if (read(fd, buf, sizeof buf) <= 0) {
      return true;
    }
  }
}

// The bulk reply's payload of "CONFIG GET name" (second element), read whole.
std::string config_get(int fd, const std::string& name) {
  std::string cmd = "CONFIG GET " + name + "\r\n";
  (void)!send(fd, cmd.data(), cmd.size(), MSG_NOSIGNAL);
  std::string got;
  for (int lines = 0; lines < 5;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) {
      break;
    }
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    got.append(buf, static_cast<size_t>(n));
    lines = 0;
    for (size_t at = 0; (at = got.find("\r\n", at)) != std::string::npos; at += 2) {
      ++lines;
    }
  }
  // *2 $len name $len value
  size_t pos = 0;
  for (int i = 0; i < 4 && pos != std::string::npos; ++i) {
    pos = got.find("\r\n", pos);
    pos = pos == std::string::npos ? pos : pos + 2;
  }
  return pos == std::string::npos ? got : got.substr(pos, got.find("\r\n", pos) - pos);
}

TEST(FdLimit, HardLimitOf64LowersMaxclientsRefusesTheRestAndKeepsServing) {
  if (can_raise_hard_limit()) {
    GTEST_SKIP() << "this process may raise its hard RLIMIT_NOFILE";
  }
  // `ulimit -n 64`: soft and hard 64, so the limit cannot be raised; redis-server runs with maxclients 32.
  LimitedServer server(64, 64);
  ASSERT_NE(server.port(), 0) << "server did not start:\n" << server.log();

  std::vector<int> admitted, refused;
  for (int i = 0; i < 100; ++i) {
    int fd = dial_loopback(server.port());
    ASSERT_GE(fd, 0) << "connect " << i;
    // A refused client is told at once, unasked; writing to it could race with its close (a reset can
    // discard the error line), so listen first.
    std::string reply = readable(fd, 100) ? read_line(fd) : ask(fd, "PING");
    if (reply == "+PONG") {
      admitted.push_back(fd);
    } else {
      EXPECT_EQ(reply, "-ERR max number of clients reached") << "client " << i;
      EXPECT_TRUE(closed_by_server(fd)) << "client " << i;
      refused.push_back(fd);
    }
  }
  EXPECT_TRUE(server.alive());
  EXPECT_EQ(admitted.size(), 32u);
  EXPECT_EQ(refused.size(), 68u);
  for (int fd : refused) {
    close(fd);
  }
  // The first ones still answer.
  for (int fd : admitted) {
    EXPECT_EQ(ask(fd, "PING"), "+PONG");
  }
  EXPECT_EQ(config_get(admitted[0], "maxclients"), "32");
  // CONFIG SET cannot raise it either (Redis's words), and leaves it as it was.
  EXPECT_EQ(
      ask(admitted[0], "CONFIG SET maxclients 1000"),
      "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not "
      "able to handle the specified number of clients, try with 32");
  EXPECT_EQ(config_get(admitted[0], "maxclients"), "32");

  // Closing some lets new ones in (once the server has seen them go).
  for (int i = 0; i < 5; ++i) {
    close(admitted.back());
    admitted.pop_back();
  }
  int let_in = 0;
  for (int attempt = 0; attempt < 100 && let_in < 5; ++attempt) {
    int fd = dial_loopback(server.port());
    ASSERT_GE(fd, 0);
    if (ask(fd, "PING") == "+PONG") {
      admitted.push_back(fd);
      ++let_in;
    } else {
      close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_EQ(let_in, 5);
  EXPECT_TRUE(server.alive());
  for (int fd : admitted) {
    close(fd);
  }

  const std::string log = server.log();
  EXPECT_NE(log.find("You requested maxclients of 10000 requiring at least 10032 max file descriptors."),
            std::string::npos)
      << log;
  EXPECT_NE(
      log.find("Server can't set maximum open files to 10032 because of OS error: Operation not permitted."),
      std::string::npos)
      << log;
  EXPECT_NE(
      log.find("Current maximum open files is 64. maxclients has been reduced to 32 to compensate for low "
               "ulimit. If you need higher maxclients increase 'ulimit -n'."),
      std::string::npos)
      << log;
}

TEST(FdLimit, SoftLimitIsRaisedAtStartAndByConfigSetUpToTheHardLimit) {
  if (can_raise_hard_limit()) {
    GTEST_SKIP() << "this process may raise its hard RLIMIT_NOFILE";
  }
  LimitedServer server(64, 4096, {"--maxclients", "100"});
  ASSERT_NE(server.port(), 0) << "server did not start:\n" << server.log();
  EXPECT_NE(server.log().find("Increased maximum number of open files to 132 (it was originally set to 64)."),
            std::string::npos)
      << server.log();
  int fd = dial_loopback(server.port());
  ASSERT_GE(fd, 0);
  EXPECT_EQ(config_get(fd, "maxclients"), "100");
  EXPECT_EQ(ask(fd, "CONFIG SET maxclients 1000"), "+OK");
  EXPECT_EQ(config_get(fd, "maxclients"), "1000");
  EXPECT_NE(
      server.log().find("Increased maximum number of open files to 1032 (it was originally set to 132)."),
      std::string::npos)
      << server.log();
  // Beyond the hard limit: refused, with the most that fits.
  EXPECT_EQ(
      ask(fd, "CONFIG SET maxclients 100000"),
      "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not "
      "able to handle the specified number of clients, try with 4064");
  EXPECT_EQ(config_get(fd, "maxclients"), "1000");
  close(fd);
  EXPECT_TRUE(server.alive());
}

TEST(FdLimit, TooFewDescriptorsToStartIsAFatalError) {
  if (can_raise_hard_limit()) {
    GTEST_SKIP() << "this process may raise its hard RLIMIT_NOFILE";
  }
  LimitedServer server(32, 32);
  EXPECT_EQ(server.port(), 0);
  EXPECT_NE(server.log().find("Your current 'ulimit -n' of 32 is not enough for the server to start. Please "
                              "increase your open file limit to at least 10032. Exiting."),
            std::string::npos)
      << server.log();
}

}  // namespace
