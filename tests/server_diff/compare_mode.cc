// The per-command comparison table (see compare_mode.h). Keep it the only place that decides modes.
#include "tests/server_diff/compare_mode.h"

#include "tests/server_diff/command.h"

namespace codis::diff {
namespace {

// SORT skips sorting when BY names a pattern without '*' ("nosort" by convention): a set then comes out
// in its own order.
bool sort_unsorted(const std::vector<std::string>& argv) {
  for (size_t i = 1; i + 1 < argv.size(); ++i) {
    if (iequals(argv[i], "BY") && argv[i + 1].find('*') == std::string::npos) return true;
  }
  return false;
}

bool sort_unsorted_limited(const std::vector<std::string>& argv) {
  if (!sort_unsorted(argv)) return false;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (iequals(argv[i], "LIMIT")) return true;
  }
  return false;
}

const ModeRule kRules[] = {
    // Unordered by definition (hash tables iterate in a seed-dependent order).
    {"SMEMBERS", "", nullptr, Mode::kUnordered, 0, "set iteration order"},
    {"SINTER", "", nullptr, Mode::kUnordered, 0, "set iteration order"},
    {"SUNION", "", nullptr, Mode::kUnordered, 0, "set iteration order"},
    {"SDIFF", "", nullptr, Mode::kUnordered, 0, "set iteration order"},
    {"KEYS", "", nullptr, Mode::kUnordered, 0, "keyspace iteration order"},
    {"HKEYS", "", nullptr, Mode::kUnordered, 0, "hash iteration order"},
    {"HVALS", "", nullptr, Mode::kUnordered, 0, "hash iteration order"},
    {"HGETALL", "", nullptr, Mode::kUnorderedPairs, 0, "hash iteration order"},
    {"SORT", "", sort_unsorted_limited, Mode::kTypeOnly, 0,
     "unsorted with LIMIT: an arbitrary part of a set"},
    {"SORT_RO", "", sort_unsorted_limited, Mode::kTypeOnly, 0,
     "unsorted with LIMIT: an arbitrary part of a set"},
    {"SORT", "", sort_unsorted, Mode::kUnordered, 0, "BY without '*' (nosort): a set keeps its own order"},
    {"SORT_RO", "", sort_unsorted, Mode::kUnordered, 0, "BY without '*' (nosort): a set keeps its own order"},
    // Random by definition: checked for size and membership.
    {"SRANDMEMBER", "", nullptr, Mode::kRandomMembers, 0, "random members"},
    {"HRANDFIELD", "WITHVALUES", nullptr, Mode::kRandomPairs, 0, "random fields with values"},
    {"HRANDFIELD", "", nullptr, Mode::kRandomMembers, 0, "random fields"},
    {"ZRANDMEMBER", "WITHSCORES", nullptr, Mode::kRandomPairs, 0, "random members with scores"},
    {"ZRANDMEMBER", "", nullptr, Mode::kRandomMembers, 0, "random members"},
    {"SPOP", "", nullptr, Mode::kPopRestore, 0, "random members removed"},
    {"RANDOMKEY", "", nullptr, Mode::kTypeOnly, 0, "random key"},
    // Cursors are implementation-defined: the whole iteration is compared as a set.
    {"SCAN", "", nullptr, Mode::kScan, 0, "cursor order"},
    {"SSCAN", "", nullptr, Mode::kScan, 0, "cursor order"},
    {"HSCAN", "", nullptr, Mode::kScan, 0, "cursor order"},
    {"ZSCAN", "", nullptr, Mode::kScan, 0, "cursor order"},
    // Time passes between the two servers and between commands.
    {"TTL", "", nullptr, Mode::kTolerance, 1, "seconds left"},
    {"PTTL", "", nullptr, Mode::kTolerance, 250, "milliseconds left"},
    {"EXPIRETIME", "", nullptr, Mode::kTolerance, 1, "set from a relative TTL"},
    {"PEXPIRETIME", "", nullptr, Mode::kTolerance, 250, "set from a relative TTL"},
    {"OBJECT", "IDLETIME", nullptr, Mode::kIdleTime, 2, "seconds since last access"},
    // Implementation details a client cannot rely on.
    {"OBJECT", "REFCOUNT", nullptr, Mode::kTypeOnly, 0, "shared objects"},
    {"DUMP", "", nullptr, Mode::kDump, 0, "payload bytes follow hash table order; checked by RESTORE"},
    {"PFCOUNT", "", nullptr, Mode::kApprox, 3, "estimate within HyperLogLog error bounds"},
    // Lexicographic ranges are only defined when all scores are equal.
    {"ZRANGEBYLEX", "", nullptr, Mode::kLexRange, 1, "unspecified over mixed scores"},
    {"ZREVRANGEBYLEX", "", nullptr, Mode::kLexRange, 1, "unspecified over mixed scores"},
    {"ZLEXCOUNT", "", nullptr, Mode::kLexRange, 1, "unspecified over mixed scores"},
    {"ZREMRANGEBYLEX", "", nullptr, Mode::kLexRange, 1, "unspecified over mixed scores"},
    {"ZRANGE", "BYLEX", nullptr, Mode::kLexRange, 1, "unspecified over mixed scores"},
    {"ZRANGESTORE", "BYLEX", nullptr, Mode::kLexRange, 2, "unspecified over mixed scores"},
};

bool has_arg(const std::vector<std::string>& argv, std::string_view arg) {
  for (size_t i = 1; i < argv.size(); ++i) {
    if (iequals(argv[i], arg)) return true;
  }
  return false;
}

}  // namespace

std::span<const ModeRule> mode_table() {
  return kRules;
}

ModeChoice mode_for(const std::vector<std::string>& argv) {
  if (argv.empty()) return {};
  for (const ModeRule& r : kRules) {
    if (!iequals(argv[0], r.command)) continue;
    if (!r.when_arg.empty() && !has_arg(argv, r.when_arg)) continue;
    if (r.when != nullptr && !r.when(argv)) continue;
    return {r.mode, r.param};
  }
  return {};
}

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::kExact:
      return "exact";
    case Mode::kUnordered:
      return "unordered";
    case Mode::kUnorderedPairs:
      return "unordered-pairs";
    case Mode::kTypeOnly:
      return "type-only";
    case Mode::kTolerance:
      return "tolerance";
    case Mode::kIdleTime:
      return "idle-time";
    case Mode::kApprox:
      return "approx-percent";
    case Mode::kRandomMembers:
      return "random-members";
    case Mode::kRandomPairs:
      return "random-pairs";
    case Mode::kPopRestore:
      return "pop-restore";
    case Mode::kScan:
      return "scan";
    case Mode::kDump:
      return "dump";
    case Mode::kLexRange:
      return "lex-range";
  }
  return "?";
}

bool needs_runner_steps(Mode mode) {
  return mode == Mode::kRandomMembers || mode == Mode::kRandomPairs || mode == Mode::kPopRestore ||
         mode == Mode::kScan || mode == Mode::kDump || mode == Mode::kLexRange || mode == Mode::kIdleTime;
}

}  // namespace codis::diff
