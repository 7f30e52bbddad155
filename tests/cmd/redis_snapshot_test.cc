// The table against Redis 7.0 itself: COMMAND INFO of every command and subcommand, and COMMAND
// GETKEYSANDFLAGS on ~800 argument lists, both captured from redis-server 7.0.15 by
// data/capture_redis.py. A drift in arity, flags, ACL categories, tips, key specs or key extraction
// fails here without needing redis-server at test time.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/keys.h"
#include "cmd/table.h"
#include "command_json.h"

namespace codis::cmd {
namespace {

std::vector<std::string> read_lines(const std::string& file) {
  std::ifstream in(std::string(CODIS_CMD_TESTDATA) + "/" + file);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

std::string json_name(const std::string& line) {
  const std::string prefix = "{\"name\":\"";
  const size_t end = line.find('"', prefix.size());
  return line.substr(prefix.size(), end - prefix.size());
}

const CommandSpec* find(std::string_view name) {
  const size_t bar = name.find('|');
  if (bar == std::string_view::npos) return lookup(name);
  const CommandSpec* parent = lookup(name.substr(0, bar));
  return parent ? lookup_subcommand(*parent, name.substr(bar + 1)) : nullptr;
}

TEST(RedisSnapshot, CommandInfoMatchesRedis70) {
  const auto lines = read_lines("redis70_command_info.jsonl");
  ASSERT_EQ(lines.size(), 366u);  // 240 commands and 126 subcommands in Redis 7.0.15
  std::set<std::string> redis_top;
  for (const std::string& line : lines) {
    const std::string name = json_name(line);
    if (name.find('|') == std::string::npos) redis_top.insert(name);
    const CommandSpec* spec = find(name);
    ASSERT_NE(spec, nullptr) << name << " is missing from the table";
    EXPECT_EQ(testing::command_json(*spec), line);
  }
  // Everything else in the table is Codis's.
  for (const CommandSpec& c : all_commands()) {
    if (!redis_top.count(std::string(c.name))) {
      EXPECT_EQ(c.group, "codis") << c.name;
    }
  }
}

struct Case {
  std::vector<std::string> argv;
  std::vector<std::string> keys;  // "name:flag,flag"
  std::string error;              // Redis's error, when it replied one
};

Case parse_case(const std::string& line) {
  Case c;
  std::vector<std::string> fields;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, '\t');) fields.push_back(f);
  if (!line.empty() && line.back() == '\t') fields.push_back("");
  size_t i = 0;
  for (; i < fields.size() && fields[i] != "=>"; ++i) c.argv.push_back(fields[i]);
  for (++i; i < fields.size(); ++i) {
    if (fields[i].rfind("ERR ", 0) == 0) {
      c.error = fields[i];
    } else if (!fields[i].empty()) {
      c.keys.push_back(fields[i]);
    }
  }
  return c;
}

std::string describe(const std::vector<std::string_view>& argv, const KeyList& keys) {
  std::string s;
  for (auto a : argv) s += std::string(a) + " ";
  s += "=>";
  for (const KeyPos& k : keys) s += " " + std::to_string(k.index);
  return s;
}

TEST(RedisSnapshot, KeyExtractionMatchesGetKeysAndFlags) {
  const auto lines = read_lines("redis70_getkeys.tsv");
  ASSERT_GT(lines.size(), 700u);
  KeyList keys;
  int with_keys = 0;
  for (const std::string& line : lines) {
    const Case c = parse_case(line);
    std::vector<std::string_view> argv(c.argv.begin(), c.argv.end());
    const CommandSpec* spec = lookup(argv[0]);
    ASSERT_NE(spec, nullptr) << line;
    if (spec->is_container()) spec = lookup_subcommand(*spec, argv[1]);
    ASSERT_NE(spec, nullptr) << line;
    if (c.error == "ERR Invalid number of arguments specified for command") {
      EXPECT_FALSE(check_arity(*spec, argv.size())) << line;
      continue;
    }
    ASSERT_TRUE(check_arity(*spec, argv.size())) << line;
    const KeysError err = extract_keys(*spec, argv, keys);
    if (c.error == "ERR The command has no key arguments") {
      EXPECT_FALSE(may_have_keys(*spec)) << line;
      EXPECT_TRUE(keys.empty()) << line;
      continue;
    }
    if (!c.error.empty()) {
      // Redis found no usable keys; we either agree or say what the command would say.
      EXPECT_EQ(c.error, "ERR Invalid arguments specified for command") << line;
      EXPECT_TRUE(err != KeysError::kNone || keys.empty()) << line << " | " << describe(argv, keys);
      continue;
    }
    if (c.keys.empty()) {
      // An empty answer: no keys, or (for no_mandatory_keys commands like EVAL, where Redis hides a
      // malformed numkeys behind "no keys") the command's own error.
      const bool ok = (err == KeysError::kNone && keys.empty()) ||
                      (err != KeysError::kNone && spec->has(flag::kNoMandatoryKeys));
      EXPECT_TRUE(ok) << line << " | " << describe(argv, keys);
      continue;
    }
    ++with_keys;
    ASSERT_EQ(err, KeysError::kNone) << line << " | " << keys_error_text(*spec, err);
    std::vector<std::string> got;
    for (const KeyPos& k : keys) {
      std::string flags;
      for (int b = 0; b < kf::kCount; ++b) {
        if (k.flags & (1u << b)) flags += (flags.empty() ? "" : ",") + std::string(kf::kNames[b]);
      }
      got.push_back(std::string(argv[k.index]) + ":" + flags);
    }
    EXPECT_EQ(got, c.keys) << line;
  }
  EXPECT_GT(with_keys, 400);
}

}  // namespace
}  // namespace codis::cmd
