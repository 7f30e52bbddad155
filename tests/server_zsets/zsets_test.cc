// What a capture from Redis cannot pin down: random choice (ZRANDMEMBER), the skip list's ZSCAN cursor,
// and the non-blocking pop core the blocking commands will call (zset_pop_try).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cmd/table.h"
#include "server/families/zset_cmds.h"
#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using ZSetsTest = RawServerTest;

class ZSetsMoreTest : public ZSetsTest {
 protected:
  // n members m0..m(n-1) with scores i % 7 (skiplist when n > 128).
  void fill(std::string_view key, int n) {
    std::vector<std::string> args = {"zadd", std::string(key)};
    for (int i = 0; i < n; ++i) {
      args.push_back(std::to_string(i % 7));
      args.push_back("m" + std::to_string(i));
    }
    std::vector<std::string_view> v(args.begin(), args.end());
    ASSERT_EQ(run_vec(v), ":" + std::to_string(n) + "\r\n");
  }
  // The pairs of a flat [member, score, ...] or nested [[member, score], ...] reply.
  static std::vector<std::pair<std::string, std::string>> pairs(const resp::Value& v) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!v.elems.empty() && !v.elems[0].elems.empty()) {
      for (const auto& p : v.elems) {
        out.emplace_back(p.elems[0].str,
                         p.elems[1].kind == resp::Kind::kDouble ? format(p.elems[1].dbl) : p.elems[1].str);
      }
      return out;
    }
    for (size_t i = 0; i + 1 < v.elems.size(); i += 2) out.emplace_back(v.elems[i].str, v.elems[i + 1].str);
    return out;
  }
  static std::string format(double d) {
    char buf[32];
    return std::string(buf, resp::format_double(d, buf, resp::DoubleFormat::kRedis70));
  }
};

TEST_F(ZSetsMoreTest, RandMemberDistinctAndRepeated) {
  for (int n : {5, 100, 300}) {
    SCOPED_TRACE(n);
    run({"del", "z"});
    fill("z", n);
    for (int count : {1, 2, n / 4, n / 2, n - 1, n, n + 3}) {
      const std::string c = std::to_string(count);
      const resp::Value v = value({"zrandmember", "z", c});
      std::set<std::string> seen;
      for (const auto& e : v.elems) {
        EXPECT_TRUE(seen.insert(e.str).second) << "repeated " << e.str;
        EXPECT_EQ(e.str[0], 'm');
        EXPECT_LT(std::stoi(e.str.substr(1)), n);
      }
      EXPECT_EQ(seen.size(), static_cast<size_t>(std::min(count, n)));
    }
    const resp::Value rep = value({"zrandmember", "z", "-20"});
    EXPECT_EQ(rep.elems.size(), 20u);
  }
}

TEST_F(ZSetsMoreTest, RandMemberWithScoresBothProtocols) {
  fill("z", 200);
  for (int proto : {2, 3}) {
    client().protocol = proto;
    for (const char* count : {"7", "150", "-9"}) {
      const auto ps = pairs(value({"zrandmember", "z", count, "withscores"}));
      EXPECT_EQ(ps.size(), static_cast<size_t>(std::abs(std::stoi(count))));
      for (const auto& [m, s] : ps) {
        EXPECT_EQ(s, std::to_string(std::stoi(m.substr(1)) % 7)) << m;
      }
    }
  }
  // Every member comes up eventually: the draws are not stuck on a part of the set.
  std::set<std::string> seen;
  for (int i = 0; i < 3000 && seen.size() < 200; ++i) seen.insert(value({"zrandmember", "z"}).str);
  EXPECT_EQ(seen.size(), 200u);
}

TEST_F(ZSetsMoreTest, ScanSkiplistVisitsEveryMemberOnce) {
  fill("z", 1000);
  run({"zadd", "z", "-0", "negzero", "0.1", "tenth", "1e300", "huge"});
  std::map<std::string, std::string> got;
  std::string cursor = "0";
  int calls = 0;
  do {
    const resp::Value v = value({"zscan", "z", cursor, "count", "25"});
    ASSERT_EQ(v.elems.size(), 2u);
    cursor = v.elems[0].str;
    for (size_t i = 0; i + 1 < v.elems[1].elems.size(); i += 2) {
      EXPECT_TRUE(got.emplace(v.elems[1].elems[i].str, v.elems[1].elems[i + 1].str).second);
    }
    ++calls;
  } while (cursor != "0" && calls < 1000);
  EXPECT_EQ(got.size(), 1003u);
  EXPECT_GT(calls, 5);              // pages never split a run of equal scores (7 runs here)
  EXPECT_EQ(got["negzero"], "-0");  // the skip list keeps -0 (a listpack would say "0")
  EXPECT_EQ(got["tenth"], "0.10000000000000001");
  EXPECT_EQ(got["huge"], "1.0000000000000001e+300");
  EXPECT_EQ(got["m8"], "1");
  // MATCH filters the page after the walk.
  const resp::Value v = value({"zscan", "z", "0", "match", "huge", "count", "100000"});
  EXPECT_EQ(v.elems[0].str, "0");
  ASSERT_EQ(v.elems[1].elems.size(), 2u);
  EXPECT_EQ(v.elems[1].elems[0].str, "huge");
}

TEST_F(ZSetsMoreTest, ScanSurvivesChangesBetweenCalls) {
  fill("z", 500);
  std::set<std::string> got;
  std::string cursor = "0";
  int step = 0;
  do {
    const resp::Value v = value({"zscan", "z", cursor});
    cursor = v.elems[0].str;
    for (size_t i = 0; i < v.elems[1].elems.size(); i += 2) got.insert(v.elems[1].elems[i].str);
    // Members added and removed meanwhile may or may not come back; the others must.
    const std::string extra = "x" + std::to_string(step++);
    run({"zadd", "z", "3", extra});
    run({"zrem", "z", extra});
  } while (cursor != "0");
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(got.count("m" + std::to_string(i))) << i;
}

// The core BZPOPMIN/BZPOPMAX/BZMPOP will call: it replies only when it pops (or on WRONGTYPE).
class PopCoreTest : public ZSetsMoreTest {
 protected:
  std::string try_pop(std::vector<std::string_view> argv, size_t numkeys_at, ZPopReply shape, bool* popped,
                      bool* replied) {
    std::string out;
    resp::ReplyWriter w(&out, client().protocol);
    CommandContext ctx{server(), client(), argv, *cmd::lookup(argv[0]), w, 0};
    ZPopArgs a;
    if (!parse_zmpop(ctx, numkeys_at, &a)) {
      *popped = false;
      *replied = true;
      return out;
    }
    *popped = zset_pop_try(ctx, a, shape, replied);
    return out;
  }
};

TEST_F(PopCoreTest, WritesNothingWhenEveryKeyIsEmpty) {
  bool popped, replied;
  EXPECT_EQ(try_pop({"bzmpop", "0", "2", "a", "b", "min"}, 2, ZPopReply::kMpop, &popped, &replied), "");
  EXPECT_FALSE(popped);
  EXPECT_FALSE(replied);
  run({"zadd", "b", "1", "x", "2", "y"});
  EXPECT_EQ(
      try_pop({"bzmpop", "0", "2", "a", "b", "max", "count", "5"}, 2, ZPopReply::kMpop, &popped, &replied),
      "*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
  EXPECT_TRUE(popped);
  EXPECT_EQ(run({"exists", "b"}), ":0\r\n");
  run({"zadd", "b", "1.5", "x", "2", "y"});
  client().protocol = 3;
  EXPECT_EQ(try_pop({"bzpopmin", "2", "a", "b", "min"}, 1, ZPopReply::kKeyFlat, &popped, &replied),
            "*3\r\n$1\r\nb\r\n$1\r\nx\r\n,1.5\r\n");
  run({"set", "a", "str"});
  EXPECT_EQ(try_pop({"bzpopmin", "2", "a", "b", "min"}, 1, ZPopReply::kKeyFlat, &popped, &replied),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_FALSE(popped);
  EXPECT_TRUE(replied);
  EXPECT_EQ(try_pop({"bzmpop", "0", "0", "b", "min"}, 2, ZPopReply::kMpop, &popped, &replied),
            "-ERR numkeys should be greater than 0\r\n");
}

}  // namespace
}  // namespace codis::server::testing
