// The proxy's configuration file (proxy/config_file.h): Redis-style lines become command-line arguments.
#include "proxy/config_file.h"

#include <gtest/gtest.h>

namespace codis::proxy {
namespace {

const std::vector<std::string> kFlags = {"read-replicas"};

std::vector<std::string> args(std::string_view text) {
  ConfigFileError e;
  auto out = config_file_args(text, kFlags, &e);
  EXPECT_EQ(e.message, "") << text;
  return out;
}

std::string error(std::string_view text) {
  ConfigFileError e;
  config_file_args(text, kFlags, &e);
  return e.message;
}

TEST(ConfigFile, LinesBecomeOptions) {
  EXPECT_EQ(args("# a comment\n\nlisten 127.0.0.1:19000\r\n  slots /etc/codis/routing.json\n"),
            (std::vector<std::string>{"--listen=127.0.0.1:19000", "--slots=/etc/codis/routing.json"}));
  EXPECT_EQ(args("password \"two words\"\nbackend-password ''\n"),
            (std::vector<std::string>{"--password=two words", "--backend-password="}));
  EXPECT_EQ(args("MAX-PIPELINE 10\n--timeout 5"),
            (std::vector<std::string>{"--max-pipeline=10", "--timeout=5"}));  // names fold; "--" is allowed
  EXPECT_EQ(args(""), std::vector<std::string>{});
}

TEST(ConfigFile, FlagsTakeYesOrNo) {
  EXPECT_EQ(args("read-replicas\n"), std::vector<std::string>{"--read-replicas=true"});
  EXPECT_EQ(args("read-replicas yes\n"), std::vector<std::string>{"--read-replicas=true"});
  EXPECT_EQ(args("read-replicas NO\n"), std::vector<std::string>{"--read-replicas=false"});
  EXPECT_EQ(args("password yes\n"), std::vector<std::string>{"--password=yes"});  // not a flag: kept as is
}

TEST(ConfigFile, BadLinesNameTheLine) {
  EXPECT_EQ(error("listen a:1\nslots \"x\n"), "line 2: unbalanced quotes");
  EXPECT_EQ(error("listen a:1 b:2"), "line 1: 'listen' takes one value (quote a value that holds spaces)");
  EXPECT_EQ(error("\n\nlisten\n"), "line 3: 'listen' needs a value");
  EXPECT_EQ(error("read-replicas maybe"), "line 1: 'read-replicas' is yes or no, not 'maybe'");
}

TEST(ConfigFile, ByteCountsAndOutputLimits) {
  uint64_t n = 0;
  EXPECT_TRUE(parse_bytes("123", &n));
  EXPECT_EQ(n, 123u);
  EXPECT_TRUE(parse_bytes("32mb", &n));
  EXPECT_EQ(n, 32u << 20);
  EXPECT_TRUE(parse_bytes("2K", &n));
  EXPECT_EQ(n, 2000u);
  EXPECT_TRUE(parse_bytes("1gb", &n));
  EXPECT_EQ(n, 1u << 30);
  for (std::string_view bad : {"", "mb", "-1", "1.5mb", "1 mb", "1tb", "99999999999999999999"}) {
    EXPECT_FALSE(parse_bytes(bad, &n)) << bad;
  }
  OutputLimit l;
  EXPECT_TRUE(parse_output_limit("32mb 8mb 60", &l));
  EXPECT_EQ(l.hard, 32u << 20);
  EXPECT_EQ(l.soft, 8u << 20);
  EXPECT_EQ(l.soft_seconds, 60);
  EXPECT_TRUE(parse_output_limit("0 0 0", &l));
  EXPECT_EQ(l.hard, 0u);
  EXPECT_FALSE(parse_output_limit("32mb 8mb", &l));
  EXPECT_FALSE(parse_output_limit("32mb 8mb 1m", &l));
}

TEST(ConfigFile, FindsTheConfigOption) {
  const char* a[] = {"codis-proxy", "--listen", "x:1", "--config", "/tmp/p.conf"};
  EXPECT_EQ(config_file_path(5, a), "/tmp/p.conf");
  const char* b[] = {"codis-proxy", "--config=/tmp/q.conf"};
  EXPECT_EQ(config_file_path(2, b), "/tmp/q.conf");
  const char* c[] = {"codis-proxy", "--slots", "r.json"};
  EXPECT_EQ(config_file_path(3, c), "");
}

}  // namespace
}  // namespace codis::proxy
