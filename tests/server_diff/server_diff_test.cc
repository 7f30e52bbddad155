// server_diff_test: the harness's own unit tests (modes, generation) and the differential test as a
// bounded ctest: the tricky cases and 200 random streams against redis-server, plus proof that a server
// that behaves differently is caught. Skipped when Debian's redis-server is not installed.
// SERVER_DIFF_ARGS adds server_diff options (--streams, --seed, --families, --exclude-commands...); the
// subject is chosen as described at ServerDiff::options().
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <sstream>

#include "tests/server_diff/compare.h"
#include "tests/server_diff/digest.h"
#include "tests/server_diff/process_guard.h"
#include "tests/server_diff/proxy_filter.h"
#include "tests/server_diff/session.h"
#include "tests/server_diff/stream.h"
#include "tests/server_diff/tricky.h"

namespace codis::diff {
namespace {

using resp::Value;

Value bulks(std::vector<std::string> items) {
  std::vector<Value> v;
  for (auto& s : items) v.push_back(Value::bulk(std::move(s)));
  return Value::array(std::move(v));
}

TEST(CompareModes, TableDecidesPerCommand) {
  EXPECT_EQ(mode_for({"smembers", "k"}).mode, Mode::kUnordered);
  EXPECT_EQ(mode_for({"HRANDFIELD", "k", "3", "withvalues"}).mode, Mode::kRandomPairs);
  EXPECT_EQ(mode_for({"HRANDFIELD", "k", "3"}).mode, Mode::kRandomMembers);
  EXPECT_EQ(mode_for({"SORT", "k", "BY", "nosort"}).mode, Mode::kUnordered);
  EXPECT_EQ(mode_for({"SORT", "k"}).mode, Mode::kExact);
  EXPECT_EQ(mode_for({"OBJECT", "IDLETIME", "k"}).mode, Mode::kIdleTime);
  EXPECT_EQ(mode_for({"OBJECT", "ENCODING", "k"}).mode, Mode::kExact);
  EXPECT_EQ(mode_for({"GET", "k"}).mode, Mode::kExact);
}

TEST(CompareModes, UnorderedIgnoresOrderButNotContent) {
  const ModeChoice m{Mode::kUnordered, 0};
  EXPECT_EQ(compare_replies(m, {}, bulks({"a", "b"}), bulks({"b", "a"}), nullptr), "");
  EXPECT_NE(compare_replies(m, {}, bulks({"a", "b"}), bulks({"a", "a"}), nullptr), "");
  EXPECT_NE(compare_replies(m, {}, bulks({"a"}), Value::error("ERR x"), nullptr), "");
  // RESP3 sets are not arrays.
  EXPECT_NE(compare_replies(m, {}, bulks({"a"}), Value::set({Value::bulk("a")}), nullptr), "");
}

TEST(CompareModes, PairsKeepFieldsWithTheirValues) {
  const ModeChoice m{Mode::kUnorderedPairs, 0};
  EXPECT_EQ(compare_replies(m, {}, bulks({"f", "1", "g", "2"}), bulks({"g", "2", "f", "1"}), nullptr), "");
  EXPECT_NE(compare_replies(m, {}, bulks({"f", "1", "g", "2"}), bulks({"f", "2", "g", "1"}), nullptr), "");
}

TEST(CompareModes, ToleranceAndApprox) {
  const ModeChoice ttl{Mode::kTolerance, 1};
  EXPECT_EQ(compare_replies(ttl, {}, Value::integer(100), Value::integer(99), nullptr), "");
  EXPECT_NE(compare_replies(ttl, {}, Value::integer(100), Value::integer(97), nullptr), "");
  EXPECT_NE(compare_replies(ttl, {}, Value::integer(-1), Value::integer(0), nullptr), "");
  const ModeChoice pf{Mode::kApprox, 3};
  EXPECT_EQ(compare_replies(pf, {}, Value::integer(1000), Value::integer(1029), nullptr), "");
  EXPECT_NE(compare_replies(pf, {}, Value::integer(1000), Value::integer(1040), nullptr), "");
}

TEST(CompareModes, RandomRepliesAreCheckedAgainstTheContent) {
  Content c;
  c.members = {"$\"a\"", "$\"b\"", "$\"c\""};
  const ModeChoice m{Mode::kRandomMembers, 0};
  EXPECT_EQ(compare_replies(m, {"SRANDMEMBER", "k", "2"}, bulks({"a", "b"}), bulks({"c", "a"}), &c), "");
  EXPECT_NE(compare_replies(m, {"SRANDMEMBER", "k", "2"}, bulks({"a", "b"}), bulks({"a", "z"}), &c), "");
  EXPECT_NE(compare_replies(m, {"SRANDMEMBER", "k", "2"}, bulks({"a", "b"}), bulks({"a", "a"}), &c), "");
  EXPECT_EQ(compare_replies(m, {"SRANDMEMBER", "k", "-2"}, bulks({"a", "b"}), bulks({"a", "a"}), &c), "");
  EXPECT_NE(compare_replies(m, {"SRANDMEMBER", "k", "-2"}, bulks({"a", "b"}), bulks({"a"}), &c), "");
  EXPECT_EQ(compare_replies(m, {"SRANDMEMBER", "k"}, Value::bulk("a"), Value::bulk("b"), &c), "");
  Content z;
  z.pairs = {{"$\"a\"", "$\"1\""}, {"$\"b\"", "$\"2\""}};
  const ModeChoice p{Mode::kRandomPairs, 0};
  EXPECT_EQ(
      compare_replies(p, {"ZRANDMEMBER", "k", "1", "WITHSCORES"}, bulks({"a", "1"}), bulks({"b", "2"}), &z),
      "");
  EXPECT_NE(
      compare_replies(p, {"ZRANDMEMBER", "k", "1", "WITHSCORES"}, bulks({"a", "1"}), bulks({"b", "1"}), &z),
      "");
}

TEST(Streams, SameSeedSameStreamAndMostlyValid) {
  const StreamConfig config{{}, 300, 12, {}};
  const auto a = generate_stream(stream_seed(7, 3), config);
  const auto b = generate_stream(stream_seed(7, 3), config);
  const auto c = generate_stream(stream_seed(7, 4), config);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].argv, b[i].argv);
  bool differs = a.size() != c.size();
  for (size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].argv != c[i].argv;
  EXPECT_TRUE(differs);
  EXPECT_GE(a.size(), 300u);
}

TEST(Streams, FamiliesRestrictTheVocabulary) {
  const std::set<std::string> lists = {"LPUSH", "RPUSH",  "LPUSHX",     "RPUSHX",    "LPOP",    "RPOP",
                                       "LLEN",  "LRANGE", "LINDEX",     "LSET",      "LINSERT", "LREM",
                                       "LTRIM", "LPOS",   "LMOVE",      "RPOPLPUSH", "LMPOP",   "BLPOP",
                                       "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP"};
  for (const Command& c : generate_stream(stream_seed(1, 0), StreamConfig{{"lists"}, 300, 0, {}})) {
    EXPECT_TRUE(lists.count(c.argv[0])) << to_display(c);
  }
}

TEST(ProxyMode, DigestsOfServersCombineIntoTheWholeSets) {
  const std::string zero(40, '0');
  const std::string a = "0123456789abcdef0123456789abcdef01234567";
  const std::string b = "fedcba9876543210fedcba9876543210fedcba98";
  EXPECT_EQ(combine_digests({zero, zero}), zero);
  EXPECT_EQ(combine_digests({a, zero, zero}), a);  // one server holds every key
  // C ^ ka and C ^ kb make C ^ ka ^ kb, C: database 0's mix (digest.cc).
  const std::string c = "aa3098f3aae94baac14e3b8b8dcae989af93f6a2";
  EXPECT_EQ(combine_digests({a, b}), xor_digests({a, b, c}));
  EXPECT_EQ(combine_digests({a, "xyz"}), std::nullopt);
  EXPECT_EQ(xor_digests({a, a}), zero);
}

TEST(ProxyMode, FilterKeepsWhatTheProxyRunsAsOneRedis) {
  ProxyFilter f;
  EXPECT_TRUE(f.keep({"GET", "k0"}));
  EXPECT_TRUE(f.keep({"MGET", "k0", "k1", "k2"}));  // split per slot
  EXPECT_FALSE(f.keep({"RENAME", "k0", "k1"}));     // CROSSSLOT
  EXPECT_TRUE(f.keep({"RENAME", "{t}a", "{t}b"}));
  EXPECT_FALSE(f.keep({"MOVE", "k0", "1"}));  // refused by design
  EXPECT_FALSE(f.keep({"SELECT", "1"}));
  EXPECT_TRUE(f.keep({"SELECT", "0"}));
  EXPECT_FALSE(f.keep({"COPY", "k0", "{k0}b", "DB", "1"}));  // refused: database 0 only
  EXPECT_TRUE(f.keep({"COPY", "k0", "{k0}b", "REPLACE", "DB", "0"}));
  EXPECT_TRUE(f.keep({"COPY", "k0", "{k0}b", "DB", "abc"}));  // the server's own error
  EXPECT_FALSE(f.keep({"SORT", "k0", "BY", "w_*"}));
  EXPECT_TRUE(f.keep({"SORT", "k0", "BY", "nosort"}));
  EXPECT_TRUE(f.keep({"NOSUCH", "k0"}));
  EXPECT_TRUE(f.keep({"SCAN", "-1"}));  // read as Redis reads it
  // A transaction is bound to its first key's slot, from WATCH (or MULTI) to EXEC.
  EXPECT_TRUE(f.keep({"WATCH", "{t}a"}));
  EXPECT_TRUE(f.keep({"MULTI"}));
  EXPECT_TRUE(f.keep({"SET", "{t}c", "1"}));
  EXPECT_FALSE(f.keep({"SET", "k0", "1"}));
  EXPECT_FALSE(f.keep({"MGET", "{t}a", "k0"}));
  EXPECT_TRUE(f.keep({"EXEC"}));
  EXPECT_TRUE(f.keep({"MULTI"}));
  EXPECT_TRUE(f.keep({"SET", "k0", "1"}));
  EXPECT_FALSE(f.keep({"SET", "{t}a", "1"}));
  EXPECT_TRUE(f.keep({"DISCARD"}));
  // A malformed key list is queued in MULTI, as Redis does, and binds no slot.
  EXPECT_TRUE(f.keep({"MULTI"}));
  EXPECT_TRUE(f.keep({"ZDIFF", "-1", "{t}a"}));
  EXPECT_TRUE(f.keep({"SET", "k0", "1"}));
  EXPECT_TRUE(f.keep({"EXEC"}));
  // PFMERGE dest without sources: dest routes it and binds the transaction.
  EXPECT_TRUE(f.keep({"PFMERGE", "k0"}));
  EXPECT_TRUE(f.keep({"MULTI"}));
  EXPECT_TRUE(f.keep({"PFMERGE", "{t}d"}));
  EXPECT_FALSE(f.keep({"SET", "k0", "1"}));
  EXPECT_TRUE(f.keep({"EXEC"}));
}

TEST(Tricky, EveryLineParses) {
  for (const TrickyCase& t : tricky_cases()) {
    for (std::string_view line : t.lines) {
      const auto args = split_args(line);
      EXPECT_TRUE(args && !args->empty()) << t.name << ": " << line;
    }
  }
}

// The ctest's servers and watchdog.
class ServerDiff : public ::testing::Test {
 protected:
  void SetUp() override {
    if (default_reference().empty()) GTEST_SKIP() << "redis-server is not installed";
    install_kill_handlers();
    arm_watchdog(200);  // below the ctest timeout: the handler kills the servers by PID first
  }
  void TearDown() override { arm_watchdog(0); }

  // The subject: $CODIS_SERVER, else what CMake's CODIS_DIFF_SUBJECT chose (SERVER_DIFF_SUBJECT), else a
  // second redis-server, so the test passes, and tests the harness, until codis-server is switched on.
  static DiffOptions options() {
    DiffOptions o;
    o.subject = default_reference();
    for (const char* var : {"SERVER_DIFF_SUBJECT", "CODIS_SERVER"}) {
      if (const char* s = std::getenv(var); s != nullptr && *s != '\0') o.subject = s;
    }
    // Extra server_diff options for the ctest, e.g. SERVER_DIFF_ARGS="--families=strings,keys --protocol=2".
    if (const char* extra = std::getenv("SERVER_DIFF_ARGS")) {
      std::vector<std::string> args =
          split_args(extra).value_or(std::vector<std::string>{"--unbalanced-quotes"});
      std::vector<char*> argv = {const_cast<char*>("server_diff")};
      for (std::string& a : args) argv.push_back(a.data());
      std::string error;
      EXPECT_TRUE(parse_options(static_cast<int>(argv.size()), argv.data(), o, error)) << error;
    }
    return o;
  }
};

TEST_F(ServerDiff, TrickyCases) {
  DiffOptions o = options();
  o.tricky = true;
  o.max_failures = 1000;
  std::ostringstream log;
  const SessionResult r = run_session(o, "build-diff/tests/server_diff/server_diff", log);
  ASSERT_TRUE(r.setup_ok) << r.setup_error;
  EXPECT_EQ(r.mismatches, 0) << log.str();
  std::cout << log.str().substr(log.str().rfind("server_diff:"));
}

TEST_F(ServerDiff, RandomStreams) {
  DiffOptions o = options();
  std::ostringstream log;
  const SessionResult r = run_session(o, "build-diff/tests/server_diff/server_diff", log);
  ASSERT_TRUE(r.setup_ok) << r.setup_error;
  EXPECT_EQ(r.streams_run, o.streams);
  EXPECT_EQ(r.mismatches, 0) << log.str();
  std::cout << log.str();
}

// redis-server against a redis-server configured with `extra` (DEBUG allowed, for the digest check).
DiffOptions redis_subject_with(const std::string& extra) {
  DiffOptions o;
  o.reference = default_reference();
  o.subject = o.reference;
  o.subject_args =
      "--port {port} --bind 127.0.0.1 --save '' --appendonly no --dir {dir} --logfile {dir}/server.log "
      "--enable-debug-command yes " +
      extra;
  return o;
}

// The harness must notice a server that differs: a redis-server whose hashes never use listpacks
// answers OBJECT ENCODING differently.
TEST_F(ServerDiff, ReportsADifferentServer) {
  DiffOptions o = redis_subject_with("--hash-max-listpack-entries 0");
  o.tricky = true;
  o.tricky_name = "object-encodings";
  std::ostringstream log;
  SessionResult r = run_session(o, "server_diff", log);
  ASSERT_TRUE(r.setup_ok) << r.setup_error;
  EXPECT_GE(r.mismatches, 1);
  EXPECT_NE(r.first_report.find("OBJECT ENCODING h"), std::string::npos) << r.first_report;
  EXPECT_NE(r.first_report.find("repro: server_diff --tricky=object-encodings"), std::string::npos);

  // Random streams find it too, and print a repro for the stream.
  o.tricky = false;
  o.families = {"hashes", "object"};
  o.max_failures = 1;
  std::ostringstream log2;
  r = run_session(o, "server_diff", log2);
  EXPECT_EQ(r.mismatches, 1);
  EXPECT_NE(r.first_report.find("repro: server_diff --seed=1 --stream="), std::string::npos)
      << r.first_report;
  EXPECT_NE(r.first_report.find("history"), std::string::npos);
}

// The data sets are compared after each stream: a redis-server keeping every HyperLogLog dense answers
// PFADD and PFCOUNT as the reference does, but its values' bytes differ, which only DEBUG DIGEST sees.
TEST_F(ServerDiff, ReportsADifferentDataSet) {
  DiffOptions o = redis_subject_with("--hll-sparse-max-bytes 0");
  o.families = {"hll"};
  // Everything that would show the bytes in a reply.
  o.exclude = {"PFDEBUG",  "GET",    "GETRANGE", "STRLEN",   "DUMP",        "APPEND",
               "SETRANGE", "GETDEL", "GETEX",    "GETSET",   "SUBSTR",      "LCS",
               "BITCOUNT", "BITPOS", "GETBIT",   "BITFIELD", "BITFIELD_RO", "MEMORY"};
  o.streams = 5;
  o.max_failures = 1;
  std::ostringstream log;
  const SessionResult r = run_session(o, "server_diff", log);
  ASSERT_TRUE(r.setup_ok) << r.setup_error;
  EXPECT_EQ(r.mismatches, 1);
  EXPECT_NE(r.first_report.find("(after the stream) DEBUG DIGEST"), std::string::npos) << r.first_report;
  EXPECT_NE(r.first_report.find("the data sets differ"), std::string::npos) << r.first_report;
  EXPECT_NE(r.first_report.find("repro: server_diff --seed=1 --stream="), std::string::npos)
      << r.first_report;
}

}  // namespace
}  // namespace codis::diff
