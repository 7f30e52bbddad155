// Helpers shared by the set family's files (sets.cc, set_algebra.cc, set_random.cc, set_scan.cc): typed
// lookup, reply of a member list, random member choice, and the per-file registration functions.
#pragma once

#include <string_view>
#include <vector>

#include "server/families/util.h"

namespace codis::server {

inline SetValue* find_set(CommandContext& ctx, std::string_view key, bool* wrong) {
  Entry* e = lookup_typed(ctx, key, ObjType::kSet, wrong);
  return e == nullptr ? nullptr : &e->value.set_value();
}

// Replies members as a set (RESP3 '~', RESP2 an array), as Redis 7.0 does for SMEMBERS, SINTER, ...
template <class Range>
void reply_member_set(CommandContext& ctx, const Range& members) {
  ctx.out.set(members.size());
  for (const auto& m : members) {
    ctx.out.bulk(m);
  }
}

// Deletes key when its set became empty (Redis never keeps an empty container) and otherwise gives the
// buckets back when the set became sparse, so random_member's bucket sampling stays cheap.
void after_removals(CommandContext& ctx, std::string_view key, SetValue& s);

// A member chosen at random with ctx.server.env().random; s must not be empty. Like Redis's
// dictGetFairRandomKey it aims at a uniform choice; deterministic under the simulator.
const std::string& random_member(CommandContext& ctx, const SetValue& s);

void register_set_algebra(Registry& r);
void register_set_random(Registry& r);
void register_set_scan(Registry& r);

}  // namespace codis::server
