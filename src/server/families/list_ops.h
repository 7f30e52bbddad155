// Storage operations on a list value (ListValue), apart from argument parsing and replies, so the plain
// list commands and the blocking ones (which serve waiting clients later) share them. Index arithmetic
// follows t_list.c exactly: negative indexes count from the tail, ranges are clamped the way LRANGE and
// LTRIM clamp them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/object.h"

namespace codis::server::listops {

enum class End : uint8_t { kHead, kTail };

// "LEFT" / "RIGHT" (any case), as LMOVE and LMPOP spell the ends.
bool parse_end(std::string_view s, End* out);

inline void push(ListValue& l, std::string_view v, End at) {
  if (at == End::kHead) {
    l.emplace_front(v);
  } else {
    l.emplace_back(v);
  }
}

inline void push(ListValue& l, std::string&& v, End at) {
  if (at == End::kHead) {
    l.push_front(std::move(v));
  } else {
    l.push_back(std::move(v));
  }
}

// Removes and returns the element at one end; the list must not be empty.
inline std::string pop(ListValue& l, End from) {
  std::string v;
  if (from == End::kHead) {
    v = std::move(l.front());
    l.pop_front();
  } else {
    v = std::move(l.back());
    l.pop_back();
  }
  return v;
}

// LINDEX/LSET: the position of index in a list of len elements, or -1 when out of range.
inline int64_t resolve_index(int64_t index, int64_t len) {
  if (index < 0) {
    index += len;
  }
  return (index < 0 || index >= len) ? -1 : index;
}

// LRANGE: clamps [start, end] to the list; false when the range selects nothing.
bool clamp_range(int64_t len, int64_t* start, int64_t* end);

// LTRIM: keeps [start, end]; returns how many elements it removed.
int64_t trim(ListValue& l, int64_t start, int64_t end);

// LREM: removes up to |count| elements equal to v (all when count is 0), from the head when count >= 0,
// from the tail when negative. Returns how many it removed.
int64_t remove(ListValue& l, std::string_view v, int64_t count);

// LINSERT: inserts v before or after the first (from the head) element equal to pivot. Returns false when
// there is no such element.
bool insert(ListValue& l, std::string_view pivot, std::string_view v, bool after);

// LPOS: calls emit(index) for each match it reports, head-based indexes as LINDEX uses them. rank != 0
// (negative searches from the tail; INT64_MIN makes every match qualify, as Redis's negation of LONG_MIN
// does); count 0 means all matches; maxlen 0 means no limit.
template <class Emit>
void find_positions(const ListValue& l, std::string_view v, int64_t rank, int64_t count, int64_t maxlen,
                    Emit emit) {
  const bool from_tail = rank < 0;
  const uint64_t skip = rank == INT64_MIN ? 0 : static_cast<uint64_t>(from_tail ? -rank : rank) - 1;
  const int64_t len = static_cast<int64_t>(l.size());
  uint64_t matches = 0;
  int64_t emitted = 0;
  for (int64_t scanned = 0; scanned < len && (maxlen == 0 || scanned < maxlen); ++scanned) {
    const int64_t idx = from_tail ? len - 1 - scanned : scanned;
    if (l[static_cast<size_t>(idx)] != v) {
      continue;
    }
    if (matches++ < skip) {
      continue;
    }
    emit(idx);
    ++emitted;
    if (count != 0 && emitted >= count) {
      return;
    }
  }
}

}  // namespace codis::server::listops
