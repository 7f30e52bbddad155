// Parsing and membership tests of sorted-set ranges, after Redis 7.0's zslParseRange,
// zslParseLexRangeItem and sdscmplex.
#include "server/ds/zset_range.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace codis::server::ds {
namespace {

// strtod over the bytes, which Redis hands it NUL-terminated: accepted when it stops at the end or at
// an embedded NUL (so "1\0junk" is 1, and "" is 0 since nothing is consumed and the end is reached).
std::optional<double> parse_bound_number(std::string_view s) {
  char small[64];
  std::string big;
  const char* text;
  if (s.size() < sizeof small) {
    std::memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
    text = small;
  } else {
    big.assign(s);
    text = big.c_str();
  }
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (*end != '\0' || std::isnan(v)) return std::nullopt;
  return v;
}

std::optional<std::pair<double, bool>> parse_score_bound(std::string_view s) {
  const bool ex = !s.empty() && s[0] == '(';
  const std::optional<double> v = parse_bound_number(ex ? s.substr(1) : s);
  if (!v) return std::nullopt;
  return std::make_pair(*v, ex);
}

// sdscmplex: "-" is below every string and "+" above, each equal only to itself.
int compare_bounds(const LexBound& a, const LexBound& b) {
  using K = LexBound::Kind;
  if (a.kind != K::kValue || b.kind != K::kValue) {
    if (a.kind == b.kind) return 0;
    if (a.kind == K::kMinusInf || b.kind == K::kPlusInf) return -1;
    return 1;
  }
  const int c = a.value.compare(b.value);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// A member against a bound.
int compare_member(std::string_view m, const LexBound& b) {
  switch (b.kind) {
    case LexBound::Kind::kMinusInf:
      return 1;
    case LexBound::Kind::kPlusInf:
      return -1;
    case LexBound::Kind::kValue:
      break;
  }
  const int c = m.compare(b.value);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace

std::optional<ScoreRange> parse_score_range(std::string_view min, std::string_view max) {
  const auto lo = parse_score_bound(min);
  if (!lo) return std::nullopt;
  const auto hi = parse_score_bound(max);
  if (!hi) return std::nullopt;
  return ScoreRange{lo->first, hi->first, lo->second, hi->second};
}

std::optional<LexBound> parse_lex_bound(std::string_view arg) {
  if (arg.empty()) return std::nullopt;
  switch (arg[0]) {
    case '+':
    case '-':
      // Redis checks that the second byte is the terminator, so "+\0..." passes too.
      if (arg.size() > 1 && arg[1] != '\0') return std::nullopt;
      return LexBound{arg[0] == '+' ? LexBound::Kind::kPlusInf : LexBound::Kind::kMinusInf, {}, true};
    case '(':
      return LexBound{LexBound::Kind::kValue, arg.substr(1), true};
    case '[':
      return LexBound{LexBound::Kind::kValue, arg.substr(1), false};
    default:
      return std::nullopt;
  }
}

std::optional<LexRange> parse_lex_range(std::string_view min, std::string_view max) {
  const auto lo = parse_lex_bound(min);
  if (!lo) return std::nullopt;
  const auto hi = parse_lex_bound(max);
  if (!hi) return std::nullopt;
  return LexRange{*lo, *hi};
}

bool LexRange::empty() const {
  const int c = compare_bounds(min, max);
  return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
}

bool LexRange::gte_min(std::string_view member) const {
  const int c = compare_member(member, min);
  return min.exclusive ? c > 0 : c >= 0;
}

bool LexRange::lte_max(std::string_view member) const {
  const int c = compare_member(member, max);
  return max.exclusive ? c < 0 : c <= 0;
}

std::optional<std::pair<size_t, size_t>> normalize_rank_range(int64_t start, int64_t stop, size_t size) {
  const auto len = static_cast<int64_t>(size);
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return std::nullopt;
  if (stop >= len) stop = len - 1;
  return std::make_pair(static_cast<size_t>(start), static_cast<size_t>(stop));
}

}  // namespace codis::server::ds
