// ZSet's range operations, written once over both encodings (zset_views.h): counts, ranges by rank /
// score / lex with LIMIT, deletion of ranges, pops and ZSCAN. Each follows the shape of Redis 7.0's
// loop for the same command: find the first element in range, check it, then walk while in range.
#include <bit>
#include <cstring>
#include <limits>

#include "server/ds/zset.h"
#include "server/ds/zset_views.h"

namespace codis::server::ds {
namespace {

// A visited element, shaped like the views' predicate items.
struct Item {
  std::string_view m;
  double s;
  double score() const { return s; }
  std::string_view member() const { return m; }
};

// zzlIsInRange / zslIsInLexRange: the range is not empty, the last element reaches the minimum and
// the first one is within the maximum. (With mixed scores and lex ranges these early exits matter.)
template <class V, class Gte, class Lte>
bool may_intersect(const V& v, bool empty, const Gte& gte, const Lte& lte) {
  const size_t n = v.size();
  return n > 0 && !empty && v.holds(n - 1, gte) && v.holds(0, lte);
}

// The rank of the first element in range walking up (or down when reverse), or size() when none.
template <class V, class Gte, class Lte>
size_t first_in_range(const V& v, bool reverse, const Gte& gte, const Lte& lte) {
  const size_t n = v.size();
  if (!reverse) {
    const size_t lo = v.first_not([&](const auto& it) { return !gte(it); });
    return lo < n && v.holds(lo, lte) ? lo : n;
  }
  const size_t hi = v.last_not([&](const auto& it) { return !lte(it); });
  return hi < n && v.holds(hi, gte) ? hi : n;
}

template <class V, class Gte, class Lte>
size_t count_generic(const V& v, bool empty, const Gte& gte, const Lte& lte) {
  if (!may_intersect(v, empty, gte, lte)) return 0;
  const size_t lo = first_in_range(v, false, gte, lte);
  if (lo == v.size()) return 0;
  return v.count_from(lo, lte);
}

template <class V, class Gte, class Lte>
size_t range_generic(const V& v, bool empty, bool reverse, size_t offset, size_t limit, const Gte& gte,
                     const Lte& lte, ZSet::Visitor fn) {
  if (limit == 0 || !may_intersect(v, empty, gte, lte)) return 0;
  const size_t n = v.size();
  const size_t first = first_in_range(v, reverse, gte, lte);
  if (first == n) return 0;
  // The offset skips elements without looking at them (as Redis's loop does).
  size_t start;
  if (!reverse) {
    if (offset >= n - first) return 0;
    start = first + offset;
  } else {
    if (offset > first) return 0;
    start = first - offset;
  }
  size_t emitted = 0;
  v.visit(start, reverse, [&](std::string_view m, double s) {
    const Item it{m, s};
    if (reverse ? !gte(it) : !lte(it)) return false;
    fn(m, s);
    return ++emitted < limit;
  });
  return emitted;
}

// The ranks [from, from + count) of the first run in range (zzlDeleteRangeBy*, zslDeleteRangeBy*).
template <class V, class Gte, class Lte>
std::pair<size_t, size_t> deletion_run(const V& v, bool empty, const Gte& gte, const Lte& lte) {
  if (!may_intersect(v, empty, gte, lte)) return {0, 0};
  const size_t lo = first_in_range(v, false, gte, lte);
  if (lo == v.size()) return {0, 0};
  return {lo, v.count_from(lo, lte)};
}

auto score_gte(const ScoreRange& r) {
  return [&r](const auto& it) { return r.gte_min(it.score()); };
}
auto score_lte(const ScoreRange& r) {
  return [&r](const auto& it) { return r.lte_max(it.score()); };
}
auto lex_gte(const LexRange& r) {
  return [&r](const auto& it) { return r.gte_min(it.member()); };
}
auto lex_lte(const LexRange& r) {
  return [&r](const auto& it) { return r.lte_max(it.member()); };
}

// ZSCAN cursors: scores mapped to integers in the same order (sign-magnitude to offset binary), with
// -0.0 folded into 0.0. Only a NaN with every bit set would map to 0, and scores are never NaN.
uint64_t score_to_cursor(double s) {
  if (s == 0) s = 0.0;
  const auto u = std::bit_cast<uint64_t>(s);
  return (u >> 63) != 0 ? ~u : u | (uint64_t{1} << 63);
}
double cursor_to_score(uint64_t c) {
  const uint64_t u = (c >> 63) != 0 ? c & ~(uint64_t{1} << 63) : ~c;
  return std::bit_cast<double>(u);
}

}  // namespace

size_t ZSet::count(const ScoreRange& range) const {
  return with_view(
      [&](const auto& v) { return count_generic(v, range.empty(), score_gte(range), score_lte(range)); });
}

size_t ZSet::count(const LexRange& range) const {
  return with_view(
      [&](const auto& v) { return count_generic(v, range.empty(), lex_gte(range), lex_lte(range)); });
}

size_t ZSet::range_by_rank(size_t start, size_t stop, bool reverse, Visitor fn) const {
  const size_t n = size();
  if (start > stop || start >= n) return 0;
  if (stop >= n) stop = n - 1;
  const size_t want = stop - start + 1;
  size_t emitted = 0;
  with_view([&](const auto& v) {
    v.visit(reverse ? n - 1 - start : start, reverse, [&](std::string_view m, double s) {
      fn(m, s);
      return ++emitted < want;
    });
  });
  return emitted;
}

size_t ZSet::range_by_score(const ScoreRange& range, bool reverse, size_t offset, size_t limit,
                            Visitor fn) const {
  return with_view([&](const auto& v) {
    return range_generic(v, range.empty(), reverse, offset, limit, score_gte(range), score_lte(range), fn);
  });
}

size_t ZSet::range_by_lex(const LexRange& range, bool reverse, size_t offset, size_t limit,
                          Visitor fn) const {
  return with_view([&](const auto& v) {
    return range_generic(v, range.empty(), reverse, offset, limit, lex_gte(range), lex_lte(range), fn);
  });
}

size_t ZSet::erase_rank_range(size_t start, size_t stop) {
  const size_t n = size();
  if (start > stop || start >= n) return 0;
  if (stop >= n) stop = n - 1;
  erase_ranks(start, stop - start + 1);
  return stop - start + 1;
}

size_t ZSet::erase_score_range(const ScoreRange& range) {
  const auto [from, count] = with_view(
      [&](const auto& v) { return deletion_run(v, range.empty(), score_gte(range), score_lte(range)); });
  erase_ranks(from, count);
  return count;
}

size_t ZSet::erase_lex_range(const LexRange& range) {
  const auto [from, count] = with_view(
      [&](const auto& v) { return deletion_run(v, range.empty(), lex_gte(range), lex_lte(range)); });
  erase_ranks(from, count);
  return count;
}

size_t ZSet::pop(bool max, size_t count, Visitor fn) {
  const size_t n = size();
  const size_t k = count < n ? count : n;
  if (k == 0) return 0;
  range_by_rank(0, k - 1, max, fn);
  erase_ranks(max ? n - k : 0, k);
  return k;
}

uint64_t ZSet::scan(uint64_t cursor, size_t count, Visitor fn) const {
  if (!big_) {
    for_each(fn);
    return 0;
  }
  const zview::Tree v(*big_);
  const size_t n = v.size();
  const double from = cursor == 0 ? -std::numeric_limits<double>::infinity() : cursor_to_score(cursor);
  const size_t start = v.first_not([&](const auto& it) { return it.score() < from; });
  if (start >= n) return 0;
  if (count == 0) count = 1;
  size_t emitted = 0;
  double last = 0;
  size_t stop = n;
  v.visit(start, false, [&](std::string_view m, double s) {
    if (emitted >= count && s != last) {
      stop = start + emitted;
      return false;
    }
    fn(m, s);
    last = s;
    ++emitted;
    return true;
  });
  // The next call resumes at the first score not yet returned.
  return stop < n ? score_to_cursor(at_rank(stop).score) : 0;
}

}  // namespace codis::server::ds
