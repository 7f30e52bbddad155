// codis-server restarted on the port it had, as redis-server is: right after a SIGKILL that left the old
// server's connections in FIN_WAIT/TIME_WAIT the new one binds at once (SO_REUSEADDR), prints its
// "listening on" line although the port was given, and serves; and a port that truly cannot be bound ends
// the process with status 1 and the reason on stderr instead of leaving it running without a listener.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/server/server_process.h"

namespace {

using codis::server::testing::dial_loopback;
using codis::server::testing::ServerProcess;

// Sends `request` and reads until `want` arrived whole, or 5 s passed; what came.
std::string exchange(int fd, const std::string& request, size_t want) {
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    return "<write failed>";
  }
  std::string got;
  while (got.size() < want) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) {
      return got + "<timeout>";
    }
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      return got + "<EOF>";
    }
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

std::string ping(int port) {
  const int fd = dial_loopback(port);
  if (fd < 0) {
    return "<connect failed>";
  }
  const std::string r = exchange(fd, "PING\r\n", 7);
  close(fd);
  return r;
}

TEST(ServerRestart, SamePortRightAfterSigkillUnderConnections) {
  auto first = std::make_unique<ServerProcess>(CODIS_SERVER_BIN);
  const int port = first->port();
  ASSERT_GT(port, 0);
  // Connections in every state the kill can leave: idle, with a reply unread, and with a pipeline in flight
  // (the server's side of each then sits in FIN_WAIT, later TIME_WAIT, on the port).
  std::vector<int> clients;
  std::string pipeline;
  for (int i = 0; i < 2000; ++i) {
    pipeline += "SET k" + std::to_string(i) + " v\r\n";
  }
  for (int i = 0; i < 30; ++i) {
    const int fd = dial_loopback(port);
    ASSERT_GE(fd, 0);
    if (i % 3 == 1) {
      ASSERT_EQ(exchange(fd, "PING\r\n", 7), "+PONG\r\n");
      ASSERT_EQ(write(fd, "PING\r\n", 6), 6);  // its reply stays unread
    } else if (i % 3 == 2) {
      ASSERT_EQ(write(fd, pipeline.data(), pipeline.size()), static_cast<ssize_t>(pipeline.size()));
    }
    clients.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  first.reset();  // SIGKILL, and reaped
  // Half the clients close at once (the server's side goes to TIME_WAIT), half stay open (FIN_WAIT2).
  for (size_t i = 0; i < clients.size(); i += 2) {
    close(clients[i]);
  }

  ServerProcess second(CODIS_SERVER_BIN, {"--port", std::to_string(port)});
  ASSERT_EQ(second.port(), port) << "stdout: " << second.banner() << "\nlog:\n" << second.log();
  EXPECT_EQ(ping(port), "+PONG\r\n");
  EXPECT_NE(second.log().find("Ready to accept connections tcp on 127.0.0.1:" + std::to_string(port)),
            std::string::npos);
  for (size_t i = 1; i < clients.size(); i += 2) {
    close(clients[i]);
  }

  // And once more, in cluster mode, with the restarted server killed in turn.
  const pid_t second_pid = second.pid();
  ASSERT_EQ(kill(second_pid, SIGKILL), 0);
  ServerProcess third(CODIS_SERVER_BIN, {"--cluster-mode", "yes", "--port", std::to_string(port)});
  ASSERT_EQ(third.port(), port) << "stdout: " << third.banner() << "\nlog:\n" << third.log();
  EXPECT_EQ(ping(port), "+PONG\r\n");
}

// A port another socket listens on: the server exits with status 1 and says why on stderr, quickly.
TEST(ServerRestart, PortThatCannotBeBoundExitsWithAnError) {
  const int holder = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(holder, 1), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(getsockname(holder, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const std::string port = std::to_string(ntohs(a.sin_port));

  int err[2];
  ASSERT_EQ(pipe(err), 0);
  const std::string log = ::testing::TempDir() + "codis-server-restart-test-" + std::to_string(getpid());
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], 2);
    close(err[0]);
    close(err[1]);
    execl(CODIS_SERVER_BIN, CODIS_SERVER_BIN, "--port", port.c_str(), "--logfile", log.c_str(), nullptr);
    _exit(127);
  }
  close(err[1]);
  int status = 0;
  pid_t done = 0;
  for (int waited = 0; waited < 10000 && done == 0; waited += 20) {
    done = waitpid(pid, &status, WNOHANG);
    if (done == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  std::string stderr_text;
  char buf[1024];
  for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) {
    stderr_text.append(buf, static_cast<size_t>(n));
  }
  close(err[0]);
  close(holder);
  std::remove(log.c_str());
  ASSERT_EQ(done, pid) << "still running 10 s after its bind failed";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(stderr_text, "codis-server: could not listen on 127.0.0.1:" + port + ": address in use\n");
}

}  // namespace
