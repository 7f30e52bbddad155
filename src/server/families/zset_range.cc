// Sorted-set ranges: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE,
// ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, and the range deletions ZREMRANGEBYRANK/SCORE/LEX.
// One parser serves every ZRANGE form, as Redis's zrangeGenericCommand does, so the error precedence is
// the same: options, then conflicts, then the range, then the key.
#include <vector>

#include "server/families/util.h"
#include "server/families/zset_cmds.h"

namespace codis::server {

namespace {

enum class RangeType : uint8_t { kAuto, kRank, kScore, kLex };
enum class Direction : uint8_t { kAuto, kForward, kReverse };

struct ZRangeArgs {
  RangeType type = RangeType::kAuto;
  bool reverse = false;
  bool withscores = false;
  int64_t offset = 0;
  int64_t limit = -1;  // negative: no limit
  int64_t start = 0;   // kRank
  int64_t stop = 0;
  ds::ScoreRange score;  // kScore
  ds::LexRange lex;      // kLex (points into argv)
};

// <src> <min> <max> [BYSCORE|BYLEX] [REV] [WITHSCORES] [LIMIT offset count] with <src> at argv[key].
// The legacy commands pass their fixed type and direction, which makes BYSCORE/BYLEX/REV syntax errors.
bool parse_zrange(CommandContext& ctx, size_t key, bool store, RangeType type, Direction dir, ZRangeArgs* a) {
  for (size_t j = key + 3; j < ctx.argc(); ++j) {
    const std::string_view opt = ctx.arg(j);
    const size_t left = ctx.argc() - j - 1;
    if (!store && iequals(opt, "withscores")) {
      a->withscores = true;
    } else if (iequals(opt, "limit") && left >= 2) {
      if (!parse_int(ctx, ctx.arg(j + 1), &a->offset) || !parse_int(ctx, ctx.arg(j + 2), &a->limit)) {
        return false;
      }
      j += 2;
    } else if (dir == Direction::kAuto && iequals(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && iequals(opt, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && iequals(opt, "byscore")) {
      type = RangeType::kScore;
    } else {
      ctx.out.error(err::kSyntax);
      return false;
    }
  }
  a->reverse = dir == Direction::kReverse;
  a->type = type == RangeType::kAuto ? RangeType::kRank : type;
  // Redis tests the count against -1 itself, so "LIMIT 0 -1" passes with a rank range.
  if (a->limit != -1 && a->type == RangeType::kRank) {
    ctx.out.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return false;
  }
  if (a->withscores && a->type == RangeType::kLex) {
    ctx.out.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return false;
  }
  // Score and lex ranges are given as max, min when reversed.
  std::string_view min = ctx.arg(key + 1), max = ctx.arg(key + 2);
  if (a->reverse && a->type != RangeType::kRank) {
    std::swap(min, max);
  }
  switch (a->type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      return parse_int(ctx, min, &a->start) && parse_int(ctx, max, &a->stop);
    case RangeType::kScore: {
      const auto r = ds::parse_score_range(min, max);
      if (!r) {
        ctx.out.error(ds::kScoreRangeError);
        return false;
      }
      a->score = *r;
      return true;
    }
    case RangeType::kLex: {
      const auto r = ds::parse_lex_range(min, max);
      if (!r) {
        ctx.out.error(ds::kLexRangeError);
        return false;
      }
      a->lex = *r;
      return true;
    }
  }
  return false;
}

// The entries of the range in reply order, as views into z (valid until z changes). The buffer is
// reused between calls so a range allocates nothing in the steady state.
const std::vector<ds::ZSet::Entry>& collect(const ds::ZSet& z, const ZRangeArgs& a) {
  static thread_local std::vector<ds::ZSet::Entry> out;
  // Keep a small buffer for the next call, not the memory of one huge range.
  if (out.capacity() > 4096) {
    out = {};
  }
  out.clear();
  auto push = [](std::string_view m, double s) { out.push_back({m, s}); };
  if (a.type == RangeType::kRank) {
    if (const auto r = ds::normalize_rank_range(a.start, a.stop, z.size())) {
      out.reserve(r->second - r->first + 1);
      z.range_by_rank(r->first, r->second, a.reverse, push);
    }
    return out;
  }
  // A negative offset skips everything (Redis walks it off the end); a negative count means all.
  if (a.offset < 0) {
    return out;
  }
  const auto offset = static_cast<size_t>(a.offset);
  const size_t limit = a.limit < 0 ? ds::kNoLimit : static_cast<size_t>(a.limit);
  if (a.type == RangeType::kScore) {
    z.range_by_score(a.score, a.reverse, offset, limit, push);
  } else {
    z.range_by_lex(a.lex, a.reverse, offset, limit, push);
  }
  return out;
}

// Rank ranges know their size and are written as they are walked; score and lex ranges are collected
// first (Redis defers the length instead).
void reply_range(CommandContext& ctx, const ds::ZSet& z, const ZRangeArgs& a) {
  auto entry = [&](std::string_view m, double s) { reply_zset_entry(ctx, m, s, a.withscores); };
  if (a.type == RangeType::kRank) {
    const auto r = ds::normalize_rank_range(a.start, a.stop, z.size());
    reply_zset_entries_header(ctx, r ? r->second - r->first + 1 : 0, a.withscores);
    if (r) {
      z.range_by_rank(r->first, r->second, a.reverse, entry);
    }
    return;
  }
  const auto& v = collect(z, a);
  reply_zset_entries_header(ctx, v.size(), a.withscores);
  for (const auto& e : v) {
    entry(e.member, e.score);
  }
}

void zrange_generic(CommandContext& ctx, RangeType type, Direction dir) {
  ZRangeArgs a;
  if (!parse_zrange(ctx, 1, false, type, dir, &a)) {
    return;
  }
  if (const ds::ZSet* z = zset_or_reply(ctx, ctx.arg(1), false, [&] { ctx.out.array(0); })) {
    reply_range(ctx, *z, a);
  }
}

void cmd_zrange(CommandContext& ctx) {
  zrange_generic(ctx, RangeType::kAuto, Direction::kAuto);
}
void cmd_zrevrange(CommandContext& ctx) {
  zrange_generic(ctx, RangeType::kRank, Direction::kReverse);
}
void cmd_zrangebyscore(CommandContext& ctx) {
  zrange_generic(ctx, RangeType::kScore, Direction::kForward);
}
void cmd_zrevrangebyscore(CommandContext& ctx) {
  zrange_generic(ctx, RangeType::kScore, Direction::kReverse);
}
void cmd_zrangebylex(CommandContext& ctx) {
  zrange_generic(ctx, RangeType::kLex, Direction::kForward);
}
void cmd_zrevrangebylex(CommandContext& ctx) {
  zrange_generic(ctx, RangeType::kLex, Direction::kReverse);
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]: the result replaces dst (TTL
// dropped), or deletes it when empty. Like Redis it fills a listpack in reply order and converts when a
// limit is crossed: the history shows, as a -0 score added before the conversion reads back as 0.
void cmd_zrangestore(CommandContext& ctx) {
  ZRangeArgs a;
  if (!parse_zrange(ctx, 2, true, RangeType::kAuto, Direction::kAuto, &a)) {
    return;
  }
  bool wrong;
  Entry* e = find_zset(ctx, ctx.arg(2), &wrong);
  if (wrong) {
    return;
  }
  const std::string_view dst = ctx.arg(1);
  size_t n = 0;
  if (e != nullptr) {
    const auto& v = collect(e->value.zset_value(), a);
    n = v.size();
    if (n > 0) {
      const ds::ZSetLimits limits = zset_limits(ctx);
      ds::ZSet out;
      for (const auto& x : v) {
        out.add(x.member, x.score, {}, limits);
      }
      ctx.db().set(dst, Object::zset(std::move(out)));
      ctx.touched(dst);
    }
  }
  if (n == 0 && ctx.db().remove(dst)) {
    ctx.touched(dst);
  }
  ctx.out.integer(static_cast<int64_t>(n));
}

// ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max: the range is parsed before the key is
// looked up.
void zremrange_generic(CommandContext& ctx, RangeType type) {
  int64_t start = 0, stop = 0;
  std::optional<ds::ScoreRange> score;
  std::optional<ds::LexRange> lex;
  if (type == RangeType::kRank) {
    if (!parse_int(ctx, ctx.arg(2), &start) || !parse_int(ctx, ctx.arg(3), &stop)) {
      return;
    }
  } else if (type == RangeType::kScore) {
    if (!(score = ds::parse_score_range(ctx.arg(2), ctx.arg(3)))) {
      ctx.out.error(ds::kScoreRangeError);
      return;
    }
  } else if (!(lex = ds::parse_lex_range(ctx.arg(2), ctx.arg(3)))) {
    ctx.out.error(ds::kLexRangeError);
    return;
  }
  const std::string_view key = ctx.arg(1);
  ds::ZSet* zp = zset_or_reply(ctx, key, true, [&] { ctx.out.integer(0); });
  if (zp == nullptr) {
    return;
  }
  ds::ZSet& z = *zp;
  size_t deleted = 0;
  if (type == RangeType::kRank) {
    if (const auto r = ds::normalize_rank_range(start, stop, z.size())) {
      deleted = z.erase_rank_range(r->first, r->second);
    }
  } else if (type == RangeType::kScore) {
    deleted = z.erase_score_range(*score);
  } else {
    deleted = z.erase_lex_range(*lex);
  }
  if (deleted > 0) {
    drop_zset_if_empty(ctx, key, z);
    ctx.touched(key);
  }
  ctx.out.integer(static_cast<int64_t>(deleted));
}

void cmd_zremrangebyrank(CommandContext& ctx) {
  zremrange_generic(ctx, RangeType::kRank);
}
void cmd_zremrangebyscore(CommandContext& ctx) {
  zremrange_generic(ctx, RangeType::kScore);
}
void cmd_zremrangebylex(CommandContext& ctx) {
  zremrange_generic(ctx, RangeType::kLex);
}

}  // namespace

void register_zset_range(Registry& r) {
  r.add("zrange", cmd_zrange);
  r.add("zrangestore", cmd_zrangestore);
  r.add("zrevrange", cmd_zrevrange);
  r.add("zrangebyscore", cmd_zrangebyscore);
  r.add("zrevrangebyscore", cmd_zrevrangebyscore);
  r.add("zrangebylex", cmd_zrangebylex);
  r.add("zrevrangebylex", cmd_zrevrangebylex);
  r.add("zremrangebyrank", cmd_zremrangebyrank);
  r.add("zremrangebyscore", cmd_zremrangebyscore);
  r.add("zremrangebylex", cmd_zremrangebylex);
}

}  // namespace codis::server
