// COMMAND INFO and COMMAND DOCS byte for byte against redis-server 7.0.15 (data/command_raw.txt), in RESP2
// and RESP3, plus the replies that differ by design (codis-server's own commands).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

std::string unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  return out;
}

TEST(CommandRaw, InfoAndDocsMatchRedisByteForByte) {
  std::ifstream in(std::string(CODIS_INTRO_TEST_DATA) + "/command_raw.txt");
  ASSERT_TRUE(in.good());
  ServerFixture f;
  std::string line;
  int checked = 0;
  std::string proto = "2";
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream ls(line);
    std::string p, sub, name, hex;
    ls >> p >> sub >> name >> hex;
    if (p != proto) {
      f.raw({"hello", p});
      proto = p;
    }
    EXPECT_EQ(f.raw({"command", sub, name}), unhex(hex)) << "RESP" << p << " COMMAND " << sub << " " << name;
    ++checked;
  }
  EXPECT_EQ(checked, 100);
}

TEST(Command, ContainersListTheirSubcommands) {
  ServerFixture f;
  const std::string info = f.cmd("command info object");
  EXPECT_NE(info.find("'object|encoding'"), std::string::npos) << info;
  const std::string docs = f.cmd("command docs object");
  EXPECT_NE(docs.find("'object|freq', ['summary', 'Get the logarithmic access frequency counter of a Redis "
                      "object'"),
            std::string::npos)
      << docs;
}

TEST(Command, CodisCommandsHaveInfoAndDocsFromTheTable) {
  ServerFixture f;
  const std::string list = f.cmd("command list filterby pattern slotsinfo");
  EXPECT_EQ(list, "['slotsinfo']");
  const std::string docs = f.cmd("command docs slotsinfo");
  EXPECT_NE(docs.find("'group', 'codis'"), std::string::npos) << docs;
  EXPECT_NE(f.cmd("command info slotsinfo").find("'slotsinfo'"), std::string::npos);
}

TEST(Command, CountAndListAgree) {
  ServerFixture f;
  const std::string count = f.cmd("command count");
  const std::string list = f.cmd("command list");
  size_t top = 0, all = 0;
  for (size_t p = list.find('\''); p != std::string::npos; p = list.find('\'', list.find('\'', p + 1) + 1)) {
    const size_t e = list.find('\'', p + 1);
    ++all;
    top += list.substr(p, e - p).find('|') == std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(count, ":" + std::to_string(top));
  EXPECT_GT(all, top);  // subcommands are listed too, as in Redis 7.0
}

}  // namespace
}  // namespace codis::server::testing
