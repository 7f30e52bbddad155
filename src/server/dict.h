// The hash containers of the keyspace and of hash/set values. Their iteration order must depend only on
// the operations applied (SCAN, KEYS, RANDOMKEY, SPOP... must replay identically in the simulator), which
// rules out absl's tables (they salt probing with the table's address). std::unordered_* with a fixed hash
// is deterministic; a compact Redis-style dict with SCAN cursors can replace these aliases later.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace codis::server {

struct StrHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
struct StrEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

template <class V>
using StrMap = std::unordered_map<std::string, V, StrHash, StrEq>;
using StrSet = std::unordered_set<std::string, StrHash, StrEq>;

}  // namespace codis::server
