// The slow log store (server/slowlog.h) and SLOWLOG GET/LEN/RESET over it: Redis's thresholds, length
// limit and argument trimming (32 arguments, 128 bytes each).
#include "server/slowlog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

std::vector<std::string_view> views(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

TEST(Slowlog, RecordsOnlyCommandsAtOrAboveTheThreshold) {
  Config c;
  c.slowlog_log_slower_than = 100;
  Slowlog log;
  std::vector<std::string> argv = {"get", "k"};
  log.record(c, 99, views(argv), "1.2.3.4:5", "", 1000);
  EXPECT_EQ(log.size(), 0u);
  log.record(c, 100, views(argv), "1.2.3.4:5", "name", 1000);
  ASSERT_EQ(log.size(), 1u);
  const SlowlogEntry& e = log.entries().front();
  EXPECT_EQ(e.id, 0);
  EXPECT_EQ(e.time, 1000);
  EXPECT_EQ(e.duration_us, 100);
  EXPECT_EQ(e.argv, argv);
  EXPECT_EQ(e.peer, "1.2.3.4:5");
  EXPECT_EQ(e.name, "name");

  c.slowlog_log_slower_than = -1;  // disabled
  log.record(c, 1000000, views(argv), "p", "", 1000);
  EXPECT_EQ(log.size(), 1u);
  c.slowlog_log_slower_than = 0;  // everything
  log.record(c, 0, views(argv), "p", "", 1001);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log.entries().front().id, 1);  // newest first
}

TEST(Slowlog, KeepsTheNewestMaxLenEntries) {
  Config c;
  c.slowlog_log_slower_than = 0;
  c.slowlog_max_len = 3;
  Slowlog log;
  std::vector<std::string> argv = {"ping"};
  for (int i = 0; i < 5; ++i) {
    log.record(c, i, views(argv), "p", "", 0);
  }
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log.entries().front().id, 4);
  EXPECT_EQ(log.entries().back().id, 2);
  c.slowlog_max_len = 0;
  log.record(c, 0, views(argv), "p", "", 0);
  EXPECT_EQ(log.size(), 0u);
}

TEST(Slowlog, TrimsArgumentsLikeRedis) {
  Config c;
  c.slowlog_log_slower_than = 0;
  Slowlog log;
  std::vector<std::string> argv = {"sadd", "k"};
  for (int i = 0; i < 40; ++i) {
    argv.push_back("m" + std::to_string(i));
  }
  argv[1] = std::string(130, 'x');
  log.record(c, 5, views(argv), "p", "", 0);
  const SlowlogEntry& e = log.entries().front();
  ASSERT_EQ(e.argv.size(), 32u);
  EXPECT_EQ(e.argv[1], std::string(128, 'x') + "... (2 more bytes)");
  EXPECT_EQ(e.argv[30], "m28");
  EXPECT_EQ(e.argv[31], "... (11 more arguments)");  // 42 arguments: 31 kept, 11 summarised

  argv.resize(32);
  log.record(c, 5, views(argv), "p", "", 0);
  EXPECT_EQ(log.entries().front().argv.back(), "m29");  // exactly 32: nothing summarised
  argv[2] = std::string(128, 'y');
  log.record(c, 5, views(argv), "p", "", 0);
  EXPECT_EQ(log.entries().front().argv[2], std::string(128, 'y'));
}

TEST(Slowlog, GetLenResetReplies) {
  ServerFixture f;
  Config c;
  c.slowlog_log_slower_than = 0;
  Slowlog& log = slowlog_of(f.server());
  log.reset();
  std::vector<std::string> a = {"set", "k", "v"};
  std::vector<std::string> b = {"get", "k"};
  log.record(c, 12, views(a), "127.0.0.1:5000", "cli", 1700000000);
  log.record(c, 34, views(b), "127.0.0.1:5001", "", 1700000001);
  EXPECT_EQ(f.cmd("slowlog len"), ":2");
  EXPECT_EQ(f.cmd("slowlog get 1"), "[[:1, :1700000001, :34, ['get', 'k'], '127.0.0.1:5001', '']]");
  EXPECT_EQ(f.cmd("slowlog get -1"),
            "[[:1, :1700000001, :34, ['get', 'k'], '127.0.0.1:5001', ''], "
            "[:0, :1700000000, :12, ['set', 'k', 'v'], '127.0.0.1:5000', 'cli']]");
  EXPECT_EQ(f.cmd("slowlog get"), f.cmd("slowlog get 10"));
  EXPECT_EQ(f.cmd("slowlog get 0"), "[]");
  EXPECT_EQ(f.cmd("slowlog reset"), "+OK");
  EXPECT_EQ(f.cmd("slowlog len"), ":0");
  log.record(c, 1, views(b), "p", "", 0);
  EXPECT_EQ(f.cmd("slowlog get"), "[[:2, :0, :1, ['get', 'k'], 'p', '']]");  // ids keep counting
  log.reset();
}

}  // namespace
}  // namespace codis::server::testing
