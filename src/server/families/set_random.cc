// Random choice from sets: SPOP [count] and SRANDMEMBER [count], with Redis 7.0's strategies (draw members
// one at a time when few are asked for, select from a full listing when many are) and its reply types:
// SPOP with a count answers a set, SRANDMEMBER with a count an array (repeats allowed when negative).
#include <limits>
#include <unordered_set>
#include <utility>

#include "server/families/set_util.h"

namespace codis::server {

namespace {

using MemberIt = SetValue::const_iterator;

// Redis's SPOP_MOVE_STRATEGY_MUL and SRANDMEMBER_SUB_STRATEGY_MUL.
constexpr uint64_t kSpopMoveMul = 5;
constexpr uint64_t kSrandSubMul = 3;
// A negative SRANDMEMBER count asks for that many draws. Redis 7.0 would try to build the whole reply
// (and exhaust memory); we refuse absurd counts instead so a client cannot take the server down.
constexpr uint64_t kMaxDraws = 100'000'000;

// Moves `k` uniformly chosen members (a partial Fisher-Yates shuffle) to the front of a full listing of s,
// and returns the listing.
std::vector<MemberIt> select_members(CommandContext& ctx, const SetValue& s, size_t k) {
  std::vector<MemberIt> all;
  all.reserve(s.size());
  for (auto it = s.begin(); it != s.end(); ++it) {
    all.push_back(it);
  }
  rt::Random& r = ctx.server.env().random;
  for (size_t i = 0; i < k && i + 1 < all.size(); ++i) {
    std::swap(all[i], all[r.uniform(i, all.size() - 1)]);
  }
  return all;
}

void spop_with_count(CommandContext& ctx) {
  int64_t l;
  if (!resp::parse_ll(ctx.arg(2), &l) || l < 0) {
    ctx.out.error("ERR value is out of range, must be positive");
    return;
  }
  std::string_view key = ctx.arg(1);
  bool wrong;
  SetValue* s = find_set(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr || l == 0) {
    ctx.out.set(0);
    return;
  }
  const auto count = static_cast<uint64_t>(l);
  if (count >= s->size()) {
    reply_member_set(ctx, *s);
    ctx.db().remove(key);
    ctx.touched(key);
    return;
  }
  const uint64_t remaining = s->size() - count;
  ctx.out.set(count);
  if (remaining * kSpopMoveMul > count) {
    // Few asked for: draw and remove them one by one.
    for (uint64_t i = 0; i < count; ++i) {
      auto it = s->find(random_member(ctx, *s));
      ctx.out.bulk(*it);
      s->erase(it);
    }
  } else {
    // Most of the set asked for: select them from a listing instead of drawing against a shrinking set.
    std::vector<MemberIt> all = select_members(ctx, *s, count);
    for (uint64_t i = 0; i < count; ++i) {
      ctx.out.bulk(*all[i]);
      s->erase(all[i]);  // other listed iterators stay valid
    }
  }
  after_removals(ctx, key, *s);
  ctx.touched(key);
}

// SPOP key [count]
void cmd_spop(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.out.error(err::kSyntax);
    return;
  }
  if (ctx.argc() == 3) {
    spop_with_count(ctx);
    return;
  }
  std::string_view key = ctx.arg(1);
  bool wrong;
  SetValue* s = find_set(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    ctx.out.null();
    return;
  }
  auto it = s->find(random_member(ctx, *s));
  ctx.out.bulk(*it);
  s->erase(it);
  after_removals(ctx, key, *s);
  ctx.touched(key);
}

void srandmember_with_count(CommandContext& ctx) {
  int64_t l;
  if (!parse_int(ctx, ctx.arg(2), &l)) {
    return;
  }
  if (l == std::numeric_limits<int64_t>::min()) {
    ctx.out.error(
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    return;
  }
  const bool unique = l >= 0;
  const auto count = static_cast<uint64_t>(unique ? l : -l);
  bool wrong;
  SetValue* s = find_set(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr || count == 0) {
    ctx.out.array(0);
    return;
  }
  if (!unique) {
    if (count > kMaxDraws) {
      ctx.out.error("ERR value is out of range");
      return;
    }
    ctx.out.array(count);
    for (uint64_t i = 0; i < count; ++i) {
      ctx.out.bulk(random_member(ctx, *s));
    }
    return;
  }
  if (count >= s->size()) {
    ctx.out.array(s->size());
    for (const std::string& m : *s) {
      ctx.out.bulk(m);
    }
    return;
  }
  ctx.out.array(count);
  if (count * kSrandSubMul > s->size()) {
    std::vector<MemberIt> all = select_members(ctx, *s, count);
    for (uint64_t i = 0; i < count; ++i) {
      ctx.out.bulk(*all[i]);
    }
    return;
  }
  // Few asked for from a big set: draw until `count` distinct members. The pointer set only answers
  // "seen?"; the reply follows draw order, so it stays deterministic.
  std::vector<const std::string*> picked;
  std::unordered_set<const std::string*> seen;
  picked.reserve(count);
  while (picked.size() < count) {
    const std::string* m = &random_member(ctx, *s);
    if (seen.insert(m).second) {
      picked.push_back(m);
    }
  }
  for (const std::string* m : picked) {
    ctx.out.bulk(*m);
  }
}

// SRANDMEMBER key [count]
void cmd_srandmember(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.out.error(err::kSyntax);
    return;
  }
  if (ctx.argc() == 3) {
    srandmember_with_count(ctx);
    return;
  }
  bool wrong;
  SetValue* s = find_set(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    ctx.out.null();
    return;
  }
  ctx.out.bulk(random_member(ctx, *s));
}

}  // namespace

void register_set_random(Registry& r) {
  r.add("spop", cmd_spop);
  r.add("srandmember", cmd_srandmember);
}

}  // namespace codis::server
