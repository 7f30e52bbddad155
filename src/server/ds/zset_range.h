// The range arguments of the sorted-set commands, parsed and tested exactly as Redis 7.0 does:
// score intervals (ZRANGEBYSCORE, ZCOUNT, ZREMRANGEBYSCORE: "(" for exclusive, -inf/+inf),
// lexicographic intervals (ZRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX: "[" / "(" / "-" / "+"), and the
// rank windows of ZRANGE / ZREMRANGEBYRANK (negative indexes from the end).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace codis::server::ds {

inline constexpr std::string_view kScoreRangeError = "ERR min or max is not a float";
inline constexpr std::string_view kLexRangeError = "ERR min or max not valid string range item";

struct ScoreRange {
  double min = 0;
  double max = 0;
  bool minex = false;  // min is exclusive
  bool maxex = false;

  // No score can satisfy it (zslIsInRange's first test).
  bool empty() const { return min > max || (min == max && (minex || maxex)); }
  bool gte_min(double v) const { return minex ? v > min : v >= min; }
  bool lte_max(double v) const { return maxex ? v < max : v <= max; }
  bool contains(double v) const { return gte_min(v) && lte_max(v); }
};

// One bound: Redis parses each with strtod after an optional "(", requiring strtod to stop at the end
// (or at a NUL byte) and rejecting NaN. So "(" and "" mean 0, hex and "inf" are accepted.
std::optional<ScoreRange> parse_score_range(std::string_view min, std::string_view max);

struct LexBound {
  enum class Kind : uint8_t { kMinusInf, kPlusInf, kValue };
  Kind kind = Kind::kValue;
  std::string_view value;  // points into the argument; empty unless kValue
  bool exclusive = false;  // "(" ; "-" and "+" count as exclusive, as in Redis
};

struct LexRange {
  LexBound min;
  LexBound max;

  bool empty() const;
  bool gte_min(std::string_view member) const;
  bool lte_max(std::string_view member) const;
  bool contains(std::string_view m) const { return gte_min(m) && lte_max(m); }
};

// "-" and "+" alone (Redis tests only the first two bytes), "(" or "[" then the bytes; nullopt for
// anything else. The returned range points into the arguments.
std::optional<LexBound> parse_lex_bound(std::string_view arg);
std::optional<LexRange> parse_lex_range(std::string_view min, std::string_view max);

// ZRANGE / ZREMRANGEBYRANK indexes: negative ones count from the end; the result is clamped to the set
// and given as inclusive [start, stop], or nullopt when empty.
std::optional<std::pair<size_t, size_t>> normalize_rank_range(int64_t start, int64_t stop, size_t size);

}  // namespace codis::server::ds
