// The hash containers of hash and set values. Their iteration order must depend only on the operations
// applied (HSCAN, SSCAN, SPOP, HRANDFIELD... must replay identically in the simulator), which rules out
// absl's tables (they salt probing with the table's address); ChainedDict with a fixed hash is
// deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "resp/number.h"
#include "server/chained_dict.h"

namespace codis::server {

struct StrHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
struct StrEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

struct SetKeyOf {
  std::string_view operator()(std::string_view s) const { return s; }
};
struct MapKeyOf {
  template <class P>
  std::string_view operator()(const P& p) const {
    return p.first;
  }
};

// An intset's order: ascending integers (canonical ones, as Redis's string2ll takes them); anything else
// after them, in arrival order (it only arrives in a set that is becoming a hashtable).
struct IntegerOrder {
  static bool before(std::string_view a, std::string_view b) {
    int64_t x;
    int64_t y;
    if (!resp::parse_ll(a, &x)) {
      return false;
    }
    return !resp::parse_ll(b, &y) || x < y;
  }
};

// Hashes keep insertion order while ordered (a listpack's), sets ascending integers (an intset's).
template <class V>
using StrMap = ChainedDict<std::pair<const std::string, V>, MapKeyOf, StrHash>;
using StrSet = ChainedDict<std::string, SetKeyOf, StrHash, IntegerOrder>;

// Redis's htNeedsResize + dictResize, which Redis runs after every deletion from a hash or set: a table of
// more than 4 buckets filled below 10% shrinks to the smallest power of two that holds its elements
// (ChainedDict never shrinks by itself). Keeps the bucket count, and so SCAN's steps and random draws'
// hit rate, what Redis's would be.
template <class Dict>
void shrink_if_sparse(Dict& d) {
  if (d.bucket_count() > 4 && d.size() * 100 / d.bucket_count() < 10) {
    d.rehash(0);
  }
}

}  // namespace codis::server
