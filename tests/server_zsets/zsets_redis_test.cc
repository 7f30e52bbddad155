// Replays zsets_redis70.txt (capture_zsets.py: scripted sorted-set scenarios run against redis-server
// 7.0.15 in RESP2 and RESP3) through Server::execute and compares every raw reply byte for byte: score
// texts, nested WITHSCORES arrays, nulls, error texts, and DUMP payloads (which reveal the encoding).
#include <fstream>
#include <string>
#include <vector>

#include "tests/server/raw_fixture.h"

namespace codis::server::testing {
namespace {

using ZSetsTest = RawServerTest;

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[++i];
    if (c == 'r') {
      out.push_back('\r');
    } else if (c == 'n') {
      out.push_back('\n');
    } else if (c == 'x') {
      out += unhex(s.substr(i + 1, 2));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> split_args(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view t = s.substr(start, end - start);
    out.push_back(t.starts_with("h:") ? unhex(t.substr(2)) : std::string(t));
    start = end + 1;
  }
  return out;
}

TEST_F(ZSetsTest, RepliesMatchRedis70) {
  std::ifstream in(CODIS_ZSETS_TESTDATA "/zsets_redis70.txt");
  ASSERT_TRUE(in) << "missing " CODIS_ZSETS_TESTDATA "/zsets_redis70.txt";
  std::string line;
  size_t lineno = 0, compared = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    if (line == "P2" || line == "P3") {
      client().protocol = line == "P3" ? 3 : 2;
      run({"flushall"});
      run({"config", "set", "zset-max-listpack-entries", "128"});
      run({"config", "set", "zset-max-listpack-value", "64"});
      continue;
    }
    const size_t arrow = line.find(" => ");
    ASSERT_NE(arrow, std::string::npos) << "line " << lineno;
    const std::vector<std::string> args = split_args(std::string_view(line).substr(0, arrow));
    std::vector<std::string_view> argv(args.begin(), args.end());
    EXPECT_EQ(run_vec(argv), unescape(std::string_view(line).substr(arrow + 4)))
        << "line " << lineno << " (RESP" << client().protocol << "): " << line.substr(0, arrow);
    ++compared;
  }
  EXPECT_GT(compared, 800u);
}

}  // namespace
}  // namespace codis::server::testing
