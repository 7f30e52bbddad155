// libFuzzer target for the sorted-set range specs clients send (server/ds/zset_range: ZRANGEBYSCORE,
// ZCOUNT, ZREMRANGEBYSCORE score intervals; ZRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX lex intervals) and the
// range walks they drive.
// Input: byte 0 picks the flags (bit 0: lex, bit 1: reverse, bit 2: skiplist encoding, bits 3-4: LIMIT
// offset 0..3, bits 5-6: LIMIT count 0..2 or none); bytes 1 and 2 are the lengths of min and max, which
// follow; the rest is the set's members, each a length byte, a score byte (an index into a table of
// scores; every score is 0 for lex ranges, as lex ranges require) and the member's bytes.
// Oracles: the bounds parse exactly when Redis's zslParseRange (strtod over the C string, after an
// optional "(") or zslParseLexRangeItem would accept them, to the same values; count, range_by_score /
// range_by_lex (with offset and limit, either direction) and erase_*_range equal a brute-force walk over
// the members sorted by (score, member), and the set stays consistent.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "props/server_ds/zset_range_model.h"
#include "server/ds/zset.h"
#include "server/ds/zset_range.h"

namespace {

namespace ds = codis::server::ds;
namespace reference = codis::server::ds::reference;
using Pairs = std::vector<std::pair<std::string, double>>;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kScores[] = {-kInf, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 1e300, kInf};

// zslParseRange's reading of one bound.
std::optional<std::pair<double, bool>> ref_score_bound(std::string_view arg) {
  const std::string c(arg);  // strtod stops at a NUL, as on Redis's C string
  const bool exclusive = !c.empty() && c[0] == '(';
  const char* start = c.c_str() + (exclusive ? 1 : 0);
  char* end = nullptr;
  const double v = std::strtod(start, &end);
  if (*end != '\0' || std::isnan(v)) return std::nullopt;
  return std::make_pair(v, exclusive);
}

// zslParseLexRangeItem: "+" / "-" (only the first two bytes are looked at), or "(" / "[" and the bytes.
std::optional<ds::LexBound> ref_lex_bound(std::string_view arg) {
  if (arg.empty()) return std::nullopt;
  ds::LexBound b;
  switch (arg[0]) {
    case '+':
    case '-':
      if (arg.size() > 1 && arg[1] != '\0') return std::nullopt;
      b.kind = arg[0] == '+' ? ds::LexBound::Kind::kPlusInf : ds::LexBound::Kind::kMinusInf;
      b.exclusive = true;
      return b;
    case '(':
    case '[':
      b.exclusive = arg[0] == '(';
      b.value = arg.substr(1);
      return b;
    default:
      return std::nullopt;
  }
}

bool same_bound(const ds::LexBound& a, const ds::LexBound& b) {
  return a.kind == b.kind && a.exclusive == b.exclusive && a.value == b.value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3 || size > 8192) return 0;
  const uint8_t flags = data[0];
  const bool lex = flags & 1, reverse = flags & 2;
  const size_t offset = (flags >> 3) & 3;
  const size_t limit_pick = (flags >> 5) & 3;
  const size_t limit = limit_pick == 3 ? ds::kNoLimit : limit_pick;
  std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
  const size_t min_len = std::min<size_t>(data[1], rest.size());
  const std::string_view min_arg = rest.substr(0, min_len);
  rest.remove_prefix(min_len);
  const size_t max_len = std::min<size_t>(data[2], rest.size());
  const std::string_view max_arg = rest.substr(0, max_len);
  rest.remove_prefix(max_len);

  ds::ZSetLimits limits;
  ds::ZSet z((flags & 4) ? ds::ZEncoding::kSkiplist : ds::ZEncoding::kListpack);
  std::map<std::string, double> members;
  while (rest.size() >= 2) {
    const size_t n = std::min<size_t>(static_cast<uint8_t>(rest[0]), rest.size() - 2);
    const double score = lex ? 0.0 : kScores[static_cast<uint8_t>(rest[1]) % std::size(kScores)];
    const std::string m(rest.substr(2, n));
    rest.remove_prefix(2 + n);
    (void)z.add(m, score, {}, limits);
    members[m] = score;
  }
  FUZZ_CHECK(z.size() == members.size());
  Pairs sorted;
  {
    std::set<std::pair<double, std::string>> order;
    for (const auto& [m, s] : members) order.emplace(s, m);
    for (const auto& [s, m] : order) sorted.emplace_back(m, s);
  }
  auto collect = [](auto&& walk) {
    Pairs out;
    walk([&](std::string_view m, double s) { out.emplace_back(std::string(m), s); });
    return out;
  };

  if (!lex) {
    const std::optional<ds::ScoreRange> r = ds::parse_score_range(min_arg, max_arg);
    const auto rmin = ref_score_bound(min_arg), rmax = ref_score_bound(max_arg);
    FUZZ_CHECK(r.has_value() == (rmin && rmax));
    if (!r) return 0;
    FUZZ_CHECK(r->min == rmin->first && r->minex == rmin->second);
    FUZZ_CHECK(r->max == rmax->first && r->maxex == rmax->second);
    auto gte = [&](const std::pair<std::string, double>& e) {
      return rmin->second ? e.second > rmin->first : e.second >= rmin->first;
    };
    auto lte = [&](const std::pair<std::string, double>& e) {
      return rmax->second ? e.second < rmax->first : e.second <= rmax->first;
    };
    size_t in_range = 0;
    for (const auto& e : sorted) in_range += gte(e) && lte(e);
    FUZZ_CHECK(z.count(*r) == in_range);
    const Pairs want = reference::range_walk(sorted, reverse, offset, limit, gte, lte);
    FUZZ_CHECK(collect([&](auto fn) { z.range_by_score(*r, reverse, offset, limit, fn); }) == want);
    FUZZ_CHECK(z.erase_score_range(*r) == in_range);
  } else {
    const std::optional<ds::LexRange> r = ds::parse_lex_range(min_arg, max_arg);
    const auto rmin = ref_lex_bound(min_arg), rmax = ref_lex_bound(max_arg);
    FUZZ_CHECK(r.has_value() == (rmin && rmax));
    if (!r) return 0;
    FUZZ_CHECK(same_bound(r->min, *rmin));
    FUZZ_CHECK(same_bound(r->max, *rmax));
    // Members compare as memcmp does (std::string's compare), against the bound's bytes.
    auto gte = [&](const std::pair<std::string, double>& e) {
      if (rmin->kind != ds::LexBound::Kind::kValue) return rmin->kind == ds::LexBound::Kind::kMinusInf;
      return rmin->exclusive ? e.first > rmin->value : e.first >= rmin->value;
    };
    auto lte = [&](const std::pair<std::string, double>& e) {
      if (rmax->kind != ds::LexBound::Kind::kValue) return rmax->kind == ds::LexBound::Kind::kPlusInf;
      return rmax->exclusive ? e.first < rmax->value : e.first <= rmax->value;
    };
    size_t in_range = 0;
    for (const auto& e : sorted) in_range += gte(e) && lte(e);
    FUZZ_CHECK(z.count(*r) == in_range);
    const Pairs want = reference::range_walk(sorted, reverse, offset, limit, gte, lte);
    FUZZ_CHECK(collect([&](auto fn) { z.range_by_lex(*r, reverse, offset, limit, fn); }) == want);
    FUZZ_CHECK(z.erase_lex_range(*r) == in_range);
  }
  FUZZ_CHECK(z.check());
  return 0;
}
