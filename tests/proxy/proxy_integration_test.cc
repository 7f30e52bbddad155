// codis-proxy in front of real codis-server processes: it answers like one Redis, keeps pipelined replies
// in order, hides the servers' redirects while a slot moves (no acknowledged write lost, redis-benchmark
// writing through it the whole time), and gives clear errors for garbage and for a backend that dies.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cmd/slot.h"
#include "resp/reply_parser.h"
#include "tests/proxy/proxy_cluster.h"

namespace codis::proxy::testing {
namespace {

using server::testing::dial_loopback;
using server::testing::render_reply;

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    const size_t j = line.find(' ', i);
    out.push_back(line.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) {
      break;
    }
    i = j + 1;
  }
  return out;
}

// Sends `request` on a new connection and reads until `replies` whole replies came back.
std::string exchange(int port, const std::string& request, int replies) {
  const int fd = dial_loopback(port);
  if (fd < 0 || write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    return "<no connection>";
  }
  std::string got;
  char buf[4096];
  for (;;) {
    resp::ReplyScanner scanner;
    size_t at = 0;
    int n = 0;
    while (n < replies) {
      const resp::ParseResult r = scanner.scan(std::string_view(got).substr(at));
      if (!r.ok()) {
        break;
      }
      at += r.consumed;
      ++n;
    }
    if (n == replies) {
      break;
    }
    const ssize_t k = read(fd, buf, sizeof buf);
    if (k <= 0) {
      break;
    }
    got.append(buf, static_cast<size_t>(k));
  }
  close(fd);
  return got;
}

// Every command here gets the same reply through a proxy over three servers as from one server alone.
TEST(ProxyIntegration, AnswersLikeOneServer) {
  ProxyCluster cluster(3);
  ASSERT_TRUE(cluster.up());
  ServerProcess alone(CODIS_SERVER_BIN);
  ASSERT_GT(alone.port(), 0);
  Conn p = connect(cluster.port());
  Conn s = connect(alone.port());
  const char* script[] = {"PING",
                          "PING hello",
                          "PING a b",
                          "ECHO x",
                          "SELECT 0",
                          "SET a 1",
                          "GET a",
                          "GET nope",
                          "MSET k1 v1 k2 v2 k3 v3 {t}x 1 {t}y 2",
                          "MGET k1 k2 nope k3 {t}x {t}y k1",
                          "DEL k1 nope k2",
                          "EXISTS k1 k3 k3 {t}x",
                          "TOUCH k3 k1 {t}y",
                          "UNLINK k3 {t}x",
                          "INCR c",
                          "INCRBY c 5",
                          "APPEND a xyz",
                          "STRLEN a",
                          "LPUSH l a b c",
                          "LRANGE l 0 -1",
                          "HSET h f v g w",
                          "HGETALL h",
                          "SADD s x y",
                          "SCARD s",
                          "ZADD z 1 a 2 b",
                          "ZRANGE z 0 -1 WITHSCORES",
                          "EXPIRE a 100",
                          "TTL a",
                          "TYPE l",
                          "GET l",
                          "RENAME {t}y {t}z",
                          "GET {t}z",
                          "SET n 10 NX",
                          "SET n 11 XX GET",
                          "DBSIZE",
                          "FOO bar",
                          "GET",
                          "MSET a",
                          "MSET a b c",
                          "MGET",
                          "DEL",
                          "EXISTS nope",
                          "SLOTSHASHKEY a b {t}x",
                          "COMMAND COUNT",
                          "OBJECT ENCODING c",
                          "HINCRBY h f 1",
                          "INCR a",
                          "GETRANGE a 0 1",
                          "PFMERGE pd",  // no sources: Redis creates pd, routed by it
                          "TYPE pd",
                          "ZUNIONSTORE zd 0 a",
                          "ZDIFF -1 a",
                          "DBSIZE",
                          "FLUSHALL",
                          "DBSIZE",
                          "MGET k1 k2"};
  for (const char* line : script) {
    const auto argv = words(line);
    std::string got = call(p.get(), argv), want = call(s.get(), argv);
    if (std::string_view(line) == "KEYS *") {  // the groups' keys come in another order
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
    }
    EXPECT_EQ(got, want) << line;
  }
}

// MULTI/EXEC run on the server of their slot; keys of two slots are refused with the reason and EXEC then
// aborts; WATCH sees another client's write (EXEC answers nil) and UNWATCH/DISCARD end it.
TEST(ProxyIntegration, TransactionsRunOnTheirSlotsServer) {
  ProxyCluster cluster(3);
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  Conn other = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"SET", "{u}a", "1"}), "+QUEUED");
  EXPECT_EQ(
      call(c.get(), {"SET", "{v}b", "1"}).rfind("-ERR codis-proxy: a transaction runs on one server", 0), 0u);
  EXPECT_EQ(call(c.get(), {"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.");
  EXPECT_EQ(call(c.get(), {"GET", "{u}a"}), "(nil)");

  EXPECT_EQ(call(c.get(), {"WATCH", "{u}a", "{u}b"}), "+OK");
  EXPECT_EQ(call(other.get(), {"SET", "{u}a", "theirs"}), "+OK");
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"SET", "{u}a", "mine"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"EXEC"}), "(nil)");
  EXPECT_EQ(call(c.get(), {"GET", "{u}a"}), "'theirs'");

  EXPECT_EQ(call(c.get(), {"WATCH", "{u}a"}), "+OK");
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"SET", "{v}x", "1"}).rfind("-ERR codis-proxy:", 0), 0u);  // not the watched slot
  EXPECT_EQ(call(c.get(), {"DISCARD"}), "+OK");
  EXPECT_EQ(call(c.get(), {"WATCH", "{u}a"}), "+OK");
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"INCR", "{u}n"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"EXEC"}), "[:1]");
  EXPECT_EQ(call(c.get(), {"WATCH", "{u}a"}), "+OK");
  EXPECT_EQ(call(other.get(), {"SET", "{u}a", "again"}), "+OK");
  EXPECT_EQ(call(c.get(), {"UNWATCH"}), "+OK");
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"INCR", "{u}n"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"EXEC"}), "[:2]");
  EXPECT_EQ(call(c.get(), {"WATCH", "{u}a", "{v}b"}).rfind("-ERR codis-proxy: WATCHed keys", 0), 0u);

  // A malformed key list is queued as Redis queues it: EXEC carries the command's own error and runs the
  // rest (it used to be refused at once, and EXEC then aborted).
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"ZDIFF", "-1", "{u}a"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"SET", "{u}m", "1"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"SINTERCARD", "0", "{u}a"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"LMPOP", "5", "{u}a", "{u}b", "LEFT"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"INCR", "{u}n"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"EXEC"}),
            "[-ERR at least 1 input key is needed for 'zdiff' command, +OK, -ERR numkeys should be greater "
            "than 0, -ERR syntax error, :3]");
  // Alone, with no key to bind the transaction to a server: any server replies the errors.
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"ZDIFF", "-1", "{u}a"}), "+QUEUED");
  EXPECT_EQ(call(c.get(), {"EXEC"}), "[-ERR at least 1 input key is needed for 'zdiff' command]");
}

// A client blocked in BLPOP waits on a connection of its own: other clients keep being served, and another
// client's push wakes it.
TEST(ProxyIntegration, BlockingPopsWaitOnTheirOwnConnection) {
  ProxyCluster cluster(2, false, false, /*threads=*/1);
  ASSERT_TRUE(cluster.up());
  Conn blocked = connect(cluster.port());
  redisAppendCommand(blocked.get(), "BLPOP q 5");
  redisAppendCommand(blocked.get(), "GET after");
  ASSERT_EQ(redisBufferWrite(blocked.get(), nullptr), REDIS_OK);
  int done = 0;
  while (done == 0) {
    ASSERT_EQ(redisBufferWrite(blocked.get(), &done), REDIS_OK);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Conn other = connect(cluster.port());
  for (int i = 0; i < 100; ++i) {  // the shared connections are not held up by the blocked client
    EXPECT_EQ(call(other.get(), {"SET", "after", "x"}), "+OK");
  }
  EXPECT_EQ(call(other.get(), {"RPUSH", "q", "hello"}), ":1");
  redisReply* r = nullptr;
  ASSERT_EQ(redisGetReply(blocked.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
  EXPECT_EQ(render_reply(r), "['q', 'hello']");
  freeReplyObject(r);
  ASSERT_EQ(redisGetReply(blocked.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
  EXPECT_EQ(render_reply(r), "'x'");
  freeReplyObject(r);
  EXPECT_EQ(call(blocked.get(), {"BLPOP", "q", "0.1"}), "(nil)");
}

// SCAN walks every group in turn with one cursor: a full iteration returns each key exactly once; KEYS and
// RANDOMKEY see every group; INFO describes the proxy and the cluster; HELLO 3 switches to RESP3.
TEST(ProxyIntegration, ScanKeysAndInfoSpanTheGroups) {
  ProxyCluster cluster(3);
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  constexpr int kN = 3000;
  for (int i = 0; i < kN; ++i) {
    redisAppendCommand(c.get(), "SET s:%d x", i);
  }
  for (int i = 0; i < kN; ++i) {
    redisReply* r = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
    freeReplyObject(r);
  }
  std::map<std::string, int> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    auto* r = static_cast<redisReply*>(redisCommand(c.get(), "SCAN %s COUNT 100", cursor.c_str()));
    ASSERT_NE(r, nullptr);
    ASSERT_EQ(r->type, REDIS_REPLY_ARRAY) << render_reply(r);
    cursor = r->element[0]->str;
    for (size_t i = 0; i < r->element[1]->elements; ++i) {
      ++seen[r->element[1]->element[i]->str];
    }
    freeReplyObject(r);
    ASSERT_LT(++calls, 10000);
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), static_cast<size_t>(kN));
  for (const auto& [k, n] : seen) {
    EXPECT_EQ(n, 1) << k;
  }
  auto* keys = static_cast<redisReply*>(redisCommand(c.get(), "KEYS s:*"));
  ASSERT_NE(keys, nullptr);
  EXPECT_EQ(keys->elements, static_cast<size_t>(kN));
  freeReplyObject(keys);
  EXPECT_EQ(call(c.get(), {"RANDOMKEY"}).rfind("'s:", 0), 0u);
  EXPECT_EQ(call(c.get(), {"SCAN", "x"}), "-ERR invalid cursor");
  // Cursors as Redis reads them: any number is a page and the next cursor; one naming no group (255, and
  // -1, which wraps to 2^64 - 1) ends the walk; beyond 2^64 - 1 is invalid.
  EXPECT_EQ(call(c.get(), {"SCAN", "255"}), "['0', []]");
  EXPECT_EQ(call(c.get(), {"SCAN", "-1"}), "['0', []]");
  EXPECT_EQ(call(c.get(), {"SCAN", "-1", "COUNT", "0"}), "-ERR syntax error");  // the options still count
  EXPECT_EQ(call(c.get(), {"SCAN", "18446744073709551616"}), "-ERR invalid cursor");
  EXPECT_EQ(call(c.get(), {"SCAN", " 0"}), "-ERR invalid cursor");
  const std::string wrapped = call(c.get(), {"SCAN", "-18446744073709551615", "COUNT", "100"});  // 1: group 2
  EXPECT_EQ(wrapped.rfind("['", 0), 0u) << wrapped;
  EXPECT_NE(wrapped.find("'s:"), std::string::npos) << wrapped;
  EXPECT_EQ(call(c.get(), {"SCAN", "+0", "COUNT", "100"}).rfind("['", 0), 0u);
  const std::string info = call(c.get(), {"INFO"});
  EXPECT_NE(info.find("slots_served:1024"), std::string::npos) << info;
  EXPECT_NE(info.find("group_3:master=" + cluster.addr(2)), std::string::npos) << info;
  EXPECT_EQ(call(c.get(), {"HELLO", "4"}), "-NOPROTO unsupported protocol version");
  // RESP3 (this hiredis speaks RESP2 only: raw bytes).
  const std::string resp3 = exchange(cluster.port(),
                                     "*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n"
                                     "*4\r\n$4\r\nMGET\r\n$3\r\ns:1\r\n$4\r\nnope\r\n$3\r\ns:2\r\n"
                                     "*2\r\n$6\r\nCLIENT\r\n$7\r\nGETNAME\r\n",
                                     3);
  EXPECT_EQ(resp3.rfind("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n", 0), 0u) << resp3;
  EXPECT_NE(resp3.find("*3\r\n$1\r\nx\r\n_\r\n$1\r\nx\r\n_\r\n"), std::string::npos) << resp3;
}

// 30,000 commands over many slots in one pipeline: every reply comes back, in order, with the right value.
TEST(ProxyIntegration, PipelinedRepliesComeBackInOrder) {
  ProxyCluster cluster(3);
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  constexpr int kN = 10000;
  for (int i = 0; i < kN; ++i) {
    const std::string k = "key:" + std::to_string(i), v = "v" + std::to_string(i);
    redisAppendCommand(c.get(), "SET %s %s", k.c_str(), v.c_str());
  }
  for (int i = 0; i < kN; ++i) {
    const std::string k = "key:" + std::to_string(i), k2 = "key:" + std::to_string((i * 7919) % kN);
    if (i % 2 == 0) {
      redisAppendCommand(c.get(), "GET %s", k.c_str());
    } else {
      redisAppendCommand(c.get(), "MGET %s nope %s", k.c_str(), k2.c_str());
    }
  }
  for (int i = 0; i < kN; ++i) {
    redisAppendCommand(c.get(), "DEL key:%d", i);
  }
  for (int i = 0; i < 3 * kN; ++i) {
    redisReply* r = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK) << i;
    const std::string got = render_reply(r);
    freeReplyObject(r);
    std::string want;
    if (i < kN) {
      want = "+OK";
    } else if (i < 2 * kN) {
      const int j = i - kN;
      want = j % 2 == 0 ? "'v" + std::to_string(j) + "'"
                        : "['v" + std::to_string(j) + "', (nil), 'v" + std::to_string((j * 7919) % kN) + "']";
    } else {
      want = ":1";
    }
    ASSERT_EQ(got, want) << "reply " << i;
  }
  EXPECT_EQ(call(c.get(), {"DBSIZE"}), ":0");
}

// Garbage gets Redis's protocol error and that connection is closed; unknown and refused commands get an
// error naming them and the connection goes on; other clients never notice.
TEST(ProxyIntegration, BadInputGetsClearErrors) {
  ProxyCluster cluster(2);
  ASSERT_TRUE(cluster.up());
  Conn other = connect(cluster.port());
  EXPECT_EQ(call(other.get(), {"SET", "x", "1"}), "+OK");
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"NOSUCH", "a"}), "-ERR unknown command 'NOSUCH', with args beginning with: 'a' ");
  EXPECT_EQ(
      call(c.get(), {"MOVE", "a", "1"}).rfind("-ERR command 'move' is not supported by codis-proxy: ", 0),
      0u);
  EXPECT_EQ(call(c.get(), {"SELECT", "1"}), "-ERR invalid DB index, codis-proxy serves DB 0 only");
  // COPY into another database is refused as MOVE is; into database 0 it runs, and its own errors stay.
  const std::string copy_refused =
      "-ERR command 'copy' with DB 1 is not supported by codis-proxy: the proxy serves database 0 only";
  EXPECT_EQ(call(c.get(), {"COPY", "x", "{x}y", "DB", "1"}), copy_refused);
  EXPECT_EQ(call(c.get(), {"COPY", "x", "{x}y", "REPLACE", "db", "1"}), copy_refused);
  EXPECT_EQ(call(c.get(), {"COPY", "x", "{x}y", "DB", "0"}), ":1");
  EXPECT_EQ(call(c.get(), {"COPY", "x", "{x}y", "DB", "1", "DB", "0", "REPLACE"}), ":1");  // the last DB wins
  EXPECT_EQ(call(c.get(), {"COPY", "x", "{x}y", "DB", "abc"}),
            "-ERR value is not an integer or out of range");
  EXPECT_EQ(call(c.get(), {"COPY", "x", "{x}y", "FOO", "DB", "1"}), "-ERR syntax error");
  EXPECT_EQ(call(c.get(), {"MULTI"}), "+OK");
  EXPECT_EQ(call(c.get(), {"COPY", "x", "{x}z", "DB", "2"}).rfind("-ERR command 'copy' with DB 2 is not", 0),
            0u);
  EXPECT_EQ(call(c.get(), {"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.");
  for (const auto& server : cluster.servers) {
    Conn direct = connect(server->port());
    EXPECT_EQ(call(direct.get(), {"SELECT", "1"}), "+OK");
    EXPECT_EQ(call(direct.get(), {"DBSIZE"}), ":0");
    EXPECT_EQ(call(direct.get(), {"SELECT", "2"}), "+OK");
    EXPECT_EQ(call(direct.get(), {"DBSIZE"}), ":0");
  }
  EXPECT_EQ(call(c.get(), {"SUNION", "a", "b"}), "-CROSSSLOT Keys in request don't hash to the same slot");
  EXPECT_EQ(call(c.get(), {"GET", "x"}), "'1'");

  const int fd = dial_loopback(cluster.port());
  ASSERT_GE(fd, 0);
  const std::string garbage = "*2\r\n$3\r\nGET\r\n$1\r\nx\r\n*x\r\n";
  ASSERT_EQ(write(fd, garbage.data(), garbage.size()), static_cast<ssize_t>(garbage.size()));
  std::string got;
  char buf[512];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  EXPECT_EQ(got, "$1\r\n1\r\n-ERR Protocol error: invalid multibulk length\r\n");
  EXPECT_EQ(call(other.get(), {"GET", "x"}), "'1'");
}

// A backend that dies: commands for its slots get an error saying so at once, the others are served on the
// same connection. (Its return on the same port: proxy_backend_kill_test.)
TEST(ProxyIntegration, ADeadBackendFailsOnlyItsSlots) {
  ProxyCluster cluster(2);
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  const std::string k1 = key_in_slot(10, "a"), k2 = key_in_slot(1000, "b");  // group 1 and group 2
  EXPECT_EQ(call(c.get(), {"SET", k1, "1"}), "+OK");
  EXPECT_EQ(call(c.get(), {"SET", k2, "2"}), "+OK");
  cluster.servers[0].reset();  // SIGKILL
  for (int i = 0; i < 20; ++i) {
    const std::string r = call(c.get(), {"GET", k1});
    ASSERT_EQ(r[0], '-') << r;
    EXPECT_NE(r.find("backend"), std::string::npos) << r;
    EXPECT_EQ(call(c.get(), {"GET", k2}), "'2'");
  }
  const std::string mixed = call(c.get(), {"MGET", k2, k1});
  EXPECT_EQ(mixed[0], '-') << mixed;
  EXPECT_EQ(call(c.get(), {"MGET", k2, k2}), "['2', '2']");
}

// Slot S moves from A to B with the server commands while writers pipeline INCRs through the proxy (whose
// routing file still says A) and redis-benchmark SETs keys of S through it: nobody sees a redirect or an
// error, and every acknowledged increment is on B.
TEST(ProxyIntegration, ASlotMovesUnderLoadWithoutALostWrite) {
  ProxyCluster cluster(2, /*cluster_mode=*/true, /*all_on_first=*/true);
  ASSERT_TRUE(cluster.up());
  const std::string aaddr = cluster.addr(0), baddr = cluster.addr(1);
  Conn admin_a = connect(cluster.servers[0]->port());
  Conn admin_b = connect(cluster.servers[1]->port());
  ASSERT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", "0-1023", "owned", "-", "1"}), "+OK");
  ASSERT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", "0-1023", "not-owned", aaddr, "1"}), "+OK");
  const uint32_t slot = 321;
  const std::string ss = std::to_string(slot);

  // Something to move before the writers start: 3000 keys of the slot.
  Conn loader = connect(cluster.port());
  int preloaded = 0;
  for (int i = 0; preloaded < 3000; ++i) {
    const std::string k = "pre:" + std::to_string(i);
    if (cmd::slot_of(k) == slot) {
      redisAppendCommand(loader.get(), "SET %s x", k.c_str());
      ++preloaded;
    }
  }
  for (int i = 0; i < preloaded; ++i) {
    redisReply* r = nullptr;
    ASSERT_EQ(redisGetReply(loader.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
    freeReplyObject(r);
  }

  constexpr int kWriters = 3;
  std::atomic<bool> stop{false};
  std::vector<std::map<std::string, int64_t>> acked(kWriters);
  std::vector<std::string> errors(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      Conn c = connect(cluster.port());
      std::vector<std::string> keys;
      for (int i = 0; keys.size() < 40; ++i) {
        std::string k = "w" + std::to_string(w) + ":" + std::to_string(i);
        if (cmd::slot_of(k) == slot || keys.size() % 4 == 0) {
          keys.push_back(k);  // mostly keys of the moving slot, some of others
        }
      }
      while (!stop) {
        for (const auto& k : keys) {
          redisAppendCommand(c.get(), "INCR %s", k.c_str());
        }
        for (const auto& k : keys) {
          redisReply* r = nullptr;
          if (redisGetReply(c.get(), reinterpret_cast<void**>(&r)) != REDIS_OK) {
            errors[w] = "connection lost";
            return;
          }
          if (r->type != REDIS_REPLY_INTEGER) {
            errors[w] = k + ": " + render_reply(r);
            freeReplyObject(r);
            return;
          }
          acked[w][k] = r->integer;
          freeReplyObject(r);
        }
      }
    });
  }
  // redis-benchmark writes keys of the slot through the proxy the whole time (it exits 1 at the first error
  // reply).
  const std::string tag = "{" + key_in_slot(slot, "bt") + "}";
  const std::string bench = "redis-benchmark -p " + std::to_string(cluster.port()) +
                            " -c 8 -P 4 -n 200000 -r 100000 -q SET '" + tag +
                            ":__rand_int__' v >/dev/null 2>&1";
  const bool have_bench = std::system("command -v redis-benchmark >/dev/null 2>&1") == 0;
  std::thread bencher;
  std::atomic<int> bench_rc{0};
  if (have_bench) {
    bencher = std::thread([&] { bench_rc = std::system(bench.c_str()); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  ASSERT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", ss, "importing", aaddr, "2"}), "+OK");
  ASSERT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", ss, "migrating", baddr, "2"}), "+OK");
  int64_t moved = 0;
  for (int rounds = 0;; ++rounds) {
    ASSERT_LT(rounds, 10000);
    const std::string r =
        call(admin_a.get(), {"SLOTSMGRTTAGSLOT-ASYNC", "127.0.0.1",
                             std::to_string(cluster.servers[1]->port()), "3000", "100", "65536", ss, "50"});
    ASSERT_EQ(r[0], '[') << r;
    moved += std::stoll(r.substr(2));
    if (r.ends_with(", :0]")) {
      break;
    }
  }
  EXPECT_GT(moved, 0);
  ASSERT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", ss, "owned", "-", "3"}), "+OK");
  ASSERT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", ss, "not-owned", baddr, "3"}), "+OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes now follow MOVED to B
  stop = true;
  for (auto& t : writers) {
    t.join();
  }
  if (bencher.joinable()) {
    bencher.join();
    EXPECT_EQ(bench_rc, 0) << "redis-benchmark saw an error through the proxy: " << bench;
  }
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(errors[w], "") << "writer " << w;
    EXPECT_FALSE(acked[w].empty());
    for (const auto& [k, v] : acked[w]) {
      Conn& owner = cmd::slot_of(k) == slot ? admin_b : admin_a;
      EXPECT_EQ(call(owner.get(), {"GET", k}), "'" + std::to_string(v) + "'") << k;
    }
  }
  EXPECT_EQ(call(admin_a.get(), {"SLOTSINFO", ss, "1"}), "[]");
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"GET", key_in_slot(slot, "pre:")}), "'x'");
  // The writes did meet the servers' redirects (summed over the proxy's two loops), and hid them.
  const std::string info = call(c.get(), {"INFO", "stats"});
  const size_t at = info.find("redirects_followed:");
  ASSERT_NE(at, std::string::npos) << info;
  EXPECT_GT(std::stoll(info.substr(at + 19)), 0) << info;
}

// A PUBLISH through one proxy reaches subscribers through another, patterns included, each message once;
// a subscribed RESP2 client may only (un)subscribe, PING, QUIT or RESET.
TEST(ProxyIntegration, PubSubSpansProxiesAndGroups) {
  ProxyCluster cluster(3);
  ASSERT_TRUE(cluster.up());
  ServerProcess second(CODIS_PROXY_BIN, {"--slots", cluster.slots_file, "--threads", "1"}, std::nullopt,
                       ServerProcess::Kind::kProxy);
  ASSERT_GT(second.port(), 0);
  Conn sub = connect(cluster.port());
  Conn psub = connect(second.port());
  Conn pub = connect(second.port());
  auto next = [](redisContext* c) {
    redisReply* r = nullptr;
    if (redisGetReply(c, reinterpret_cast<void**>(&r)) != REDIS_OK) {
      return std::string("<no reply>");
    }
    std::string out = render_reply(r);
    freeReplyObject(r);
    return out;
  };
  EXPECT_EQ(call(sub.get(), {"SUBSCRIBE", "news", "sports", "weather"}), "['subscribe', 'news', :1]");
  EXPECT_EQ(next(sub.get()), "['subscribe', 'sports', :2]");
  EXPECT_EQ(next(sub.get()), "['subscribe', 'weather', :3]");
  EXPECT_EQ(call(psub.get(), {"PSUBSCRIBE", "n*", "s*"}), "['psubscribe', 'n*', :1]");
  EXPECT_EQ(next(psub.get()), "['psubscribe', 's*', :2]");
  // The confirmations came once the servers had the subscriptions: a PUBLISH from now on reaches them.

  EXPECT_EQ(call(pub.get(), {"PUBLISH", "news", "hello"}), ":2");   // sub and the n* pattern
  EXPECT_EQ(call(pub.get(), {"PUBLISH", "sports", "goal"}), ":2");  // sub and s*
  EXPECT_EQ(call(pub.get(), {"PUBLISH", "nobody", "x"}), ":1");     // n* only
  // Channels of different groups come over different server connections: each arrives once, in any order
  // between groups (docs/proxy.md).
  auto next_n = [&next](redisContext* c, int n) {
    std::multiset<std::string> got;
    for (int i = 0; i < n; ++i) {
      got.insert(next(c));
    }
    return got;
  };
  EXPECT_EQ(next_n(sub.get(), 2),
            (std::multiset<std::string>{"['message', 'news', 'hello']", "['message', 'sports', 'goal']"}));
  EXPECT_EQ(next_n(psub.get(), 3), (std::multiset<std::string>{"['pmessage', 'n*', 'news', 'hello']",
                                                               "['pmessage', 's*', 'sports', 'goal']",
                                                               "['pmessage', 'n*', 'nobody', 'x']"}));

  EXPECT_EQ(
      call(sub.get(), {"GET", "k"}),
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
      "this context");
  EXPECT_EQ(call(sub.get(), {"PING"}), "['pong', '']");
  EXPECT_EQ(call(sub.get(), {"UNSUBSCRIBE", "news"}), "['unsubscribe', 'news', :2]");
  EXPECT_EQ(call(pub.get(), {"PUBLISH", "news", "again"}), ":1");  // the pattern only
  EXPECT_EQ(call(pub.get(), {"PUBSUB", "NUMSUB", "news", "sports"}), "['news', :0, 'sports', :1]");
  EXPECT_EQ(call(pub.get(), {"PUBSUB", "NUMPAT"}), ":2");
  EXPECT_EQ(call(sub.get(), {"UNSUBSCRIBE"}), "['unsubscribe', 'sports', :1]");
  EXPECT_EQ(next(sub.get()), "['unsubscribe', 'weather', :0]");
  EXPECT_EQ(call(sub.get(), {"SET", "k", "v"}), "+OK");  // out of subscribe mode
  EXPECT_EQ(next(psub.get()), "['pmessage', 'n*', 'news', 'again']");
}

// SIGHUP makes the proxy read its routing file again; a broken file leaves the table it has.
TEST(ProxyIntegration, SighupReloadsTheRoutingFile) {
  ProxyCluster cluster(2, false, /*all_on_first=*/true);
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  Conn s1 = connect(cluster.servers[0]->port());
  Conn s2 = connect(cluster.servers[1]->port());
  EXPECT_EQ(call(c.get(), {"SET", "k1", "a"}), "+OK");
  EXPECT_EQ(call(s1.get(), {"GET", "k1"}), "'a'");

  std::ofstream(cluster.slots_file) << "{not json";
  ASSERT_EQ(kill(cluster.proxy->pid(), SIGHUP), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(call(c.get(), {"SET", "k2", "b"}), "+OK");
  EXPECT_EQ(call(s1.get(), {"GET", "k2"}), "'b'");  // the old table

  std::ofstream(cluster.slots_file) << "{\"epoch\": 2, \"groups\": [{\"id\": 2, \"master\": \"" +
                                           cluster.addr(1) +
                                           "\"}], \"slots\": [{\"range\": [0, 1023], \"group\": 2}]}";
  ASSERT_EQ(kill(cluster.proxy->pid(), SIGHUP), 0);
  bool moved = false;
  for (int i = 0; i < 100 && !moved; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(call(c.get(), {"SET", "k3", std::to_string(i)}), "+OK");
    moved = call(s2.get(), {"EXISTS", "k3"}) == ":1";
  }
  EXPECT_TRUE(moved);
  const std::string info = call(c.get(), {"INFO", "cluster"});
  EXPECT_NE(info.find("routing_epoch:2"), std::string::npos) << info;
  EXPECT_TRUE(cluster.proxy->alive());
}

// Clients AUTH to the proxy (AUTH or HELLO AUTH) with its password; the proxy AUTHs to password-protected
// servers with its own; a wrong backend password is a clear error; idle clients are closed after --timeout.
TEST(ProxyIntegration, PasswordsAndIdleTimeout) {
  ProxyCluster cluster(2, false, false, 1,
                       {"--password", "front", "--backend-password", "back", "--timeout", "1"},
                       {"--requirepass", "back"});
  ASSERT_TRUE(cluster.up());
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"GET", "k"}), "-NOAUTH Authentication required.");
  EXPECT_EQ(call(c.get(), {"AUTH", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(call(c.get(), {"AUTH", "front"}), "+OK");
  EXPECT_EQ(call(c.get(), {"MSET", "a", "1", "b", "2", "c", "3"}), "+OK");
  EXPECT_EQ(call(c.get(), {"MGET", "a", "b", "c"}), "['1', '2', '3']");
  Conn h = connect(cluster.port());
  EXPECT_EQ(call(h.get(), {"HELLO", "2", "AUTH", "default", "front", "SETNAME", "me"})
                .rfind("['server', 'redis'", 0),
            0u);
  EXPECT_EQ(call(h.get(), {"CLIENT", "GETNAME"}), "'me'");
  EXPECT_EQ(call(h.get(), {"GET", "a"}), "'1'");

  // Idle for more than a second: the proxy closes the connection.
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  EXPECT_EQ(call(c.get(), {"PING"}), "<no reply>");

  // A proxy with the wrong backend password says so for every command.
  ServerProcess wrong(CODIS_PROXY_BIN, {"--slots", cluster.slots_file, "--backend-password", "nope"},
                      std::nullopt, ServerProcess::Kind::kProxy);
  ASSERT_GT(wrong.port(), 0);
  Conn w = connect(wrong.port());
  const std::string r = call(w.get(), {"GET", "a"});
  EXPECT_NE(r.find("refused the proxy's password"), std::string::npos) << r;
}

// The admin port: status and counters, the routing table, Prometheus metrics, and a new table by PUT.
TEST(ProxyIntegration, AdminPortServesStatusSlotsAndMetrics) {
  ProxyCluster cluster(2, false, /*all_on_first=*/true);
  ASSERT_TRUE(cluster.up());
  const std::string& banner = cluster.proxy->banner();
  const size_t at = banner.find("codis-proxy admin on ");
  ASSERT_NE(at, std::string::npos) << banner;
  const std::string addr = banner.substr(at + 21, banner.find('\n', at) - at - 21);
  const std::string port = addr.substr(addr.rfind(':') + 1);
  auto http = [&port](const std::string& method, const std::string& path, const std::string& body = "") {
    const std::string req =
        method + " " + path +
        " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    const int fd = dial_loopback(std::stoi(port));
    if (fd < 0 || write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
      return std::string("<no connection>");
    }
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
      got.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return got;
  };
  Conn c = connect(cluster.port());
  EXPECT_EQ(call(c.get(), {"SET", "k", "v"}), "+OK");
  const std::string status = http("GET", "/api/v1/status");
  EXPECT_EQ(status.rfind("HTTP/1.1 200", 0), 0u) << status;
  EXPECT_NE(status.find("\"slots_served\":1024"), std::string::npos) << status;
  EXPECT_NE(status.find("\"backend\":"), std::string::npos) << status;  // loop 0's view: up, idle...
  const std::string metrics = http("GET", "/metrics");
  EXPECT_NE(metrics.find("codis_proxy_commands_total "), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("codis_proxy_routing_epoch 1"), std::string::npos) << metrics;
  EXPECT_NE(http("GET", "/api/v1/slots").find("\"range\":[0,1023]"), std::string::npos);
  EXPECT_EQ(http("PUT", "/api/v1/slots", "{bad").rfind("HTTP/1.1 400", 0), 0u);
  const std::string table = "{\"epoch\": 5, \"groups\": [{\"id\": 2, \"master\": \"" + cluster.addr(1) +
                            "\"}], \"slots\": [{\"range\": [0, 1023], \"group\": 2}]}";
  EXPECT_EQ(http("PUT", "/api/v1/slots", table).rfind("HTTP/1.1 200", 0), 0u);
  Conn s2 = connect(cluster.servers[1]->port());
  bool moved = false;
  for (int i = 0; i < 100 && !moved; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(call(c.get(), {"SET", "k2", "v"}), "+OK");
    moved = call(s2.get(), {"EXISTS", "k2"}) == ":1";
  }
  EXPECT_TRUE(moved);
  const std::string after = http("GET", "/metrics");
  EXPECT_NE(after.find("codis_proxy_routing_epoch 5"), std::string::npos) << after;
  EXPECT_NE(after.find("codis_proxy_command_calls_total{cmd=\"set\"} "), std::string::npos) << after;
  EXPECT_NE(after.find("codis_proxy_command_latency_microseconds{cmd=\"set\",quantile=\"0.99\"} "),
            std::string::npos)
      << after;
  const std::string stats = call(c.get(), {"INFO", "commandstats"});
  EXPECT_NE(stats.find("cmdstat_set:calls="), std::string::npos) << stats;
  EXPECT_NE(call(c.get(), {"INFO", "latencystats"}).find("latency_percentiles_usec_set:p50="),
            std::string::npos);
  EXPECT_EQ(http("GET", "/nope").rfind("HTTP/1.1 404", 0), 0u);
}

}  // namespace
}  // namespace codis::proxy::testing
