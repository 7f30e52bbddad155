// Allocator state stays out of replies under the simulator: INFO memory, MEMORY USAGE/STATS/DOCTOR and
// DEBUG OBJECT answer from rt::Memory (the simulator's ModelMemory) and from string capacities that
// Object keeps itself, so two runs of the same commands answer byte for byte alike, whatever the heap did
// in between.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "server/memory_usage.h"
#include "server/object.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

// Every reply of a script that grows strings by APPEND, fills containers and asks for every memory figure.
std::string transcript() {
  ServerFixture f;
  std::string out;
  auto run = [&](const std::vector<std::string>& argv) {
    out += f.run_args(argv);
    out += '\n';
  };
  run({"set", "s", "v"});
  for (int i = 0; i < 40; ++i) {
    run({"append", "s", std::string(static_cast<size_t>(i * 7 + 1), 'x')});
    run({"memory", "usage", "s"});
  }
  run({"setrange", "s", "5000", "y"});
  for (int i = 0; i < 50; ++i) {
    run({"rpush", "l", std::string(static_cast<size_t>(i), 'l')});
    run({"hset", "h", "f" + std::to_string(i), std::string(static_cast<size_t>(i), 'h')});
  }
  for (const char* k : {"s", "l", "h"}) {
    run({"memory", "usage", k, "samples", "0"});
    run({"debug", "object", k});
  }
  run({"memory", "stats"});
  run({"memory", "doctor"});
  run({"memory", "purge"});
  run({"info", "memory"});
  return out;
}

TEST(MemorySeam, SimulatedRunsAnswerAlike) {
  const std::string first = transcript();
  // Churn the heap between the runs: a real allocator now hands out other blocks, of other usable sizes.
  std::vector<std::unique_ptr<char[]>> churn;
  for (size_t i = 1; i < 2000; ++i) {
    churn.emplace_back(new char[i * 13 % 997 + 1]);
    if (i % 3 == 0) {
      churn[i / 2].reset();
    }
  }
  EXPECT_EQ(transcript(), first);
  EXPECT_NE(first.find("Value at:0x0 refcount:1 encoding:"), std::string::npos) << first;
  EXPECT_NE(first.find("used_memory:0\\r\\n"), std::string::npos) << "ModelMemory starts at zero";
}

TEST(MemorySeam, ModelMemoryReportsWhatTheScenarioSets) {
  ServerFixture f;
  EXPECT_EQ(f.server().used_memory(), 0u);
  rt::ModelMemory& m = static_cast<rt::ModelMemory&>(f.server().env().memory);
  m.set_stats({5000, 6000, 7000});
  EXPECT_EQ(f.server().used_memory(), 5000u);
  EXPECT_EQ(f.server().memory_facts().rss, 7000u);
  const std::string info = f.cmd("info memory");
  EXPECT_NE(info.find("used_memory:5000"), std::string::npos) << info;
  EXPECT_NE(info.find("allocator_active:6000"), std::string::npos) << info;
  EXPECT_EQ(f.cmd("config set maxmemory 4000"), "+OK");
  EXPECT_EQ(f.cmd("set k v"), "-OOM command not allowed when used memory > 'maxmemory'.");
}

// A string block's capacity is glibc's usable size for the request (a chunk less 8 bytes), kept in the
// block: the slack below 8 bytes in the header, from 8 on after the string's bytes.
TEST(MemorySeam, StringCapacityIsKeptInTheBlock) {
  Object o("v");
  EXPECT_EQ(o.block_bytes(), 24u);  // malloc(8 + 1): a 32-byte chunk, 24 usable
  o.str().append(std::string(16, 'a'));
  EXPECT_EQ(o.block_bytes(), 56u) << "17 bytes doubled to 34: malloc(42), a 64-byte chunk";
  EXPECT_EQ(malloc_chunk(o.block_bytes()), 64u);
  std::string want = "v" + std::string(16, 'a');
  for (size_t n = want.size(); n < 48; ++n) {  // through slack 30 .. 1: stored, then in the header
    o.str().append("b");
    want += 'b';
    ASSERT_EQ(o.str(), want);
    ASSERT_EQ(o.block_bytes(), 56u) << n;
  }
  o.str().resize(45);  // shrinking keeps the block: slack 3, then 18
  want.resize(45);
  EXPECT_EQ(o.str(), want);
  EXPECT_EQ(o.block_bytes(), 56u);
  o.str().resize(30);
  want.resize(30);
  EXPECT_EQ(o.str(), want);
  EXPECT_EQ(o.block_bytes(), 56u);
  o.str().resize(46);  // grows into the bytes that held the slack: zeroed
  want.resize(46, '\0');
  EXPECT_EQ(o.str(), want);
  EXPECT_EQ(o.block_bytes(), 56u);
  o.str().append("xyz");  // 49 > 48: a new block
  want += "xyz";
  EXPECT_EQ(o.str(), want);
  EXPECT_EQ(o.block_bytes(), malloc_chunk(8 + 98) - 8);
  Object c = o.clone();
  EXPECT_EQ(c.str(), want);
  EXPECT_EQ(c.block_bytes(), malloc_chunk(8 + 49) - 8) << "a copy is exact";
}

}  // namespace
}  // namespace codis::server::testing
