// A backend codis-server SIGKILLed while a client has a deep pipeline in flight through codis-proxy: the
// client gets, for every request and in order, either the right reply or one of the errors docs/proxy.md
// promises ("backend connection lost, outcome unknown" for a write that may have run, "... command not sent
// (safe to retry)" otherwise); nothing hangs, the proxy stays up, a client of the other server's slots
// never notices, and the same connection goes on. The killed server then comes back on its port: the proxy
// reconnects by itself and serves its slots again, on old connections and new.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cmd/slot.h"
#include "resp/reply_parser.h"
#include "tests/proxy/proxy_cluster.h"

namespace codis::proxy::testing {
namespace {

using server::testing::dial_loopback;

std::string resp_command(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

struct Request {
  enum Op { kSet, kGet, kIncr } op;
  int index;  // which key / value
  int group;  // 0: the server that is killed, 1: the other
};

bool lost_outcome_unknown(const std::string& r) {
  return r.rfind("-ERR backend connection lost, outcome unknown", 0) == 0;
}
bool not_sent(const std::string& r) {
  return r.rfind("-ERR backend ", 0) == 0 && r.find("command not sent (safe to retry)") != std::string::npos;
}

// Slots 0-511 on server 0, 512-1023 on server 1 (ProxyCluster splits them evenly); server 0 is killed.
TEST(ProxyBackendKill, DeepPipelineGetsRightRepliesOrDocumentedErrorsInOrder) {
  ProxyCluster cluster(2, /*cluster_mode=*/true);
  ASSERT_TRUE(cluster.up());
  const int killed_port = cluster.servers[0]->port();
  for (int g = 0; g < 2; ++g) {
    Conn admin = connect(cluster.servers[g]->port());
    ASSERT_EQ(call(admin.get(), {"SLOTSSETSTATE", g == 0 ? "0-511" : "512-1023", "owned", "-", "1"}), "+OK");
  }
  const std::string counter[2] = {key_in_slot(7, "ctr"), key_in_slot(700, "ctr")};

  // The pipeline: per key, SET k v, GET k, INCR the counter of k's server.
  constexpr int kKeys = 20000;
  std::vector<Request> requests;
  std::string wire;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back("pipe:" + std::to_string(i));
    const int group = cmd::slot_of(keys.back()) < 512 ? 0 : 1;
    requests.push_back({Request::kSet, i, group});
    wire += resp_command({"SET", keys.back(), "v" + std::to_string(i)});
    requests.push_back({Request::kGet, i, group});
    wire += resp_command({"GET", keys.back()});
    requests.push_back({Request::kIncr, i, group});
    wire += resp_command({"INCR", counter[group]});
  }

  // Another client, on the surviving server's slots only, the whole time.
  std::atomic<bool> stop{false};
  std::atomic<int> other_ok{0};
  std::string other_failure;
  std::thread other([&] {
    Conn c = connect(cluster.port());
    const std::string k = key_in_slot(900, "other");
    for (int i = 0; !stop; ++i) {
      const std::string v = std::to_string(i);
      const std::string set = call(c.get(), {"SET", k, v}), get = call(c.get(), {"GET", k});
      if (set != "+OK" || get != "'" + v + "'") {
        other_failure = "SET -> " + set + ", GET -> " + get;
        return;
      }
      ++other_ok;
    }
  });

  const int fd = dial_loopback(cluster.port());
  ASSERT_GE(fd, 0);
  timeval tv{10, 0};  // no reply for 10 s is a hang
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::thread writer([&] {
    for (size_t at = 0; at < wire.size();) {
      const ssize_t n = write(fd, wire.data() + at, wire.size() - at);
      if (n <= 0) return;
      at += static_cast<size_t>(n);
    }
  });

  std::string buf;
  size_t at = 0;
  char chunk[65536];
  resp::ReplyScanner scanner;
  std::vector<std::string> replies;
  bool killed = false;
  while (replies.size() < requests.size()) {
    const resp::ParseResult r = scanner.scan(std::string_view(buf).substr(at));
    if (r.ok()) {
      replies.push_back(buf.substr(at, r.consumed - 2));  // without the CRLF
      at += r.consumed;
      // Kill while most of the pipeline is still queued in the proxy or on the wire.
      if (!killed && replies.size() == 3000) {
        cluster.servers[0].reset();  // SIGKILL
        killed = true;
      }
      continue;
    }
    const ssize_t n = read(fd, chunk, sizeof chunk);
    ASSERT_GT(n, 0) << "no reply " << replies.size() << " within 10 s (or the proxy closed the connection)";
    buf.append(chunk, static_cast<size_t>(n));
  }
  writer.join();
  ASSERT_TRUE(killed);

  // Every reply in order: right, or a documented error. The surviving server's are all right; its counter
  // counts up by one; the killed server's counter only ever grows while it answers.
  int errors = 0, unknown = 0, after_error_ok = 0;
  int64_t next_counter = 1, last_killed_counter = 0;
  std::vector<bool> set_ok(kKeys);
  for (size_t i = 0; i < requests.size(); ++i) {
    const Request& q = requests[i];
    const std::string& r = replies[i];
    const std::string where = "reply " + std::to_string(i) + " (key " + keys[q.index] + ", server " +
                              std::to_string(q.group) + "): " + r;
    if (q.group == 1) {
      std::string want = "+OK";
      if (q.op == Request::kGet) {
        want = "$" + std::to_string(1 + std::to_string(q.index).size()) + "\r\nv" + std::to_string(q.index);
      } else if (q.op == Request::kIncr) {
        want = ":" + std::to_string(next_counter++);
      }
      EXPECT_EQ(r, want) << where;
      continue;
    }
    if (r[0] == '-') {
      ++errors;
      // Reads are sent again on a fresh connection, never answered "outcome unknown".
      if (q.op == Request::kGet) {
        EXPECT_TRUE(not_sent(r)) << where;
      } else {
        EXPECT_TRUE(not_sent(r) || lost_outcome_unknown(r)) << where;
        unknown += lost_outcome_unknown(r);
      }
      continue;
    }
    after_error_ok += errors > 0;
    if (q.op == Request::kSet) {
      EXPECT_EQ(r, "+OK") << where;
      set_ok[q.index] = true;
    }
    if (q.op == Request::kGet) {
      EXPECT_EQ(r,
                "$" + std::to_string(1 + std::to_string(q.index).size()) + "\r\nv" + std::to_string(q.index))
          << where;
      EXPECT_TRUE(set_ok[q.index]) << where;
    }
    if (q.op == Request::kIncr) {
      ASSERT_EQ(r[0], ':') << where;
      const int64_t v = std::stoll(r.substr(1));
      EXPECT_GT(v, last_killed_counter) << where;
      last_killed_counter = v;
    }
  }
  EXPECT_GT(errors, 0) << "the kill came after the pipeline had drained: nothing was tested";
  std::printf("killed server: %d errors (%d outcome unknown), %d right replies after the first error\n",
              errors, unknown, after_error_ok);

  stop = true;
  other.join();
  EXPECT_EQ(other_failure, "");
  EXPECT_GT(other_ok.load(), 0);
  EXPECT_TRUE(cluster.proxy->alive());

  // The same connection goes on; the killed server's slots fail at once, the others work.
  const std::string k0 = key_in_slot(5, "after"), k1 = key_in_slot(600, "after");
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"SET", k1, "x"}), "+OK");
  EXPECT_EQ(call(c.get(), {"SET", k0, "x"}).rfind("-ERR backend 127.0.0.1:" + std::to_string(killed_port), 0),
            0u);

  // The pipelining connection itself is still served.
  const std::string again = resp_command({"GET", k1});
  ASSERT_EQ(write(fd, again.data(), again.size()), static_cast<ssize_t>(again.size()));
  const ssize_t n = read(fd, chunk, sizeof chunk);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(chunk, static_cast<size_t>(n)), "$1\r\nx\r\n");

  // The killed server restarts on its port (its data is gone: it had no persistence) and owns its slots
  // again; the proxy's next connection attempt (at most a second apart) finds it.
  cluster.servers[0] = std::make_unique<ServerProcess>(
      CODIS_SERVER_BIN,
      std::vector<std::string>{"--cluster-mode", "yes", "--port", std::to_string(killed_port)});
  ASSERT_EQ(cluster.servers[0]->port(), killed_port) << cluster.servers[0]->log();
  {
    Conn admin = connect(killed_port);
    ASSERT_EQ(call(admin.get(), {"SLOTSSETSTATE", "0-511", "owned", "-", "1"}), "+OK");
  }
  std::string set;
  for (int i = 0; i < 100 && set != "+OK"; ++i) {
    set = call(c.get(), {"SET", k0, "back"});
    if (set != "+OK") {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_EQ(set, "+OK") << "the proxy did not serve the restarted server's slots within 5 s";
  EXPECT_EQ(call(c.get(), {"GET", k0}), "'back'");
  EXPECT_EQ(call(c.get(), {"INCR", counter[0]}), ":1");  // a new server: the counter starts over
  // The pipelining connection reaches it too, and a new connection does. Each proxy loop has its own
  // backend connections and finds the server on its own next attempt (backoff at most 1 s): until then it
  // says "not sent (safe to retry)", and the client retries.
  const std::string get_k0 = resp_command({"GET", k0});
  std::string got;
  for (int i = 0; i < 40 && got != "$4\r\nback\r\n"; ++i) {
    ASSERT_EQ(write(fd, get_k0.data(), get_k0.size()), static_cast<ssize_t>(get_k0.size()));
    const ssize_t m = read(fd, chunk, sizeof chunk);
    ASSERT_GT(m, 0);
    got.assign(chunk, static_cast<size_t>(m));
    if (got != "$4\r\nback\r\n") {
      EXPECT_NE(got.find("command not sent (safe to retry)"), std::string::npos) << got;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(got, "$4\r\nback\r\n");
  Conn fresh = connect(cluster.port());
  std::string fresh_get;
  for (int i = 0; i < 40 && fresh_get != "'back'"; ++i) {
    fresh_get = call(fresh.get(), {"GET", k0});
    if (fresh_get != "'back'") {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(fresh_get, "'back'");
  EXPECT_EQ(call(fresh.get(), {"GET", k1}), "'x'");
  close(fd);
  EXPECT_TRUE(cluster.proxy->alive());
}

}  // namespace
}  // namespace codis::proxy::testing
