// Sorted-set commands on one key: ZADD, ZINCRBY, ZREM, ZCARD, ZCOUNT, ZLEXCOUNT, ZSCORE, ZMSCORE, ZRANK,
// ZREVRANK, ZPOPMIN, ZPOPMAX, ZMPOP, the helpers of zset_cmds.h, and the family's registration. Ranges
// live in zset_range.cc, the algebra in zset_algebra.cc, ZRANDMEMBER in zset_random.cc, ZSCAN in
// zset_scan.cc.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/container/inlined_vector.h"
#include "server/families/util.h"
#include "server/families/zset_cmds.h"

namespace codis::server {

ds::ZSetLimits zset_limits(CommandContext& ctx) {
  const Config& c = ctx.server.config();
  return {.max_listpack_entries = static_cast<size_t>(c.zset_max_listpack_entries),
          .max_listpack_value = static_cast<size_t>(c.zset_max_listpack_value)};
}

Entry* find_zset(CommandContext& ctx, std::string_view key, bool* wrong) {
  return lookup_typed(ctx, key, ObjType::kZSet, wrong);
}

Entry* find_zset_for_write(CommandContext& ctx, std::string_view key, bool* wrong) {
  *wrong = false;
  Entry* e = ctx.db().find(key, ctx.now_ms);
  if (e != nullptr && !e->value.is(ObjType::kZSet)) {
    *wrong = true;
    ctx.out.error(err::kWrongType);
    return nullptr;
  }
  return e;
}

bool parse_score(std::string_view s, double* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  // strtod needs a terminated copy; scores are short, so the stack buffer is the common case.
  char buf[128];
  std::string long_copy;
  const char* p;
  if (s.size() < sizeof buf) {
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    p = buf;
  } else {
    long_copy.assign(s);
    p = long_copy.c_str();
  }
  errno = 0;
  char* end = nullptr;
  const double d = std::strtod(p, &end);
  if (static_cast<size_t>(end - p) != s.size() ||
      (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL || std::fpclassify(d) == FP_ZERO)) ||
      std::isnan(d)) {
    return false;
  }
  *out = d;
  return true;
}

void reply_score(CommandContext& ctx, double score) {
  const resp::DoubleFormat saved = ctx.out.double_format();
  ctx.out.set_double_format(resp::DoubleFormat::kRedis70);
  ctx.out.double_value(score);
  ctx.out.set_double_format(saved);
}

void reply_zset_entry(CommandContext& ctx, std::string_view member, double score, bool withscores) {
  if (withscores && ctx.out.resp3()) {
    ctx.out.array(2);
  }
  ctx.out.bulk(member);
  if (withscores) {
    reply_score(ctx, score);
  }
}

void reply_zset_entries_header(CommandContext& ctx, size_t n, bool withscores) {
  ctx.out.array(withscores && !ctx.out.resp3() ? 2 * n : n);
}

void drop_zset_if_empty(CommandContext& ctx, std::string_view key, const ds::ZSet& z) {
  if (z.empty()) {
    ctx.db().remove(key);
  }
}

namespace {

// Pops up to count entries of the non-empty set at key, writing each as [member, score] (nested) or
// member, score (flat); deletes the key when it empties. The caller wrote the enclosing header(s).
void pop_entries(CommandContext& ctx, std::string_view key, Entry* e, bool max, size_t count, bool nested) {
  ds::ZSet& z = e->value.zset_value();
  z.pop(max, count, [&](std::string_view member, double score) {
    if (nested) {
      ctx.out.array(2);
    }
    ctx.out.bulk(member);
    reply_score(ctx, score);
  });
  drop_zset_if_empty(ctx, key, z);
  ctx.touched(key);
}

}  // namespace

bool parse_zmpop(CommandContext& ctx, size_t first, ZPopArgs* a) {
  constexpr std::string_view kNumkeys = "ERR numkeys should be greater than 0";
  int64_t numkeys;
  if (!resp::parse_ll(ctx.arg(first), &numkeys) || numkeys < 1) {
    ctx.out.error(kNumkeys);
    return false;
  }
  // MIN|MAX must follow the keys; comparing counts avoids Redis's overflow on huge numkeys.
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - first - 1) {
    ctx.out.error(err::kSyntax);
    return false;
  }
  const size_t where = first + 1 + static_cast<size_t>(numkeys);
  if (iequals(ctx.arg(where), "min")) {
    a->max = false;
  } else if (iequals(ctx.arg(where), "max")) {
    a->max = true;
  } else {
    ctx.out.error(err::kSyntax);
    return false;
  }
  a->count = -1;
  for (size_t i = where + 1; i < ctx.argc(); ++i) {
    if (a->count == -1 && iequals(ctx.arg(i), "count") && i + 1 < ctx.argc()) {
      ++i;
      if (!resp::parse_ll(ctx.arg(i), &a->count) || a->count < 1) {
        ctx.out.error("ERR count should be greater than 0");
        return false;
      }
    } else {
      ctx.out.error(err::kSyntax);
      return false;
    }
  }
  if (a->count == -1) {
    a->count = 1;
  }
  a->first_key = first + 1;
  a->numkeys = static_cast<size_t>(numkeys);
  return true;
}

bool zset_pop_try(CommandContext& ctx, const ZPopArgs& a, ZPopReply shape, bool* replied) {
  *replied = false;
  for (size_t i = 0; i < a.numkeys; ++i) {
    const std::string_view key = ctx.arg(a.first_key + i);
    if (!ctx.may_serve_from(key)) {
      continue;
    }
    bool wrong;
    Entry* e = find_zset_for_write(ctx, key, &wrong);
    if (wrong) {
      *replied = true;
      return false;
    }
    if (e == nullptr || e->value.zset_value().empty()) {
      continue;
    }
    const size_t n = std::min(static_cast<size_t>(a.count), e->value.zset_value().size());
    if (shape == ZPopReply::kMpop) {
      ctx.out.array(2);
      ctx.out.bulk(key);
      ctx.out.array(n);
    } else {
      ctx.out.array(2 * n + 1);
      ctx.out.bulk(key);
    }
    pop_entries(ctx, key, e, a.max, n, shape == ZPopReply::kMpop);
    *replied = true;
    return true;
  }
  return false;
}

namespace {

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]; ZINCRBY key increment member.
struct ZAddArgs {
  ds::ZAddFlags flags;
  bool ch = false;
  size_t first = 0;  // argv index of the first score
  size_t pairs = 0;
  absl::InlinedVector<double, 8> scores;
};

bool parse_zadd(CommandContext& ctx, bool incr, ZAddArgs* a) {
  a->flags.incr = incr;
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    const std::string_view opt = ctx.arg(i);
    if (iequals(opt, "nx")) {
      a->flags.nx = true;
    } else if (iequals(opt, "xx")) {
      a->flags.xx = true;
    } else if (iequals(opt, "ch")) {
      a->ch = true;
    } else if (iequals(opt, "incr")) {
      a->flags.incr = true;
    } else if (iequals(opt, "gt")) {
      a->flags.gt = true;
    } else if (iequals(opt, "lt")) {
      a->flags.lt = true;
    } else {
      break;
    }
  }
  const size_t elements = ctx.argc() - i;
  if (elements == 0 || elements % 2 != 0) {
    ctx.out.error(err::kSyntax);
    return false;
  }
  const ds::ZAddFlags& f = a->flags;
  if (f.nx && f.xx) {
    ctx.out.error("ERR XX and NX options at the same time are not compatible");
    return false;
  }
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
    ctx.out.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return false;
  }
  a->first = i;
  a->pairs = elements / 2;
  if (f.incr && a->pairs > 1) {
    ctx.out.error("ERR INCR option supports a single increment-element pair");
    return false;
  }
  // Every score is checked before anything changes: the command runs fully or not at all.
  a->scores.resize(a->pairs);
  for (size_t j = 0; j < a->pairs; ++j) {
    if (!parse_score(ctx.arg(a->first + 2 * j), &a->scores[j])) {
      ctx.out.error(err::kNotFloat);
      return false;
    }
  }
  return true;
}

void zadd_generic(CommandContext& ctx, bool incr) {
  ZAddArgs a;
  if (!parse_zadd(ctx, incr, &a)) {
    return;
  }
  const std::string_view key = ctx.arg(1);
  bool wrong;
  Entry* e = find_zset_for_write(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  bool nan = false;
  if (e != nullptr || !a.flags.xx) {
    const ds::ZSetLimits limits = zset_limits(ctx);
    if (e == nullptr) {
      e = &ctx.db().set(key, Object::zset(ds::ZSet::for_zadd(limits, ctx.arg(a.first + 1).size())));
    }
    ds::ZSet& z = e->value.zset_value();
    for (size_t j = 0; j < a.pairs; ++j) {
      const ds::ZAddResult r = z.add(ctx.arg(a.first + 2 * j + 1), a.scores[j], a.flags, limits);
      if (r.outcome == ds::ZAddOutcome::kNaN) {
        nan = true;
        break;
      }
      added += r.outcome == ds::ZAddOutcome::kAdded ? 1 : 0;
      updated += r.outcome == ds::ZAddOutcome::kUpdated ? 1 : 0;
      processed += r.outcome != ds::ZAddOutcome::kSkipped ? 1 : 0;
      score = r.score;
    }
  }
  if (added + updated > 0) {
    ctx.touched(key);
  }
  if (nan) {
    ctx.out.error("ERR resulting score is not a number (NaN)");
  } else if (a.flags.incr) {
    if (processed > 0) {
      reply_score(ctx, score);
    } else {
      ctx.out.null();
    }
  } else {
    ctx.out.integer(a.ch ? added + updated : added);
  }
}

void cmd_zadd(CommandContext& ctx) {
  zadd_generic(ctx, false);
}

void cmd_zincrby(CommandContext& ctx) {
  zadd_generic(ctx, true);
}

// ZREM key member [member ...]
void cmd_zrem(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  ds::ZSet* z = zset_or_reply(ctx, key, true, [&] { ctx.out.integer(0); });
  if (z == nullptr) {
    return;
  }
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc() && !z->empty(); ++i) {
    deleted += z->erase(ctx.arg(i)) ? 1 : 0;
  }
  if (deleted > 0) {
    drop_zset_if_empty(ctx, key, *z);
    ctx.touched(key);
  }
  ctx.out.integer(deleted);
}

// ZCARD key
void cmd_zcard(CommandContext& ctx) {
  if (const ds::ZSet* z = zset_or_reply(ctx, ctx.arg(1), false, [&] { ctx.out.integer(0); })) {
    ctx.out.integer(static_cast<int64_t>(z->size()));
  }
}

// ZCOUNT / ZLEXCOUNT: the range is parsed before the key is looked up.
template <class Range>
void count_generic(CommandContext& ctx, const std::optional<Range>& range, std::string_view error) {
  if (!range) {
    ctx.out.error(error);
    return;
  }
  if (const ds::ZSet* z = zset_or_reply(ctx, ctx.arg(1), false, [&] { ctx.out.integer(0); })) {
    ctx.out.integer(static_cast<int64_t>(z->count(*range)));
  }
}

// ZCOUNT key min max
void cmd_zcount(CommandContext& ctx) {
  count_generic(ctx, ds::parse_score_range(ctx.arg(2), ctx.arg(3)), ds::kScoreRangeError);
}

// ZLEXCOUNT key min max
void cmd_zlexcount(CommandContext& ctx) {
  count_generic(ctx, ds::parse_lex_range(ctx.arg(2), ctx.arg(3)), ds::kLexRangeError);
}

// ZSCORE key member
void cmd_zscore(CommandContext& ctx) {
  const ds::ZSet* z = zset_or_reply(ctx, ctx.arg(1), false, [&] { ctx.out.null(); });
  if (z == nullptr) {
    return;
  }
  if (const auto s = z->score(ctx.arg(2))) {
    reply_score(ctx, *s);
  } else {
    ctx.out.null();
  }
}

// ZMSCORE key member [member ...]: a missing key answers like an empty set.
void cmd_zmscore(CommandContext& ctx) {
  bool wrong;
  Entry* e = find_zset(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  ctx.out.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const auto s = e == nullptr ? std::nullopt : e->value.zset_value().score(ctx.arg(i));
    if (s) {
      reply_score(ctx, *s);
    } else {
      ctx.out.null();
    }
  }
}

// ZRANK / ZREVRANK key member
void zrank_generic(CommandContext& ctx, bool reverse) {
  const ds::ZSet* z = zset_or_reply(ctx, ctx.arg(1), false, [&] { ctx.out.null(); });
  if (z == nullptr) {
    return;
  }
  if (const auto r = z->rank(ctx.arg(2), reverse)) {
    ctx.out.integer(static_cast<int64_t>(*r));
  } else {
    ctx.out.null();
  }
}

void cmd_zrank(CommandContext& ctx) {
  zrank_generic(ctx, false);
}

void cmd_zrevrank(CommandContext& ctx) {
  zrank_generic(ctx, true);
}

// ZPOPMIN / ZPOPMAX key [count]: a flat array, nested pairs in RESP3 when a count is given.
void zpop_generic(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) {
    ctx.out.error(err::kSyntax);
    return;
  }
  int64_t count = -1;
  if (ctx.argc() == 3) {
    // getPositiveLongFromObjectOrReply: one message for non-integers and negatives alike.
    if (!resp::parse_ll(ctx.arg(2), &count) || count < 0) {
      ctx.out.error("ERR value is out of range, must be positive");
      return;
    }
  }
  const std::string_view key = ctx.arg(1);
  bool wrong;
  Entry* e = find_zset_for_write(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr || count == 0) {
    ctx.out.array(0);
    return;
  }
  const bool nested = ctx.out.resp3() && count != -1;
  const size_t n =
      std::min(count == -1 ? size_t{1} : static_cast<size_t>(count), e->value.zset_value().size());
  ctx.out.array(nested ? n : 2 * n);
  pop_entries(ctx, key, e, max, n, nested);
}

void cmd_zpopmin(CommandContext& ctx) {
  zpop_generic(ctx, false);
}

void cmd_zpopmax(CommandContext& ctx) {
  zpop_generic(ctx, true);
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void cmd_zmpop(CommandContext& ctx) {
  ZPopArgs a;
  if (!parse_zmpop(ctx, 1, &a)) {
    return;
  }
  bool replied;
  if (!zset_pop_try(ctx, a, ZPopReply::kMpop, &replied) && !replied) {
    ctx.out.null_array();
  }
}

}  // namespace

void register_zset_family(Registry& r) {
  r.add("zadd", cmd_zadd);
  r.add("zincrby", cmd_zincrby);
  r.add("zrem", cmd_zrem);
  r.add("zcard", cmd_zcard);
  r.add("zcount", cmd_zcount);
  r.add("zlexcount", cmd_zlexcount);
  r.add("zscore", cmd_zscore);
  r.add("zmscore", cmd_zmscore);
  r.add("zrank", cmd_zrank);
  r.add("zrevrank", cmd_zrevrank);
  r.add("zpopmin", cmd_zpopmin);
  r.add("zpopmax", cmd_zpopmax);
  r.add("zmpop", cmd_zmpop);
  register_zset_range(r);
  register_zset_algebra(r);
  register_zset_random(r);
  register_zset_scan(r);
  register_zset_blocking(r);
}

}  // namespace codis::server
