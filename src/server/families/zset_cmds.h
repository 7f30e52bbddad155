// What the sorted-set command files share (zsets.cc, zset_range.cc, zset_algebra.cc, zset_random.cc,
// zset_scan.cc): typed lookups, the limits from the config, score parsing and score replies exactly as
// Redis 7.0 writes them, and ZMPOP's parsing and non-blocking attempt (BZPOPMIN/BZPOPMAX/BZMPOP reuse
// both: a blocking pop is "try, and block only when zset_pop_try wrote nothing").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/context.h"
#include "server/ds/zset.h"
#include "server/registry.h"

namespace codis::server {

// zset-max-listpack-entries / zset-max-listpack-value of the running config.
ds::ZSetLimits zset_limits(CommandContext& ctx);

// The sorted set at key for a read (keyspace hits/misses counted, as lookupKeyRead): nullptr when missing;
// on another type replies WRONGTYPE and sets *wrong.
Entry* find_zset(CommandContext& ctx, std::string_view key, bool* wrong);
// The same for a write command (lookupKeyWrite: hits/misses untouched).
Entry* find_zset_for_write(CommandContext& ctx, std::string_view key, bool* wrong);

// Redis's lookupKey{Read,Write}OrReply with checkType: the sorted set at key, or nullptr after replying
// WRONGTYPE for another type or calling on_missing() when there is no key.
template <class OnMissing>
ds::ZSet* zset_or_reply(CommandContext& ctx, std::string_view key, bool write, OnMissing&& on_missing) {
  bool wrong;
  Entry* e = write ? find_zset_for_write(ctx, key, &wrong) : find_zset(ctx, key, &wrong);
  if (e == nullptr && !wrong) {
    on_missing();
  }
  return e == nullptr ? nullptr : &e->value.zset_value();
}

// Redis's string2d (getDoubleFromObject): strtod over the whole text, no leading space, no NaN, no
// overflow (underflow to a denormal is fine). Hex and "inf" are numbers.
bool parse_score(std::string_view s, double* out);

// A score as Redis 7.0 replies it (addReplyDouble, "%.17g"): RESP2 a bulk string, RESP3 a double.
void reply_score(CommandContext& ctx, double score);

// One entry of a range-like reply: member, then its score when withscores, the pair nested in an array of
// two in RESP3 (the caller's header counts pairs there, and member + score in RESP2).
void reply_zset_entry(CommandContext& ctx, std::string_view member, double score, bool withscores);
// The header of a reply of n such entries.
void reply_zset_entries_header(CommandContext& ctx, size_t n, bool withscores);

// Deletes key when its sorted set has become empty (Redis never keeps an empty one).
void drop_zset_if_empty(CommandContext& ctx, std::string_view key, const ds::ZSet& z);

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]; BZMPOP has the timeout before numkeys.
struct ZPopArgs {
  size_t first_key = 0;  // argv index of the first key
  size_t numkeys = 0;
  bool max = false;
  int64_t count = 1;
};

// Parses `numkeys key... MIN|MAX [COUNT n]` with numkeys at argv[first]; replies Redis's error and returns
// false on bad input.
bool parse_zmpop(CommandContext& ctx, size_t first, ZPopArgs* a);

// How a successful pop is framed.
enum class ZPopReply : uint8_t {
  kMpop,     // ZMPOP/BZMPOP: [key, [[member, score], ...]] in both protocols
  kKeyFlat,  // BZPOPMIN/BZPOPMAX: [key, member, score]
};

// Pops from the first non-empty sorted set among the keys (up to a.count entries) and replies: true.
// BZMPOP: parse_zmpop(ctx, 2, &a), then the timeout, then this with kMpop. BZPOPMIN/BZPOPMAX: the timeout
// first (Redis reads it before any key), then ZPopArgs{.first_key = 1, .numkeys = argc - 2, .max = ...,
// .count = 1} with kKeyFlat. Both block when it returns false with *replied false.
// Sets *replied also when it replied WRONGTYPE (a key of another type before any sorted set); returns
// false with nothing written when every key is missing. The caller replies the empty case (ZMPOP: a null
// array) or blocks.
bool zset_pop_try(CommandContext& ctx, const ZPopArgs& a, ZPopReply shape, bool* replied);

void register_zset_range(Registry& r);
void register_zset_algebra(Registry& r);
void register_zset_random(Registry& r);
void register_zset_scan(Registry& r);
void register_zset_blocking(Registry& r);  // zset_blocking.cc

}  // namespace codis::server
