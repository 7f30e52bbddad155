// MONITOR (Redis 7.0's replicationFeedMonitors and monitorCommand): what a monitor sees, in which order and
// form, what it may do itself; SHUTDOWN's option checks. Expected lines follow redis-server 7.0.15.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "server/monitor.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

// The monitor lines client n received since the last call, without their "+<time> [" prefix's time:
// "[db] args".
std::vector<std::string> lines(ServerFixture& f, size_t n) {
  Client& m = f.client(n);
  std::vector<std::string> out;
  static const std::regex kLine(R"(\+(\d+)\.(\d{6}) \[(\d+) [^\]]*\] (.*))");
  size_t pos = 0;
  while (pos < m.outbox.size()) {
    const size_t end = m.outbox.find("\r\n", pos);
    EXPECT_NE(end, std::string::npos);
    const std::string line = m.outbox.substr(pos, end - pos);
    std::smatch mt;
    EXPECT_TRUE(std::regex_match(line, mt, kLine)) << line;
    out.push_back("[" + mt[3].str() + "] " + mt[4].str());
    pos = end + 2;
  }
  m.outbox.clear();
  return out;
}

TEST(Monitor, SeesCommandsAfterTheyRunWithoutAdminOnesOrRejectedOnes) {
  ServerFixture f;
  EXPECT_EQ(f.run({"MONITOR"}, 1), "+OK");
  f.run({"SET", "k", "v"});
  f.run({"SELECT", "3"});
  f.run({"INCR", "x"});
  f.run({"SELECT", "0"});
  f.run({"NOSUCH"});                      // unknown: refused before it runs
  f.run({"GET"});                         // arity
  f.run({"CONFIG", "GET", "maxmemory"});  // admin
  f.run({"CLIENT", "LIST"});              // admin subcommand
  f.run({"CLIENT", "ID"});                // not admin
  f.run({"LPUSH", "k", "a"});             // WRONGTYPE: it ran
  f.run({"MULTI"});
  f.run({"SET", "a", "1"});
  f.run({"EXEC"});
  EXPECT_EQ(lines(f, 1),
            (std::vector<std::string>{R"([0] "SET" "k" "v")", R"([3] "SELECT" "3")", R"([3] "INCR" "x")",
                                      R"([0] "SELECT" "0")", R"([0] "CLIENT" "ID")", R"([0] "LPUSH" "k" "a")",
                                      R"([0] "MULTI")", R"([0] "SET" "a" "1")", R"([0] "EXEC")"}));
}

TEST(Monitor, CredentialsAreRedactedAndBytesQuoted) {
  ServerFixture f;
  f.run({"MONITOR"}, 1);
  f.run({"AUTH", "secret"});
  f.run({"AUTH", "user", "secret"});
  f.run({"AUTH", "a", "b", "c"});  // syntax error before redaction
  f.run({"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n"});
  f.run({"HELLO", "9", "AUTH", "default", "pw"});  // refused before the options are read
  f.run({"GET", std::string_view("a b\"c\\d\ne\x00\xff\t", 12)});
  EXPECT_EQ(
      lines(f, 1),
      (std::vector<std::string>{
          R"x([0] "AUTH" "(redacted)")x", R"x([0] "AUTH" "(redacted)" "(redacted)")x",
          R"([0] "AUTH" "a" "b" "c")", R"x([0] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n")x",
          R"([0] "HELLO" "9" "AUTH" "default" "pw")", R"([0] "GET" "a b\"c\\d\ne\x00\xff\t")"}));
}

TEST(Monitor, TheMonitorItselfIsAReplicaThatCannotTouchKeys) {
  ServerFixture f;
  EXPECT_EQ(f.run({"MONITOR"}, 1), "+OK");
  EXPECT_EQ(f.raw({"MONITOR"}, 1), "");  // already monitoring: ignored without a reply
  EXPECT_EQ(f.run({"GET", "k"}, 1), "-ERR Replica can't interact with the keyspace");
  EXPECT_EQ(f.run({"SET", "k", "v"}, 1), "-ERR Replica can't interact with the keyspace");
  EXPECT_EQ(f.run({"PING"}, 1), "+PONG");
  EXPECT_NE(f.run({"CLIENT", "INFO"}, 1).find(" flags=O "), std::string::npos);
  // Its own commands are fed to it too (CLIENT INFO is not an admin subcommand, CLIENT LIST is).
  EXPECT_EQ(lines(f, 1), (std::vector<std::string>{R"([0] "PING")", R"([0] "CLIENT" "INFO")"}));
  // Never paused, as Redis never pauses replicas.
  f.run({"CLIENT", "PAUSE", "100000"});
  EXPECT_EQ(f.run({"PING"}, 1), "+PONG");
  EXPECT_TRUE(f.client(1).postponed.empty());
  f.server().unpause_clients();  // (a CLIENT UNPAUSE from a normal client would wait too, as in Redis)
  // RESET ends monitoring.
  EXPECT_EQ(f.run({"RESET"}, 1), "+RESET");
  lines(f, 1);
  f.run({"SET", "k", "v"});
  EXPECT_TRUE(lines(f, 1).empty());
  EXPECT_EQ(f.run({"GET", "k"}, 1), "'v'");
}

TEST(Monitor, NotAllowedInsideExec) {
  ServerFixture f;
  f.run({"MULTI"});
  EXPECT_EQ(f.run({"MONITOR"}), "+QUEUED");
  EXPECT_EQ(f.run({"EXEC"}), "[-ERR MONITOR isn't allowed for DENY BLOCKING client]");
  EXPECT_FALSE(f.client(0).monitor);
}

TEST(Monitor, ABlockedCommandShowsWhenItBlocksNotWhenServed) {
  ServerFixture f;
  f.run({"MONITOR"}, 2);
  f.raw({"BLPOP", "q", "0"}, 0);
  f.run({"RPUSH", "q", "x"}, 1);
  EXPECT_EQ(lines(f, 2), (std::vector<std::string>{R"([0] "BLPOP" "q" "0")", R"([0] "RPUSH" "q" "x")"}));
}

TEST(Monitor, ADisconnectedMonitorIsForgotten) {
  ServerFixture f;
  f.run({"MONITOR"}, 1);
  f.server().remove_client(&f.client(1));
  f.run({"SET", "k", "v"});  // must not reach the removed client
  EXPECT_TRUE(f.client(1).outbox.empty());
  f.server().add_client(&f.client(1));
}

TEST(MonitorLine, Format) {
  const std::vector<std::string_view> argv{"set", "k", "1"};
  EXPECT_EQ(monitor_line(1795660094610110, 2, "127.0.0.1:33058", "set", argv),
            "+1795660094.610110 [2 127.0.0.1:33058] \"set\" \"k\" \"1\"\r\n");
  EXPECT_EQ(monitor_line(5000001, 0, "p", "ping", std::vector<std::string_view>{"ping"}),
            "+5.000001 [0 p] \"ping\"\r\n");
  std::string r;
  append_repr(&r, std::string_view("\a\b\x7f\x1f ~", 6));
  EXPECT_EQ(r, R"("\a\b\x7f\x1f ~")");
}

TEST(Shutdown, OptionChecks) {
  ServerFixture f;
  EXPECT_EQ(f.run({"SHUTDOWN", "ABORT"}), "-ERR No shutdown in progress.");
  EXPECT_EQ(f.run({"SHUTDOWN", "FOO"}), "-ERR syntax error");
  EXPECT_EQ(f.run({"SHUTDOWN", "NOSAVE", "SAVE"}), "-ERR syntax error");
  EXPECT_EQ(f.run({"SHUTDOWN", "ABORT", "NOW"}), "-ERR syntax error");
  EXPECT_EQ(f.run({"SHUTDOWN", "SAVE"}), "-ERR Errors trying to SHUTDOWN. Check logs.");
  f.run({"MULTI"});
  EXPECT_EQ(f.run({"SHUTDOWN"}), "-ERR Command not allowed inside a transaction");
  EXPECT_EQ(f.run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.");
  EXPECT_EQ(f.run({"PING"}), "+PONG");  // still up
}

}  // namespace
}  // namespace codis::server::testing
