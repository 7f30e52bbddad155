// Set commands on one key: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SMOVE, and the family's
// registration. Multi-key algebra lives in set_algebra.cc, SPOP/SRANDMEMBER in set_random.cc, SSCAN in
// set_scan.cc.
#include <iterator>

#include "server/encoding.h"
#include "server/families/set_util.h"

namespace codis::server {

namespace {
// Sets this small are sampled exactly, by walking to a uniformly drawn index.
constexpr size_t kWalkBelow = 64;
constexpr size_t kMaxChain = 8;
}  // namespace

void after_removals(CommandContext& ctx, std::string_view key, SetValue& s) {
  if (s.empty()) {
    ctx.db().remove(key);
    return;
  }
  // ChainedDict never shrinks by itself. Redis shrinks a set's table below 10% fill (shrink_if_sparse);
  // random_member also wants large tables at least 1/4 full so its bucket draws hit (see there), so those
  // shrink earlier. rehash(0) gives the smallest power of two >= size(), as Redis's dictResize does, and
  // SSCAN's reverse-binary cursor stays valid across it.
  if (s.bucket_count() > 64 && s.bucket_count() > 4 * s.size()) {
    s.rehash(0);
  } else {
    shrink_if_sparse(s);
  }
}

const std::string& random_member(CommandContext& ctx, const SetValue& s) {
  rt::Random& r = ctx.server.env().random;
  if (s.size() > kWalkBelow) {
    // Draw a bucket and a chain position below kMaxChain, retrying on misses: every member in the first
    // kMaxChain places of its chain is equally likely (drawing a bucket, then a member of it, would favour
    // members alone in their bucket). With the load factor kept above 1/4 a draw hits with probability at
    // least 1/32; members deeper in a chain (rare at load <= 1) are left to the fallback below.
    const size_t buckets = s.bucket_count();
    for (int tries = 0; tries < 400; ++tries) {
      const size_t b = r.uniform(0, buckets - 1);
      const size_t pos = r.uniform(0, kMaxChain - 1);
      auto it = s.begin(b);
      for (size_t i = 0; i < pos && it != s.end(b); ++i) {
        ++it;
      }
      if (it != s.end(b)) {
        return *it;
      }
    }
  }
  auto it = s.begin();
  std::advance(it, static_cast<ptrdiff_t>(r.uniform(0, s.size() - 1)));
  return *it;
}

namespace {

// SADD key member [member ...]
void cmd_sadd(CommandContext& ctx) {
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kSet, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    e = &ctx.db().set(ctx.arg(1), Object::set());
  }
  SetValue& s = e->value.set_value();
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    added += s.emplace(ctx.arg(i)).second ? 1 : 0;
    note_set_add(e->value, ctx.arg(i), ctx.server.config());
  }
  if (added > 0) {
    ctx.touched(ctx.arg(1));
  }
  ctx.out.integer(added);
}

// SREM key member [member ...]
void cmd_srem(CommandContext& ctx) {
  bool wrong;
  SetValue* s = find_set(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  int64_t removed = 0;
  if (s != nullptr) {
    for (size_t i = 2; i < ctx.argc() && !s->empty(); ++i) {
      auto it = s->find(ctx.arg(i));
      if (it != s->end()) {
        s->erase(it);
        ++removed;
      }
    }
    if (removed > 0) {
      after_removals(ctx, ctx.arg(1), *s);
      ctx.touched(ctx.arg(1));
    }
  }
  ctx.out.integer(removed);
}

void cmd_smembers(CommandContext& ctx) {
  bool wrong;
  SetValue* s = find_set(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    ctx.out.set(0);
    return;
  }
  reply_member_set(ctx, *s);
}

void cmd_sismember(CommandContext& ctx) {
  bool wrong;
  SetValue* s = find_set(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  ctx.out.integer(s != nullptr && s->contains(ctx.arg(2)) ? 1 : 0);
}

// SMISMEMBER key member [member ...]: an array of 0/1, also in RESP3 (as Redis 7.0).
void cmd_smismember(CommandContext& ctx) {
  bool wrong;
  SetValue* s = find_set(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  ctx.out.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.out.integer(s != nullptr && s->contains(ctx.arg(i)) ? 1 : 0);
  }
}

void cmd_scard(CommandContext& ctx) {
  bool wrong;
  SetValue* s = find_set(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  ctx.out.integer(s == nullptr ? 0 : static_cast<int64_t>(s->size()));
}

// SMOVE source destination member, in Redis's order of checks: a missing source answers 0 before the
// destination's type is looked at; source == destination answers membership without writing.
void cmd_smove(CommandContext& ctx) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2), member = ctx.arg(3);
  Db& db = ctx.db();
  Entry* se = db.find(src, ctx.now_ms);
  Entry* de = db.find(dst, ctx.now_ms);
  if (se == nullptr) {
    ctx.out.integer(0);
    return;
  }
  if (!se->value.is(ObjType::kSet) || (de != nullptr && !de->value.is(ObjType::kSet))) {
    ctx.out.error(err::kWrongType);
    return;
  }
  SetValue& s = se->value.set_value();
  if (src == dst) {
    ctx.out.integer(s.contains(member) ? 1 : 0);
    return;
  }
  auto it = s.find(member);
  if (it == s.end()) {
    ctx.out.integer(0);
    return;
  }
  s.erase(it);
  // Erasing another key of the table leaves `de` valid (the keyspace table's erase invalidates only the
  // erased entry).
  after_removals(ctx, src, s);
  ctx.touched(src);
  if (de == nullptr) {
    de = &db.set(dst, Object::set());
  }
  if (de->value.set_value().emplace(member).second) {
    note_set_add(de->value, member, ctx.server.config());
    ctx.touched(dst);
  }
  ctx.out.integer(1);
}

}  // namespace

void register_set_family(Registry& r) {
  r.add("sadd", cmd_sadd);
  r.add("srem", cmd_srem);
  r.add("smembers", cmd_smembers);
  r.add("sismember", cmd_sismember);
  r.add("smismember", cmd_smismember);
  r.add("scard", cmd_scard);
  r.add("smove", cmd_smove);
  register_set_algebra(r);
  register_set_random(r);
  register_set_scan(r);
}

}  // namespace codis::server
