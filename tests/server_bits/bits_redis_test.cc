// Replays data/bits_cases.txt as captured from redis-server 7.0.15 (data/bits_redis70.txt, made by
// data/capture_bits.py): every case on a fresh codis-server, in RESP2 and RESP3, every raw reply compared
// (long replies, such as dense HyperLogLog bytes, by length and MurmurHash64A).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "server/ds/hll.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 32 && c < 127) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out.size() > 300 ? out.substr(0, 300) + "..." : out;
}

// One "cmd" line: hex words, "-" (empty) and "@HEXPREFIX:FROM:N" (N words PREFIX<FROM>...).
std::vector<std::string> parse_cmd(std::istringstream& words) {
  std::vector<std::string> argv;
  std::string w;
  while (words >> w) {
    if (w == "-") {
      argv.emplace_back();
    } else if (w[0] == '@') {
      const size_t c1 = w.find(':'), c2 = w.find(':', c1 + 1);
      const std::string prefix = unhex(w.substr(1, c1 - 1));
      const long from = std::stol(w.substr(c1 + 1, c2 - c1 - 1)), n = std::stol(w.substr(c2 + 1));
      for (long i = from; i < from + n; ++i) argv.push_back(prefix + std::to_string(i));
    } else {
      argv.push_back(unhex(w));
    }
  }
  return argv;
}

TEST(BitsRedisTest, RepliesMatchRedis70) {
  std::ifstream in(std::string(CODIS_BITS_TESTDATA) + "/bits_redis70.txt");
  ASSERT_TRUE(in.good());
  std::unique_ptr<ServerFixture> s;
  std::string case_name, line, last_cmd, got;
  int cases = 0, replies = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "case") {
      int proto;
      ls >> case_name >> proto;
      case_name += " (RESP" + std::to_string(proto) + ")";
      s = std::make_unique<ServerFixture>();
      s->client().protocol = proto;
      ++cases;
    } else if (kind == "cmd") {
      std::vector<std::string> argv = parse_cmd(ls);
      std::vector<std::string_view> views(argv.begin(), argv.end());
      got = s->raw_args(views);
      last_cmd.clear();
      for (const auto& a : argv) last_cmd += (last_cmd.empty() ? "" : " ") + printable(a);
    } else if (kind == "reply") {
      std::string hex;
      ls >> hex;
      EXPECT_EQ(printable(got), printable(unhex(hex))) << case_name << ": " << last_cmd;
      ++replies;
    } else if (kind == "replyhash") {
      size_t len;
      std::string hash;
      ls >> len >> hash;
      char buf[20];
      std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(ds::hll::murmur64a(got, 0)));
      EXPECT_TRUE(got.size() == len && hash == buf)
          << case_name << ": " << last_cmd << "\n  got " << got.size() << " bytes: " << printable(got);
      ++replies;
    }
  }
  EXPECT_GT(cases, 10);
  EXPECT_GT(replies, 400);
}

}  // namespace
}  // namespace codis::server::testing
