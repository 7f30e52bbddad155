// HRANDFIELD: argument errors in Redis 7.0.15's order, count semantics (distinct for count >= 0, draws
// with repeats for count < 0), WITHVALUES reply shapes in RESP2 and RESP3, and the reply size cap.
#include <map>
#include <set>

#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using HashRandom = RawServerTest;

class HashRandomFilled : public RawServerTest {
 protected:
  // n fields f0..f(n-1) with values v0..v(n-1).
  void fill(std::string key, int n) {
    std::vector<std::string> args{"hset", key};
    for (int i = 0; i < n; ++i) {
      args.push_back("f" + std::to_string(i));
      args.push_back("v" + std::to_string(i));
    }
    ASSERT_EQ(run(args), integer(n));
  }
  static bool is_field(const std::string& f, int n) {
    return f.size() > 1 && f[0] == 'f' && std::stoi(f.substr(1)) < n;
  }
};

TEST_F(HashRandom, Errors) {
  run({"hset", "h", "a", "1"});
  EXPECT_EQ(run({"hrandfield", "h", "x"}), err("ERR value is not an integer or out of range"));
  EXPECT_EQ(
      run({"hrandfield", "h", "-9223372036854775808"}),
      err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
  EXPECT_EQ(run({"hrandfield", "h", "1", "withvalue"}), err("ERR syntax error"));
  EXPECT_EQ(run({"hrandfield", "h", "1", "withvalues", "x"}), err("ERR syntax error"));
  EXPECT_EQ(run({"hrandfield", "h", "-9223372036854775807", "withvalues"}), err("ERR value is out of range"));
  EXPECT_EQ(run({"hrandfield", "h", "-4611686018427387904", "withvalues"}), err("ERR value is out of range"));
  EXPECT_EQ(run({"hrandfield", "h", "4611686018427387904", "withvalues"}), err("ERR value is out of range"));
  // Syntax is checked before the key: a missing or wrong-typed key still gets the syntax error.
  EXPECT_EQ(run({"hrandfield", "nokey", "0", "foo"}), err("ERR syntax error"));
  run({"set", "s", "x"});
  EXPECT_EQ(run({"hrandfield", "s", "0", "foo"}), err("ERR syntax error"));
}

TEST_F(HashRandom, MissingKey) {
  EXPECT_EQ(run({"hrandfield", "nokey"}), "$-1\r\n");
  EXPECT_EQ(run({"hrandfield", "nokey", "5"}), "*0\r\n");
  EXPECT_EQ(run({"hrandfield", "nokey", "-5", "withvalues"}), "*0\r\n");
  client().protocol = 3;
  EXPECT_EQ(run({"hrandfield", "nokey"}), "_\r\n");
  EXPECT_EQ(run({"hrandfield", "nokey", "5", "withvalues"}), "*0\r\n");
}

TEST_F(HashRandomFilled, NoCountIsOneField) {
  fill("h", 5);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    resp::Value v = value({"hrandfield", "h"});
    ASSERT_EQ(v.kind, resp::Kind::kBulkString);
    ASSERT_TRUE(is_field(v.str, 5)) << v.str;
    seen.insert(v.str);
  }
  EXPECT_EQ(seen.size(), 5u);
}

TEST_F(HashRandomFilled, ZeroCount) {
  fill("h", 3);
  EXPECT_EQ(run({"hrandfield", "h", "0"}), "*0\r\n");
  EXPECT_EQ(run({"hrandfield", "h", "0", "withvalues"}), "*0\r\n");
}

TEST_F(HashRandomFilled, PositiveCountIsDistinct) {
  for (int n : {3, 50, 1000}) {
    std::string key = "h" + std::to_string(n);
    fill(key, n);
    for (int count : {1, 2, n / 4 + 1, n / 2, n - 1, n, n + 5}) {
      auto fields = strings(value({"hrandfield", key, std::to_string(count)}));
      ASSERT_EQ(fields.size(), static_cast<size_t>(std::min(count, n))) << n << " " << count;
      std::set<std::string> uniq(fields.begin(), fields.end());
      EXPECT_EQ(uniq.size(), fields.size()) << n << " " << count;
      for (const auto& f : fields) {
        EXPECT_TRUE(is_field(f, n)) << f;
      }
    }
  }
}

TEST_F(HashRandomFilled, NegativeCountRepeats) {
  for (int n : {2, 1000}) {
    std::string key = "h" + std::to_string(n);
    fill(key, n);
    auto fields = strings(value({"hrandfield", key, "-3000"}));
    ASSERT_EQ(fields.size(), 3000u);
    std::map<std::string, int> hist;
    for (const auto& f : fields) {
      ASSERT_TRUE(is_field(f, n)) << f;
      ++hist[f];
    }
    if (n == 2) {
      EXPECT_EQ(hist.size(), 2u);
      EXPECT_GT(hist["f0"], 1200);  // roughly uniform
    } else {
      EXPECT_GT(hist.size(), 900u);  // 3000 draws from 1000 cover ~95%
    }
  }
  // A few draws from a big hash take the bucket-sampling path.
  auto few = strings(value({"hrandfield", "h1000", "-5"}));
  EXPECT_EQ(few.size(), 5u);
}

TEST_F(HashRandomFilled, WithValuesResp2IsFlat) {
  fill("h", 10);
  for (std::string count : {"3", "-20", "100"}) {
    resp::Value v = value({"hrandfield", "h", count, "WITHVALUES"});
    ASSERT_EQ(v.kind, resp::Kind::kArray);
    size_t want = count == "3" ? 6 : count == "-20" ? 40 : 20;
    ASSERT_EQ(v.elems.size(), want);
    for (size_t i = 0; i < v.elems.size(); i += 2) {
      EXPECT_EQ("v" + v.elems[i].str.substr(1), v.elems[i + 1].str);
    }
  }
}

TEST_F(HashRandomFilled, WithValuesResp3IsPairs) {
  fill("h", 10);
  client().protocol = 3;
  for (std::string count : {"1", "3", "-20", "100"}) {
    resp::Value v = value({"hrandfield", "h", count, "withvalues"});
    ASSERT_EQ(v.kind, resp::Kind::kArray);
    size_t want = count == "1" ? 1 : count == "3" ? 3 : count == "-20" ? 20 : 10;
    ASSERT_EQ(v.elems.size(), want);
    for (const auto& pair : v.elems) {
      ASSERT_EQ(pair.kind, resp::Kind::kArray);
      ASSERT_EQ(pair.elems.size(), 2u);
      EXPECT_EQ("v" + pair.elems[0].str.substr(1), pair.elems[1].str);
    }
  }
  // Without WITHVALUES RESP3 is a plain array of fields.
  EXPECT_EQ(value({"hrandfield", "h", "2"}).elems[0].kind, resp::Kind::kBulkString);
}

TEST_F(HashRandomFilled, HugeNegativeCountClosesTheClient) {
  fill("h", 3);
  server().config().obuf_normal_hard = 1 << 20;
  EXPECT_EQ(run({"hrandfield", "h", "-9223372036854775807"}), "");  // no partial reply
  EXPECT_TRUE(client().killed);
}

TEST_F(HashRandomFilled, SameSeedSameDraws) {
  fill("h", 100);
  auto a = run({"hrandfield", "h", "-50"});
  // Another world with the same seed replays the same draws.
  ServerFixture other;
  std::vector<std::string> args{"hset", "h"};
  for (int i = 0; i < 100; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back("v" + std::to_string(i));
  }
  other.raw_args(std::vector<std::string_view>(args.begin(), args.end()));
  EXPECT_EQ(other.raw({"hrandfield", "h", "-50"}), a);
}

}  // namespace
}  // namespace codis::server::testing
