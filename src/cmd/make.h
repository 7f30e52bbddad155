// Builders the table files use to write command records tersely, and make_command, which fills in what
// Redis derives rather than declares: movablekeys, the legacy (first, last, step) and implicit ACL
// categories. Everything here runs at compile time.
#pragma once

#include <climits>
#include <string_view>

#include "cmd/spec.h"

namespace codis::cmd::make {

// Key specs. Positions and counts follow Redis's JSON: range(flags, index, lastkey, keystep, limit), ...
constexpr KeySpec range(uint16_t flags, int16_t index, int16_t lastkey = 0, int16_t keystep = 1,
                        int16_t limit = 0) {
  return {.flags = flags, .index = index, .lastkey = lastkey, .keystep = keystep, .limit = limit};
}
constexpr KeySpec keynum(uint16_t flags, int16_t index, int16_t keynumidx, int16_t firstkey,
                         int16_t keystep) {
  return {.flags = flags,
          .index = index,
          .find = FindKeys::kKeynum,
          .keystep = keystep,
          .keynumidx = keynumidx,
          .firstkey = firstkey};
}
constexpr KeySpec keyword_range(uint16_t flags, std::string_view keyword, int16_t startfrom,
                                int16_t lastkey = 0, int16_t keystep = 1, int16_t limit = 0) {
  return {.flags = flags,
          .begin = BeginSearch::kKeyword,
          .index = startfrom,
          .keyword = keyword,
          .lastkey = lastkey,
          .keystep = keystep,
          .limit = limit};
}
constexpr KeySpec unknown(uint16_t flags) {
  return {.flags = flags, .begin = BeginSearch::kUnknown, .find = FindKeys::kUnknown, .keystep = 0};
}
constexpr KeySpec noted(std::string_view notes, KeySpec s) {
  s.notes = notes;
  return s;
}
template <class... S>
constexpr KeySpecs keys(S... specs) {
  static_assert(sizeof...(S) <= KeySpecs::kMax);
  KeySpecs out;
  ((out.v[out.n++] = specs), ...);
  return out;
}

// Policies.
inline constexpr Policy kSingleSlot{};
inline constexpr Policy kAnyGroup{.route = Route::kAnyGroup};
inline constexpr Policy kProxyLocal{.route = Route::kProxyLocal};
inline constexpr Policy kSlotArgument{.route = Route::kSlotArgument, .master_only = true};
constexpr Policy split(Merge m) {
  return {.route = Route::kSplitByKey, .merge = m};
}
constexpr Policy all_groups(Merge m) {
  return {.route = Route::kAllGroups, .merge = m};
}
constexpr Policy refused(std::string_view reason) {
  return {.route = Route::kRefused, .reason = reason};
}
constexpr Policy master_only(Policy p) {
  p.master_only = true;
  return p;
}

namespace detail {

constexpr bool index_range(const KeySpec& s) {
  return s.begin == BeginSearch::kIndex && s.find == FindKeys::kRange;
}

// Redis 7.0 populateCommandLegacyRangeSpec (server.c), which also decides CMD_MOVABLE_KEYS: the legacy
// range covers consecutive step-1 index/range specs; anything else makes the keys "movable".
constexpr CommandSpec derive_legacy_range(CommandSpec c) {
  c.first_key = c.last_key = c.key_step = 0;
  auto specs = c.keys.view();
  if (specs.empty()) return c;
  if (specs.size() == 1 && index_range(specs[0])) {
    const KeySpec& s = specs[0];
    c.first_key = s.index;
    c.last_key = s.lastkey >= 0 ? s.lastkey + s.index : s.lastkey;
    c.key_step = s.keystep;
    if (s.flags & kf::kIncomplete) c.flags |= flag::kMovableKeys;
    return c;
  }
  int first = INT_MAX;
  int last = 0;
  int prev_last = 0;
  for (const KeySpec& s : specs) {
    if (!index_range(s) || s.keystep != 1 || (prev_last && prev_last != s.index - 1)) {
      c.flags |= flag::kMovableKeys;
      continue;
    }
    if (s.flags & kf::kIncomplete) c.flags |= flag::kMovableKeys;
    first = first < s.index ? first : s.index;
    int abs_last = s.lastkey >= 0 ? s.lastkey + s.index : s.lastkey;
    // Redis compares as unsigned so that a negative (from the end) last key wins over any positive one.
    last = static_cast<unsigned>(last) > static_cast<unsigned>(abs_last) ? last : abs_last;
    prev_last = last;
  }
  if (first == INT_MAX) {
    c.flags |= flag::kMovableKeys;
    return c;
  }
  c.first_key = first;
  c.last_key = last;
  c.key_step = 1;
  return c;
}

// Redis 7.0 setImplicitACLCategories (acl.c).
constexpr uint32_t implicit_acl(uint32_t flags, uint32_t acl_bits) {
  if (flags & flag::kWrite) acl_bits |= acl::kWrite;
  if ((flags & flag::kReadonly) && !(acl_bits & acl::kScripting)) acl_bits |= acl::kRead;
  if (flags & flag::kAdmin) acl_bits |= acl::kAdmin | acl::kDangerous;
  if (flags & flag::kPubsub) acl_bits |= acl::kPubsub;
  if (flags & flag::kFast) acl_bits |= acl::kFast;
  if (flags & flag::kBlocking) acl_bits |= acl::kBlocking;
  if (!(acl_bits & acl::kFast)) acl_bits |= acl::kSlow;
  return acl_bits;
}

}  // namespace detail

// A row as written (flags without kMovableKeys, explicit ACL categories only, no legacy range) becomes
// the record as Redis reports it.
constexpr CommandSpec make_command(CommandSpec c) {
  c = detail::derive_legacy_range(c);
  c.acl = detail::implicit_acl(c.flags, c.acl);
  return c;
}

}  // namespace codis::cmd::make
