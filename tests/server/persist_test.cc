// RDB persistence of the real codis-server (docs/persistence.md), on loopback with Debian's redis-server
// 7.0 as the other side: data back after a restart, a BGSAVE under a writer equal to its start and loaded by
// redis-server, a Redis dump.rdb loaded by codis-server, DEBUG RELOAD, a corrupt file refusing the start,
// the save rules, INFO persistence and slot states kept across a restart.
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/server/redis_client.h"
#include "tests/server/server_process.h"

namespace codis::server::testing {
namespace {

constexpr const char* kRedis = "/usr/bin/redis-server";

std::string fresh_dir(const std::string& name) {
  static int n = 0;
  std::string d =
      ::testing::TempDir() + "persist-" + std::to_string(getpid()) + "-" + name + "-" + std::to_string(++n);
  mkdir(d.c_str(), 0755);
  return d;
}

// codis-server in `dir`.
std::unique_ptr<ServerProcess> codis(const std::string& dir, std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), {"--dir", dir});
  return std::make_unique<ServerProcess>(CODIS_SERVER_BIN, extra);
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// redis-server 7.0 on a free port over `dir`/dump.rdb; killed by PID at the end.
class RedisProcess {
 public:
  explicit RedisProcess(const std::string& dir) : port_(free_port()) {
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      const std::string port = std::to_string(port_);
      execl(kRedis, kRedis, "--port", port.c_str(), "--bind", "127.0.0.1", "--dir", dir.c_str(),
            "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--logfile",
            (dir + "/redis.log").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      const int fd = dial_loopback(port_);
      if (fd >= 0) {
        close(fd);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~RedisProcess() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string info_field(redisContext* c, const std::string& name) {
  const std::string info = call(c, {"INFO", "persistence"});
  const size_t at = info.find(name + ":");
  if (at == std::string::npos) {
    return "<missing>";
  }
  const size_t from = at + name.size() + 1;
  return info.substr(from, info.find_first_of("\\'", from) - from);  // rendered: "\r\n" escaped
}

bool wait_for(const std::function<bool()>& ok, int ms = 5000) {
  for (int waited = 0; waited < ms; waited += 20) {
    if (ok()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ok();
}

// One key of every type, a TTL, and keys in dbs 0, 2 and 9.
void fill(redisContext* c) {
  ASSERT_EQ(call(c, {"SET", "s", "hello"}), "+OK");
  ASSERT_EQ(call(c, {"SET", "n", "12345"}), "+OK");
  ASSERT_EQ(call(c, {"RPUSH", "l", "a", "b", "c"}), ":3");
  ASSERT_EQ(call(c, {"HSET", "h", "f1", "v1", "f2", "v2"}), ":2");
  ASSERT_EQ(call(c, {"SADD", "si", "1", "2", "3"}), ":3");
  ASSERT_EQ(call(c, {"SADD", "ss", "x", "y"}), ":2");
  ASSERT_EQ(call(c, {"ZADD", "z", "1.5", "m1", "2", "m2"}), ":2");
  ASSERT_EQ(call(c, {"SET", "ttl", "v", "EX", "1000"}), "+OK");
  ASSERT_EQ(call(c, {"SELECT", "2"}), "+OK");
  ASSERT_EQ(call(c, {"SET", "in2", "two"}), "+OK");
  ASSERT_EQ(call(c, {"SELECT", "9"}), "+OK");
  ASSERT_EQ(call(c, {"RPUSH", "in9", "nine"}), ":1");
  ASSERT_EQ(call(c, {"SELECT", "0"}), "+OK");
}

void check_filled(redisContext* c) {
  EXPECT_EQ(call(c, {"GET", "s"}), "'hello'");
  EXPECT_EQ(call(c, {"GET", "n"}), "'12345'");
  EXPECT_EQ(call(c, {"LRANGE", "l", "0", "-1"}), "['a', 'b', 'c']");
  EXPECT_EQ(call(c, {"HGET", "h", "f2"}), "'v2'");
  EXPECT_EQ(call(c, {"SCARD", "si"}), ":3");
  EXPECT_EQ(call(c, {"SISMEMBER", "ss", "y"}), ":1");
  EXPECT_EQ(call(c, {"ZSCORE", "z", "m1"}), "'1.5'");
  const std::string ttl = call(c, {"TTL", "ttl"});
  EXPECT_TRUE(ttl == ":1000" || ttl == ":999" || ttl == ":998") << ttl;
  EXPECT_EQ(call(c, {"SELECT", "2"}), "+OK");
  EXPECT_EQ(call(c, {"GET", "in2"}), "'two'");
  EXPECT_EQ(call(c, {"SELECT", "9"}), "+OK");
  EXPECT_EQ(call(c, {"LRANGE", "in9", "0", "-1"}), "['nine']");
  EXPECT_EQ(call(c, {"SELECT", "0"}), "+OK");
}

TEST(Persist, SaveThenRestartBringsEveryTypeTtlAndDbBack) {
  const std::string dir = fresh_dir("save");
  {
    auto s = codis(dir);
    auto c = connect(s->port());
    fill(c.get());
    EXPECT_EQ(call(c.get(), {"SAVE"}), "+OK");
    EXPECT_EQ(info_field(c.get(), "rdb_changes_since_last_save"), "0");
  }  // killed with SIGKILL: only the file remains
  auto s = codis(dir);
  ASSERT_NE(s->port(), 0) << s->log();
  auto c = connect(s->port());
  check_filled(c.get());
  EXPECT_EQ(info_field(c.get(), "rdb_last_load_keys_loaded"), "10");
  EXPECT_NE(s->log().find("Done loading RDB, keys loaded: 10, keys expired: 0."), std::string::npos);
}

TEST(Persist, BgsaveUnderAWriterIsTheKeyspaceAtItsStartAndLoadsIntoRedis) {
  const std::string dir = fresh_dir("bgsave");
  constexpr int kKeys = 20000;
  auto s = codis(dir, {"--rdb-key-save-delay", "20"});  // the save lasts ~0.4 s: the writes overlap it
  auto c = connect(s->port());
  for (int i = 0; i < kKeys; i += 1000) {
    for (int j = i; j < i + 1000; ++j) {
      redisAppendCommand(c.get(), "SET k%d 0", j);
    }
    for (int j = i; j < i + 1000; ++j) {
      redisReply* r = nullptr;
      ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
      freeReplyObject(r);
    }
  }
  // One connection, one pipeline: every write after BGSAVE is after its start, whatever the timing.
  redisAppendCommand(c.get(), "BGSAVE");
  for (int round = 1; round <= 3; ++round) {
    for (int j = 0; j < kKeys; j += 7) {
      redisAppendCommand(c.get(), "SET k%d %d", (j * 13 + round) % kKeys, round);
    }
    redisAppendCommand(c.get(), "DEL k%d", round);
    redisAppendCommand(c.get(), "SET extra%d x", round);
  }
  redisReply* r = nullptr;
  ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
  EXPECT_EQ(render_reply(r), "+Background saving started");
  freeReplyObject(r);
  const int writes = 3 * ((kKeys + 6) / 7 + 2);
  for (int i = 0; i < writes; ++i) {
    ASSERT_EQ(redisGetReply(c.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
    freeReplyObject(r);
  }
  EXPECT_EQ(info_field(c.get(), "rdb_bgsave_in_progress"), "1");  // the writes were served during the save
  ASSERT_TRUE(wait_for([&] { return info_field(c.get(), "rdb_bgsave_in_progress") == "0"; }));
  EXPECT_EQ(info_field(c.get(), "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(info_field(c.get(), "rdb_saves"), "1");
  // The writes after BGSAVE are still counted as changes since the save.
  EXPECT_EQ(info_field(c.get(), "rdb_changes_since_last_save"), std::to_string(writes));

  RedisProcess redis(dir);
  auto rc = connect(redis.port());
  ASSERT_EQ(rc->err, 0);
  EXPECT_EQ(call(rc.get(), {"DBSIZE"}), ":" + std::to_string(kKeys));
  for (int i = 0; i < kKeys; i += 1000) {
    for (int j = i; j < i + 1000; ++j) {
      redisAppendCommand(rc.get(), "GET k%d", j);
    }
    for (int j = i; j < i + 1000; ++j) {
      ASSERT_EQ(redisGetReply(rc.get(), reinterpret_cast<void**>(&r)), REDIS_OK);
      ASSERT_EQ(render_reply(r), "'0'") << "k" << j;
      freeReplyObject(r);
    }
  }
}

TEST(Persist, ARedis70DumpLoadsIntoCodis) {
  const std::string dir = fresh_dir("fromredis");
  {
    RedisProcess redis(dir);
    auto rc = connect(redis.port());
    fill(rc.get());
    ASSERT_EQ(call(rc.get(), {"SET", "gone", "x", "PX", "1"}), "+OK");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(call(rc.get(), {"SAVE"}), "+OK");
  }
  auto s = codis(dir);
  ASSERT_NE(s->port(), 0) << s->log();
  auto c = connect(s->port());
  check_filled(c.get());
  EXPECT_EQ(call(c.get(), {"EXISTS", "gone"}), ":0");
}

TEST(Persist, DebugReloadSavesAndLoadsBack) {
  const std::string dir = fresh_dir("reload");
  auto s = codis(dir);
  auto c = connect(s->port());
  fill(c.get());
  EXPECT_EQ(call(c.get(), {"DEBUG", "RELOAD"}), "+OK");
  check_filled(c.get());
  EXPECT_EQ(info_field(c.get(), "rdb_last_load_keys_loaded"), "10");
  EXPECT_EQ(call(c.get(), {"DEBUG", "RELOAD", "NOSAVE"}), "+OK");
  check_filled(c.get());
}

TEST(Persist, ACorruptFileStopsTheStartNamingTheOffset) {
  const std::string dir = fresh_dir("corrupt");
  {
    auto s = codis(dir);
    auto c = connect(s->port());
    fill(c.get());
    ASSERT_EQ(call(c.get(), {"SAVE"}), "+OK");
  }
  std::string bytes;
  {
    std::ifstream f(dir + "/dump.rdb", std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    bytes = ss.str();
  }
  ASSERT_GT(bytes.size(), 100U);
  std::string flipped = bytes;
  flipped[bytes.size() - 20] ^= 0x5a;  // inside the last records: the checksum at least disagrees
  std::ofstream(dir + "/dump.rdb", std::ios::binary | std::ios::trunc) << flipped;
  auto s = codis(dir);
  EXPECT_EQ(s->port(), 0);
  EXPECT_TRUE(wait_for([&] { return !s->alive(); }));  // exited (non-zero), not serving
  const std::string log = s->log();
  EXPECT_NE(log.find("Fatal error loading the DB: " + dir + "/dump.rdb: "), std::string::npos) << log;
  EXPECT_NE(log.find("(at byte "), std::string::npos) << log;

  std::ofstream(dir + "/dump.rdb", std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  auto t = codis(dir);
  EXPECT_EQ(t->port(), 0);
  EXPECT_NE(t->log().find("Unexpected EOF reading RDB file"), std::string::npos) << t->log();
}

TEST(Persist, SaveRulesStartABgsave) {
  const std::string dir = fresh_dir("rules");
  auto s = codis(dir, {"--save", "1 2", "--hz", "100"});
  auto c = connect(s->port());
  EXPECT_EQ(call(c.get(), {"CONFIG", "GET", "save"}), "['save', '1 2']");
  const std::string before = call(c.get(), {"LASTSAVE"});
  ASSERT_EQ(call(c.get(), {"SET", "a", "1"}), "+OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(info_field(c.get(), "rdb_saves"), "0");  // one change: under the rule's two
  ASSERT_EQ(call(c.get(), {"SET", "b", "1"}), "+OK");
  EXPECT_TRUE(wait_for([&] { return info_field(c.get(), "rdb_saves") == "1"; }));
  EXPECT_EQ(info_field(c.get(), "rdb_changes_since_last_save"), "0");
  EXPECT_NE(call(c.get(), {"LASTSAVE"}), before);
  EXPECT_NE(s->log().find("2 changes in 1 seconds. Saving..."), std::string::npos);
  EXPECT_EQ(access((dir + "/dump.rdb").c_str(), F_OK), 0);
}

TEST(Persist, InfoConfigAndFlushall) {
  const std::string dir = fresh_dir("info");
  auto s = codis(dir);
  auto c = connect(s->port());
  EXPECT_EQ(call(c.get(), {"CONFIG", "GET", "save"}), "['save', '3600 1 300 100 60 10000']");
  EXPECT_EQ(call(c.get(), {"CONFIG", "GET", "dbfilename"}), "['dbfilename', 'dump.rdb']");
  EXPECT_EQ(call(c.get(), {"CONFIG", "SET", "dbfilename", "a/b"}),
            "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a "
            "path, just a "
            "filename");
  EXPECT_EQ(call(c.get(), {"CONFIG", "SET", "save", "1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  for (const char* f :
       {"loading", "rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_save_time",
        "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec", "rdb_saves",
        "aof_enabled", "aof_rewrite_in_progress", "aof_last_write_status"}) {
    EXPECT_NE(info_field(c.get(), f), "<missing>") << f;
  }
  EXPECT_EQ(info_field(c.get(), "rdb_last_bgsave_time_sec"), "-1");
  ASSERT_EQ(call(c.get(), {"SET", "a", "1"}), "+OK");
  ASSERT_EQ(call(c.get(), {"SET", "b", "1"}), "+OK");
  EXPECT_EQ(info_field(c.get(), "rdb_changes_since_last_save"), "2");
  // With save rules FLUSHALL saves the empty keyspace and the counter is 0 (as Redis 7.0)...
  EXPECT_EQ(call(c.get(), {"FLUSHALL"}), "+OK");
  EXPECT_EQ(info_field(c.get(), "rdb_changes_since_last_save"), "0");
  // ...without, the keys it removed count.
  EXPECT_EQ(call(c.get(), {"CONFIG", "SET", "save", ""}), "+OK");
  ASSERT_EQ(call(c.get(), {"SET", "a", "1"}), "+OK");
  ASSERT_EQ(call(c.get(), {"SET", "b", "1"}), "+OK");
  EXPECT_EQ(call(c.get(), {"FLUSHALL"}), "+OK");
  EXPECT_EQ(info_field(c.get(), "rdb_changes_since_last_save"), "4");
  EXPECT_EQ(call(c.get(), {"BGSAVE", "NOW"}), "-ERR syntax error");
  EXPECT_EQ(call(c.get(), {"BGSAVE", "SCHEDULE"}), "+Background saving started");
}

TEST(Persist, SlotStatesAndEpochsSurviveARestart) {
  const std::string dir = fresh_dir("slots");
  {
    auto s = codis(dir, {"--cluster-mode", "yes"});
    auto c = connect(s->port());
    ASSERT_EQ(call(c.get(), {"SLOTSSETSTATE", "0-1023", "owned", "-", "3"}), "+OK");
    ASSERT_EQ(call(c.get(), {"SLOTSSETSTATE", "5", "migrating", "127.0.0.1:1", "4"}), "+OK");
    ASSERT_EQ(call(c.get(), {"SET", "a", "1"}), "+OK");
    ASSERT_EQ(call(c.get(), {"SHUTDOWN"}), "<no reply>");  // save rules exist: saves before exiting
  }
  auto s = codis(dir, {"--cluster-mode", "yes"});
  ASSERT_NE(s->port(), 0) << s->log();
  auto c = connect(s->port());
  EXPECT_EQ(call(c.get(), {"GET", "a"}), "'1'");  // owned again: served, not redirected
  EXPECT_NE(call(c.get(), {"SLOTSSETSTATE", "0", "owned", "-", "2"}).find("stale epoch 2"),
            std::string::npos);
  EXPECT_EQ(call(c.get(), {"SLOTSSETSTATE", "5", "migrating", "127.0.0.1:1", "4"}), "+OK");  // same again
}

}  // namespace
}  // namespace codis::server::testing
