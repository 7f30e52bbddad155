// codis-proxy features beyond routing, against real codis-server processes: Codis's forwarding on a
// migrating slot (sync and semi-async) for servers that do not enforce ownership, reads from replicas, the
// proxy's SLOWLOG, and the configuration file.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "resp/reply_parser.h"
#include "tests/proxy/proxy_cluster.h"

namespace codis::proxy::testing {
namespace {

// A routing file: every slot on group 1 except `slot`, which moves from group 1 to group 2 by `forward`.
std::string migrating_table(const ProxyCluster& c, uint32_t slot, const std::string& forward, int epoch) {
  std::string json = "{\"epoch\": " + std::to_string(epoch) + ", \"groups\": [{\"id\": 1, \"master\": \"" +
                     c.addr(0) + "\"}, {\"id\": 2, \"master\": \"" + c.addr(1) + "\"}], \"slots\": [";
  if (slot > 0) {
    json += "{\"range\": [0, " + std::to_string(slot - 1) + "], \"group\": 1}, ";
  }
  json += "{\"range\": [" + std::to_string(slot) + ", " + std::to_string(slot) +
          "], \"group\": 2, \"migrating_from\": 1, \"forward\": \"" + forward + "\"}";
  if (slot < 1023) {
    json += ", {\"range\": [" + std::to_string(slot + 1) + ", 1023], \"group\": 1}";
  }
  return json + "]}";
}

// Semi-async (Codis 3.2's default): SLOTSMGRT-EXEC-WRAPPER on the source runs the command there while the
// key is there, and sends it to the target when the key is not.
TEST(ProxyForwarding, SemiAsyncRunsAtTheSourceOrTheTarget) {
  ProxyCluster cluster(2, false, /*all_on_first=*/true);
  ASSERT_TRUE(cluster.up());
  const uint32_t slot = 77;
  const std::string here = key_in_slot(slot, "here"), fresh = key_in_slot(slot, "fresh");
  Conn src = connect(cluster.servers[0]->port());
  Conn dst = connect(cluster.servers[1]->port());
  ASSERT_EQ(call(src.get(), {"SET", here, "v1"}), "+OK");
  ASSERT_TRUE(cluster.reload(migrating_table(cluster, slot, "semi-async", 2), 2));

  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"GET", here}), "'v1'");  // ran at the source
  EXPECT_EQ(call(c.get(), {"APPEND", here, "+"}), ":3");
  EXPECT_EQ(call(src.get(), {"GET", here}), "'v1+'");  // a write to a key still there runs there too
  EXPECT_EQ(call(dst.get(), {"EXISTS", here}), ":0");
  EXPECT_EQ(call(c.get(), {"SET", fresh, "new"}), "+OK");  // not at the source: the target gets it
  EXPECT_EQ(call(dst.get(), {"GET", fresh}), "'new'");
  EXPECT_EQ(call(src.get(), {"EXISTS", fresh}), ":0");
  EXPECT_EQ(call(c.get(), {"GET", fresh}), "'new'");
  // Once the key moved (here: by the server command), it is served by the target.
  EXPECT_EQ(call(src.get(),
                 {"SLOTSMGRTTAGONE", "127.0.0.1", std::to_string(cluster.servers[1]->port()), "3000", here}),
            ":1");
  EXPECT_EQ(call(c.get(), {"GET", here}), "'v1+'");
  EXPECT_EQ(call(c.get(), {"SET", here, "v2"}), "+OK");
  EXPECT_EQ(call(dst.get(), {"GET", here}), "'v2'");
  // A keyless command or one on another slot is not forwarded; the counter shows what was.
  EXPECT_EQ(call(c.get(), {"SET", key_in_slot(slot + 1, "x"), "1"}), "+OK");
  const std::string info = call(c.get(), {"INFO", "stats"});
  EXPECT_NE(info.find("migration_forwards:"), std::string::npos) << info;
  EXPECT_EQ(info.find("migration_forwards:0"), std::string::npos) << info;
  EXPECT_TRUE(cluster.proxy->alive());
}

// Sync (Codis's original method): SLOTSMGRTTAGONE moves each key (and its hash tag's keys) from the source
// before the command runs on the target.
TEST(ProxyForwarding, SyncMovesEachKeyFirst) {
  ProxyCluster cluster(2, false, /*all_on_first=*/true);
  ASSERT_TRUE(cluster.up());
  const uint32_t slot = cmd::slot_of("tag");
  const std::string a = "{tag}a", b = "{tag}b", other = key_in_slot(slot, "plain");
  Conn src = connect(cluster.servers[0]->port());
  Conn dst = connect(cluster.servers[1]->port());
  ASSERT_EQ(call(src.get(), {"MSET", a, "1", b, "2", other, "3"}), "+OK");
  ASSERT_EQ(call(src.get(), {"EXPIRE", b, "1000"}), ":1");
  ASSERT_TRUE(cluster.reload(migrating_table(cluster, slot, "sync", 2), 2));

  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"GET", a}), "'1'");
  EXPECT_EQ(call(src.get(), {"EXISTS", a, b}), ":0");  // the whole tag moved
  EXPECT_EQ(call(dst.get(), {"MGET", a, b}), "['1', '2']");
  const std::string ttl = call(dst.get(), {"TTL", b});
  EXPECT_TRUE(ttl == ":1000" || ttl == ":999") << ttl;  // the TTL travelled with it
  // A split command moves every key of the migrating slot's call, even keys without a shared tag.
  EXPECT_EQ(call(c.get(), {"MGET", other, "elsewhere", a}), "['3', (nil), '1']");
  EXPECT_EQ(call(src.get(), {"EXISTS", other}), ":0");
  EXPECT_EQ(call(c.get(), {"INCR", a}), ":2");
  EXPECT_EQ(call(dst.get(), {"GET", a}), "'2'");
  // A key that exists nowhere: the move is a no-op and the write lands on the target.
  EXPECT_EQ(call(c.get(), {"SET", "{tag}new", "n"}), "+OK");
  EXPECT_EQ(call(dst.get(), {"GET", "{tag}new"}), "'n'");
}

// One group: server 0 its master, server 1 its replica, every slot on it.
std::string replica_table(const ProxyCluster& c) {
  return "{\"epoch\": 2, \"groups\": [{\"id\": 1, \"master\": \"" + c.addr(0) + "\", \"replicas\": [\"" +
         c.addr(1) + "\"]}], \"slots\": [{\"range\": [0, 1023], \"group\": 1}]}";
}

// Reads go to a replica when asked (--read-replicas), writes to the master; a replica that cannot be
// reached leaves its reads to the master. The servers here do not replicate: each key's value says which
// server answered.
TEST(ProxyReplicas, ReadsGoToTheReplicaWritesToTheMaster) {
  ProxyCluster cluster(2, false, /*all_on_first=*/true, 1, {"--read-replicas"});
  ASSERT_TRUE(cluster.up());
  Conn master = connect(cluster.servers[0]->port());
  Conn replica = connect(cluster.servers[1]->port());
  ASSERT_EQ(call(master.get(), {"SET", "k", "from-master"}), "+OK");
  ASSERT_EQ(call(replica.get(), {"SET", "k", "from-replica"}), "+OK");
  ASSERT_TRUE(cluster.reload(replica_table(cluster), 2));
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"GET", "k"}), "'from-replica'");
  EXPECT_EQ(call(c.get(), {"STRLEN", "k"}), ":12");
  EXPECT_EQ(call(c.get(), {"SET", "w", "x"}), "+OK");
  EXPECT_EQ(call(master.get(), {"GET", "w"}), "'x'");
  EXPECT_EQ(call(replica.get(), {"EXISTS", "w"}), ":0");
  EXPECT_EQ(call(c.get(), {"INCR", "n"}), ":1");  // a read-write command is a write

  // The replica dies: reads fall back to the master at once (a read is safe to send again).
  ASSERT_EQ(kill(cluster.servers[1]->pid(), SIGKILL), 0);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(call(c.get(), {"GET", "k"}), "'from-master'") << i;
  }
  EXPECT_TRUE(cluster.proxy->alive());
}

TEST(ProxyReplicas, WithoutTheOptionReadsStayOnTheMaster) {
  ProxyCluster cluster(2, false, /*all_on_first=*/true);
  ASSERT_TRUE(cluster.up());
  Conn master = connect(cluster.servers[0]->port());
  ASSERT_EQ(call(master.get(), {"SET", "k", "from-master"}), "+OK");
  ASSERT_TRUE(cluster.reload(replica_table(cluster), 2));
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"GET", "k"}), "'from-master'");
}

// SLOWLOG answers from the proxy's own log: commands whose reply took at least the threshold, Redis's
// entry format, LEN, RESET and HELP.
TEST(ProxySlowlog, LogsSlowCommands) {
  ProxyCluster cluster(1, false, false, 2, {"--slowlog-log-slower-than", "100000", "--slowlog-max-len", "5"});
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"SET", "k", "v"}), "+OK");
  EXPECT_EQ(call(c.get(), {"SLOWLOG", "LEN"}), ":0");              // fast
  EXPECT_EQ(call(c.get(), {"BLPOP", "nothing", "0.3"}), "(nil)");  // waited 300 ms for its reply
  EXPECT_EQ(call(c.get(), {"SLOWLOG", "LEN"}), ":1");
  const std::string got = call(c.get(), {"SLOWLOG", "GET"});
  EXPECT_NE(got.find("'BLPOP', 'nothing', '0.3'"), std::string::npos) << got;
  EXPECT_NE(got.find("'127.0.0.1:"), std::string::npos) << got;
  EXPECT_EQ(call(c.get(), {"SLOWLOG", "GET", "-2"}), "-ERR count should be greater than or equal to -1");
  EXPECT_EQ(call(c.get(), {"SLOWLOG", "RESET"}), "+OK");
  EXPECT_EQ(call(c.get(), {"SLOWLOG", "LEN"}), ":0");
  EXPECT_NE(call(c.get(), {"SLOWLOG", "HELP"}).find("SLOWLOG <subcommand>"), std::string::npos);
}

// A subscriber that stops reading is disconnected once its unread messages pass the pub/sub hard limit,
// instead of growing the proxy's memory without bound; other clients carry on.
TEST(ProxyOutputLimits, ASubscriberThatDoesNotReadIsDisconnected) {
  ProxyCluster cluster(1, false, false, 1, {"--client-output-buffer-limit-pubsub", "1mb 0 0"});
  ASSERT_TRUE(cluster.up());
  const int fd = server::testing::dial_loopback(cluster.port());
  ASSERT_GE(fd, 0);
  const int small = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  const std::string sub = "*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n";
  ASSERT_EQ(write(fd, sub.data(), sub.size()), static_cast<ssize_t>(sub.size()));
  char buf[256];
  ASSERT_GT(read(fd, buf, sizeof buf), 0);  // the confirmation; after it, this client reads nothing

  Conn pub = connect(cluster.port());
  const std::string payload(10000, 'm');
  std::string info;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(call(pub.get(), {"PUBLISH", "ch", payload}).substr(0, 1), ":") << i;
    if (i % 100 == 99) {
      info = call(pub.get(), {"INFO", "stats"});
      if (info.find("client_output_buffer_limit_disconnections:1") != std::string::npos) {
        break;
      }
    }
  }
  EXPECT_NE(info.find("client_output_buffer_limit_disconnections:1"), std::string::npos) << info;
  EXPECT_EQ(call(pub.get(), {"PUBLISH", "ch", "x"}), ":0");  // the subscriber is gone
  EXPECT_EQ(call(pub.get(), {"PING"}), "+PONG");
  close(fd);
  EXPECT_TRUE(cluster.proxy->alive());
}

// A subscription follows its channel when the routing table gives the channel's slot to another group: a
// PUBLISH after the change (which goes to the new group) still reaches the subscriber.
TEST(ProxyPubSub, SubscriptionsFollowANewTable) {
  ProxyCluster cluster(2, false, /*all_on_first=*/true, 1);
  ASSERT_TRUE(cluster.up());
  Conn sub = connect(cluster.port());
  const timeval second{1, 0};
  redisSetTimeout(sub.get(), second);
  EXPECT_EQ(call(sub.get(), {"SUBSCRIBE", "news"}), "['subscribe', 'news', :1]");
  EXPECT_EQ(call(sub.get(), {"PSUBSCRIBE", "n*"}), "['psubscribe', 'n*', :2]");
  Conn s2 = connect(cluster.servers[1]->port());
  EXPECT_EQ(call(s2.get(), {"PUBSUB", "NUMSUB", "news"}), "['news', :0]");

  const std::string json = "{\"epoch\": 2, \"groups\": [{\"id\": 1, \"master\": \"" + cluster.addr(0) +
                           "\"}, {\"id\": 2, \"master\": \"" + cluster.addr(1) +
                           "\"}], \"slots\": [{\"range\": [0, 1023], \"group\": 2}]}";
  ASSERT_TRUE(cluster.reload(json, 2));
  // The proxy subscribes on the new owner without waiting; poll until the server holds it.
  bool moved = false;
  for (int i = 0; i < 100 && !moved; ++i) {
    moved = call(s2.get(), {"PUBSUB", "NUMSUB", "news"}) == "['news', :1]";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(moved);
  Conn pub = connect(cluster.port());
  EXPECT_EQ(call(pub.get(), {"PUBLISH", "news", "hello"}), ":2");  // the channel and the pattern, on group 2
  redisReply* r = nullptr;
  ASSERT_EQ(redisGetReply(sub.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
  EXPECT_EQ(server::testing::render_reply(r), "['message', 'news', 'hello']");
  freeReplyObject(r);
  ASSERT_EQ(redisGetReply(sub.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
  EXPECT_EQ(server::testing::render_reply(r), "['pmessage', 'n*', 'news', 'hello']");
  freeReplyObject(r);
  Conn s1 = connect(cluster.servers[0]->port());
  EXPECT_EQ(call(s1.get(), {"PUBSUB", "NUMSUB", "news"}), "['news', :0]");  // dropped where it was
}

// VmHWM (peak resident set) of a process, in bytes.
size_t peak_rss(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stoull(line.substr(6)) * 1024;
    }
  }
  return 0;
}

// Reads replies from fd until `n` whole ones came; returns how many were "+OK" or a bulk of `size` bytes.
size_t read_replies(int fd, size_t n, size_t bulk_size) {
  std::string got;
  size_t seen = 0, good = 0, at = 0;
  char buf[1 << 16];
  while (seen < n) {
    resp::ReplyScanner scanner;
    const resp::ParseResult r = scanner.scan(std::string_view(got).substr(at));
    if (r.ok()) {
      const std::string_view one = std::string_view(got).substr(at, r.consumed);
      good += one == "+OK\r\n" || one.size() == bulk_size + std::to_string(bulk_size).size() + 5;
      at += r.consumed;
      ++seen;
      if (at > (1 << 20)) {
        got.erase(0, at);
        at = 0;
      }
      continue;
    }
    const ssize_t k = read(fd, buf, sizeof buf);
    if (k <= 0) {
      break;
    }
    got.append(buf, static_cast<size_t>(k));
  }
  return good;
}

// A client that pipelines large values faster than it reads the replies is slowed down (the proxy stops
// reading it), so the proxy's memory stays bounded: by the request bytes it holds (SETs of 1 MB) and by
// the reply bytes it holds (GETs of a 1 MB value) alike.
TEST(ProxyLimits, AFloodOfLargeValuesKeepsMemoryBounded) {
  ProxyCluster cluster(2, false, false, 1, {"--max-pipeline-bytes", "16777216"});
  ASSERT_TRUE(cluster.up());
  const std::string value(1 << 20, 'v');
  Conn setup = connect(cluster.port());
  for (int k = 0; k < 7; ++k) {
    ASSERT_EQ(call(setup.get(), {"SET", "big" + std::to_string(k), value}), "+OK");
  }
  // Sends n requests made by `request(i)` from a thread while this one reads nothing for `quiet`, then
  // reads every reply; returns how many were right.
  auto flood = [&](size_t n, auto request, std::chrono::milliseconds quiet) {
    const int fd = server::testing::dial_loopback(cluster.port());
    EXPECT_GE(fd, 0);
    std::thread writer([&] {
      for (size_t i = 0; i < n; ++i) {
        const std::string req = request(i);
        size_t off = 0;
        while (off < req.size()) {
          const ssize_t k = write(fd, req.data() + off, req.size() - off);
          if (k <= 0) {
            return;
          }
          off += static_cast<size_t>(k);
        }
      }
    });
    std::this_thread::sleep_for(quiet);
    const size_t good = read_replies(fd, n, value.size());
    writer.join();
    close(fd);
    return good;
  };
  auto key = [](size_t i) { return "big" + std::to_string(i % 7); };
  // 300 SETs of 1 MB, written as fast as the proxy takes them: it holds about --max-pipeline-bytes of them.
  EXPECT_EQ(flood(
                300,
                [&](size_t i) {
                  const std::string k = key(i);
                  return "*3\r\n$3\r\nSET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$" +
                         std::to_string(value.size()) + "\r\n" + value + "\r\n";
                },
                std::chrono::milliseconds(1000)),
            300u);
  const size_t after_sets = peak_rss(cluster.proxy->pid());
  std::printf("proxy peak RSS after 300 MB of pipelined SETs: %zu MB\n", after_sets >> 20);
#ifndef __SANITIZE_ADDRESS__  // ASan's quarantine keeps freed memory resident: the figure means nothing there
  EXPECT_LT(after_sets, size_t{100} << 20) << "peak RSS after the SET flood " << (after_sets >> 20) << " MB";
#endif
  // 100 GETs of a 1 MB value, not read for a second: once the unwritten replies pass --max-pipeline-bytes
  // the proxy reads no more of them; the replies of GETs already sent are held, as Redis holds a normal
  // client's output. Every reply arrives, whole and in order.
  EXPECT_EQ(flood(
                100,
                [&](size_t i) {
                  const std::string k = key(i);
                  return "*2\r\n$3\r\nGET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n";
                },
                std::chrono::milliseconds(1000)),
            100u);
  EXPECT_TRUE(cluster.proxy->alive());
}

// A transaction the proxy aborts itself (a queued command was refused, so EXEC answers EXECABORT) sends the
// server nothing but must still end the WATCH there: a key touched afterwards must not fail the client's
// next transaction (found by server_diff --proxy).
TEST(ProxyTransactions, ExecAbortEndsTheWatchOnTheServer) {
  ProxyCluster cluster(2);
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  Conn other = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"WATCH", "k"}), "+OK");
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"SADD"}), "-ERR wrong number of arguments for 'sadd' command");
  EXPECT_EQ(call(c.get(), {"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.");
  EXPECT_EQ(call(other.get(), {"SET", "k", "touched"}), "+OK");
  EXPECT_EQ(call(c.get(), {"WATCH", "k"}), "+OK");
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"GET", "k"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"EXEC"}), "['touched']");
}

// The configuration file sets options by their command-line names; the command line wins over it.
TEST(ProxyConfigFile, SetsOptionsAndTheCommandLineWins) {
  const std::string conf = ::testing::TempDir() + "codis-proxy-" + std::to_string(getpid()) + ".conf";
  std::ofstream(conf) << "# codis-proxy\npassword \"s3cret pass\"\nslowlog-log-slower-than 0\n"
                         "slowlog-max-len 2\n";
  ProxyCluster cluster(1, false, false, 1, {"--config", conf, "--slowlog-max-len", "3"});
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"GET", "k"}), "-NOAUTH Authentication required.");
  EXPECT_EQ(call(c.get(), {"AUTH", "s3cret pass"}), "+OK");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(call(c.get(), {"SET", "k", std::to_string(i)}), "+OK");
  }
  EXPECT_EQ(call(c.get(), {"SLOWLOG", "LEN"}), ":3");  // everything is slow at 0; the command line's 3 kept
  std::remove(conf.c_str());

  // A bad line stops start-up with the file, the line and why.
  std::ofstream(conf) << "listen\n";
  ServerProcess bad(CODIS_PROXY_BIN, {"--slots", cluster.slots_file, "--config", conf}, std::nullopt,
                    ServerProcess::Kind::kProxy);
  EXPECT_EQ(bad.port(), 0);
  std::remove(conf.c_str());
}

}  // namespace
}  // namespace codis::proxy::testing
