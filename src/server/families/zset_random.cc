// ZRANDMEMBER key [count [WITHSCORES]] with Redis 7.0's argument checks and reply shapes (nested
// [member, score] pairs in RESP3). Draws use ctx.server.env().random: repeats allowed for a negative
// count; distinct members otherwise, by one selection pass when much of the set is asked for (or the set
// is compact, where a rank lookup is a scan) and by Floyd's sampling of ranks when little is.
#include <limits>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "server/families/util.h"
#include "server/families/zset_cmds.h"

namespace codis::server {

namespace {

// Redis's ZRANDMEMBER_SUB_STRATEGY_MUL.
constexpr uint64_t kSubStrategyMul = 3;
// A negative count asks for that many draws. Redis 7.0 would try to build the whole reply (and exhaust
// memory); absurd counts are refused instead, as SRANDMEMBER does here.
constexpr uint64_t kMaxDraws = 100'000'000;

void zrandmember_with_count(CommandContext& ctx, int64_t l, bool withscores) {
  const ds::ZSet* zp = zset_or_reply(ctx, ctx.arg(1), false, [&] { ctx.out.array(0); });
  if (zp == nullptr) {
    return;
  }
  if (l == 0) {
    ctx.out.array(0);
    return;
  }
  const ds::ZSet& z = *zp;
  const size_t size = z.size();
  const bool unique = l > 0;
  const uint64_t count = unique ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  rt::Random& rng = ctx.server.env().random;
  auto next = [&rng] { return rng.next_u64(); };

  if (!unique || count == 1) {
    if (count > kMaxDraws) {
      ctx.out.error("ERR value is out of range");
      return;
    }
    reply_zset_entries_header(ctx, count, withscores);
    for (uint64_t i = 0; i < count; ++i) {
      const ds::ZSet::Entry x = z.random_entry(next);
      reply_zset_entry(ctx, x.member, x.score, withscores);
    }
    return;
  }
  if (count >= size) {
    // Redis's set iterator walks from the highest score down.
    reply_zset_entries_header(ctx, size, withscores);
    z.range_by_rank(0, size - 1, true,
                    [&](std::string_view m, double s) { reply_zset_entry(ctx, m, s, withscores); });
    return;
  }
  reply_zset_entries_header(ctx, count, withscores);
  if (count * kSubStrategyMul > size || z.encoding() == ds::ZEncoding::kListpack) {
    // Selection sampling: each entry is taken with probability needed / remaining.
    uint64_t needed = count, remaining = size;
    z.for_each([&](std::string_view m, double s) {
      if (needed > 0 && rng.uniform(0, remaining - 1) < needed) {
        reply_zset_entry(ctx, m, s, withscores);
        --needed;
      }
      --remaining;
    });
    return;
  }
  // Floyd: count distinct ranks with count draws; the reply follows the order they were chosen in.
  absl::flat_hash_set<size_t> chosen;
  std::vector<size_t> order;
  chosen.reserve(count);
  order.reserve(count);
  for (size_t j = size - count; j < size; ++j) {
    const auto t = static_cast<size_t>(rng.uniform(0, j));
    const size_t pick = chosen.insert(t).second ? t : j;
    if (pick == j) {
      chosen.insert(j);
    }
    order.push_back(pick);
  }
  for (const size_t rank : order) {
    const ds::ZSet::Entry x = z.at_rank(rank);
    reply_zset_entry(ctx, x.member, x.score, withscores);
  }
}

// ZRANDMEMBER key [count [WITHSCORES]]
void cmd_zrandmember(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!parse_int(ctx, ctx.arg(2), &l)) {
      return;
    }
    if (l == std::numeric_limits<int64_t>::min()) {
      ctx.out.error(
          "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
      return;
    }
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !iequals(ctx.arg(3), "withscores"))) {
      ctx.out.error(err::kSyntax);
      return;
    }
    const bool withscores = ctx.argc() == 4;
    constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
    if (withscores && (l < -kHalf || l > kHalf)) {
      ctx.out.error("ERR value is out of range");
      return;
    }
    zrandmember_with_count(ctx, l, withscores);
    return;
  }
  if (const ds::ZSet* z = zset_or_reply(ctx, ctx.arg(1), false, [&] { ctx.out.null(); })) {
    rt::Random& rng = ctx.server.env().random;
    ctx.out.bulk(z->random_entry([&rng] { return rng.next_u64(); }).member);
  }
}

}  // namespace

void register_zset_random(Registry& r) {
  r.add("zrandmember", cmd_zrandmember);
}

}  // namespace codis::server
