// How the reply of each command is compared: the one table of per-command comparison modes. Exact is
// the default; the rows list the commands whose replies Redis itself leaves unordered, random or
// time-dependent, and the commands the runner handles in several steps (SCAN cursors, SPOP, DUMP).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace codis::diff {

enum class Mode : uint8_t {
  kExact,           // structurally equal, error texts included
  kUnordered,       // same kind, same multiset of elements (SMEMBERS, KEYS, SUNION...)
  kUnorderedPairs,  // same kind, same multiset of (field, value) pairs (HGETALL)
  kTypeOnly,        // same kind (errors still compared exactly): RANDOMKEY, OBJECT REFCOUNT
  kTolerance,       // integers within `param` (negative codes such as -1/-2 exact): TTL, PTTL
  kIdleTime,        // OBJECT IDLETIME: kTolerance, but not compared for a key both servers report as
                    // holding a shared integer (OBJECT REFCOUNT 2147483647), whose one access clock in
                    // Redis every key holding the same integer moves
  kApprox,          // integers within `param` percent (at least 1): PFCOUNT estimates
  kRandomMembers,   // same kind and size, every element in the key's content, distinct if count >= 0
  kRandomPairs,     // the same with (member, score) or (field, value) pairs
  kPopRestore,      // SPOP: kRandomMembers, then each server gets its own popped members back
  kScan,            // SCAN/SSCAN/HSCAN/ZSCAN: iterate the cursor to 0, compare the collected sets
  kDump,            // DUMP: same kind only; payloads are kept for the next RESTORE $DUMP(...)
  kLexRange,        // exact, but only run when the sorted set's scores are all equal (`param` is the
                    // key's index): Redis leaves lex ranges over mixed scores unspecified, and its skip
                    // list answers differently from run to run
};

using ArgvPredicate = bool (*)(const std::vector<std::string>& argv);

struct ModeRule {
  std::string_view command;   // upper case
  std::string_view when_arg;  // if not empty: applies only when an argument equals it (any case)
  ArgvPredicate when;         // if not null: applies only when it holds
  Mode mode;
  int64_t param;            // tolerance (kTolerance) or percent (kApprox)
  std::string_view reason;  // why the reply is not compared exactly
};

struct ModeChoice {
  Mode mode = Mode::kExact;
  int64_t param = 0;
};

// The table, first matching row wins.
std::span<const ModeRule> mode_table();
ModeChoice mode_for(const std::vector<std::string>& argv);
std::string_view mode_name(Mode mode);

// Modes whose check needs more than the two replies (a content query before, a restore after, several
// calls): inside MULTI the runner can only compare their shape.
bool needs_runner_steps(Mode mode);

}  // namespace codis::diff
