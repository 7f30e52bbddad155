// The value of a Redis sorted-set key: members (byte strings) with double scores, ordered by score then
// by member bytes (memcmp order, as Redis). Two encodings behind one API, reported by OBJECT ENCODING as
// in Redis 7.0:
//   "listpack": ZListpack, one compact buffer, while the set has <= zset-max-listpack-entries members
//               of <= zset-max-listpack-value bytes (O(n) scans over a few hundred bytes);
//   "skiplist": ScoreTree (an order-statistic B+tree; not a skiplist, the name is Redis's) plus a hash
//               index member -> score: O(1) score lookup, O(log n) insert/delete/rank/select.
// A set converts to the large form when an insertion crosses a limit, and only back on request
// (maybe_convert_to_listpack: Redis does it for the *STORE commands).
//
// Semantics follow Redis 7.0 (t_zset.c): ZADD's NX/XX/GT/LT/INCR outcomes, -0.0 ties 0.0 (and an
// update between them is no change), ranges with exclusive bounds and -inf/+inf, lex ranges that
// assume equal scores (with mixed scores the answers are Redis's: a scan in the compact form, a
// binary search in the large one), LIMIT offset/count, deletion by rank/score/lex, pops.
// Callers never pass NaN scores: ZADD reports a NaN result (INCR of inf by -inf) as kNaN, and parsing
// ("ERR value is not a valid float") is the command layer's job.
//
// Visitors receive member views that stay valid until the set changes. No operation allocates per
// visited element. Nothing here draws random numbers: random_entry takes the caller's generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "server/ds/zset_listpack.h"
#include "server/ds/zset_range.h"

namespace codis::server::ds {

class ZIndexed;  // the large form (zset_indexed.h)

// zset-max-listpack-entries / zset-max-listpack-value, read by the operations that may convert.
struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

enum class ZEncoding : uint8_t { kListpack, kSkiplist };
std::string_view encoding_name(ZEncoding e);  // "listpack" / "skiplist"

struct ZAddFlags {
  bool nx = false;  // only add new members
  bool xx = false;  // only update existing ones
  bool gt = false;  // update only to a greater score
  bool lt = false;  // update only to a lower score
  bool incr = false;
};

enum class ZAddOutcome : uint8_t {
  kAdded,      // a new member
  kUpdated,    // an existing member's score changed
  kUnchanged,  // existing, and the new score equals the old one
  kSkipped,    // NX/XX/GT/LT said no (ZADD INCR then replies nil)
  kNaN,        // the score (after INCR) is NaN: "ERR resulting score is not a number (NaN)"
};
struct ZAddResult {
  ZAddOutcome outcome;
  double score;  // the member's score after the call (Redis's newscore) unless kSkipped / kNaN
};

inline constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

class ZSet {
 public:
  using Visitor = absl::FunctionRef<void(std::string_view member, double score)>;
  struct Entry {
    std::string_view member;
    double score;
  };

  explicit ZSet(ZEncoding encoding = ZEncoding::kListpack);
  ~ZSet();
  ZSet(ZSet&&) noexcept;
  ZSet& operator=(ZSet&&) noexcept;
  ZSet(const ZSet&) = delete;
  ZSet& operator=(const ZSet&) = delete;
  ZSet clone() const;

  // The encoding Redis 7.0's ZADD gives a new key: large when the listpack limit is 0 or the first
  // member of the command is longer than the value limit.
  static ZSet for_zadd(const ZSetLimits& limits, size_t first_member_len);
  // zsetTypeCreate: compact when size_hint and max_len_hint are within the limits.
  static ZSet for_size(const ZSetLimits& limits, size_t size_hint, size_t max_len_hint);

  size_t size() const;
  bool empty() const { return size() == 0; }
  ZEncoding encoding() const { return big_ ? ZEncoding::kSkiplist : ZEncoding::kListpack; }

  std::optional<double> score(std::string_view member) const;
  // ZADD / ZINCRBY for one member (zsetAdd). May convert to the large form.
  ZAddResult add(std::string_view member, double score, ZAddFlags flags, const ZSetLimits& limits);
  bool erase(std::string_view member);
  // ZRANK / ZREVRANK.
  std::optional<size_t> rank(std::string_view member, bool reverse = false) const;
  // The entry at a 0-based ascending rank (< size()).
  Entry at_rank(size_t rank) const;
  // A uniformly chosen entry (the set must not be empty); next_u64() supplies the randomness.
  template <class Rng>
  Entry random_entry(Rng&& next_u64) const {
    const auto r = static_cast<unsigned __int128>(next_u64());
    return at_rank(static_cast<size_t>((r * size()) >> 64));
  }

  size_t count(const ScoreRange& range) const;  // ZCOUNT
  size_t count(const LexRange& range) const;    // ZLEXCOUNT

  // ZRANGE by rank: [start, stop] inclusive ranks in the chosen direction (reverse: rank 0 is the
  // highest), already normalized (normalize_rank_range). Returns the number visited.
  size_t range_by_rank(size_t start, size_t stop, bool reverse, Visitor fn) const;
  // ZRANGEBYSCORE / ZREVRANGEBYSCORE (reverse walks from max down) with LIMIT offset count; limit
  // kNoLimit for all. (Redis: a negative offset gives nothing, a negative count means no limit.)
  size_t range_by_score(const ScoreRange& range, bool reverse, size_t offset, size_t limit, Visitor fn) const;
  size_t range_by_lex(const LexRange& range, bool reverse, size_t offset, size_t limit, Visitor fn) const;

  // ZREMRANGEBYRANK (normalized ascending ranks) / BYSCORE / BYLEX: the number removed.
  size_t erase_rank_range(size_t start, size_t stop);
  size_t erase_score_range(const ScoreRange& range);
  size_t erase_lex_range(const LexRange& range);
  // ZPOPMIN / ZPOPMAX: up to `count` entries, lowest (highest) first; fn sees each before removal.
  size_t pop(bool max, size_t count, Visitor fn);

  // ZSCAN. The compact form returns everything at once with cursor 0, like Redis. The large form
  // walks in score order: the cursor encodes the next score to visit (order-preserving, never 0), so
  // members present for the whole scan are returned at least once even as the set changes. A call
  // returns at least `count` entries and never splits a run of equal scores.
  uint64_t scan(uint64_t cursor, size_t count, Visitor fn) const;

  void for_each(Visitor fn) const;  // ascending

  void convert(ZEncoding to);
  // zsetConvertToListpackIfNeeded: back to the compact form when it fits the limits.
  bool maybe_convert_to_listpack(const ZSetLimits& limits);

  // Bytes of memory held, allocator rounding included (MEMORY USAGE).
  size_t memory_usage() const;
  // Structural invariants of the large form (for tests); true for the compact form.
  bool check() const;

 private:
  template <class F>
  decltype(auto) with_view(F&& f) const;
  void erase_ranks(size_t from, size_t count);

  ZListpack lp_;
  std::unique_ptr<ZIndexed> big_;
};

}  // namespace codis::server::ds
