// Sorted-set algebra: ZUNION, ZINTER, ZDIFF, their *STORE forms, and ZINTERCARD. Plain sets are accepted
// as inputs with every score 1, as in Redis. Scores follow zunionInterAggregate: weight times score (NaN
// becomes 0), SUM turning inf + -inf into 0, MIN/MAX keeping the first on ties. Intersections walk the
// smallest input and probe the others (inputs ordered by size, a stable sort as glibc's qsort is).
#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/families/util.h"
#include "server/families/zset_cmds.h"

namespace codis::server {

namespace {

enum class SetOp : uint8_t { kUnion, kInter, kDiff };
enum class Aggregate : uint8_t { kSum, kMin, kMax };

struct Source {
  const ds::ZSet* zset = nullptr;  // at most one of zset / set; neither for a missing key
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  const void* subject() const { return zset ? static_cast<const void*>(zset) : set; }
  std::optional<double> find(std::string_view m) const {
    if (zset) return zset->score(m);
    if (set && set->find(m) != set->end()) return 1.0;
    return std::nullopt;
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    if (zset) {
      zset->for_each(fn);
    } else if (set) {
      for (const std::string& m : *set) fn(std::string_view(m), 1.0);
    }
  }
};

struct AlgebraArgs {
  SetOp op = SetOp::kUnion;
  Aggregate aggregate = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;  // ZINTERCARD; 0 = none
  std::vector<Source> sources;
};

void aggregate_into(double* target, double v, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += v;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = v < *target ? v : *target;
      break;
    case Aggregate::kMax:
      *target = v > *target ? v : *target;
      break;
  }
}

double weighted(double score, double weight) {
  const double v = score * weight;
  return std::isnan(v) ? 0 : v;
}

// numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] | [LIMIT n] from argv[first]:
// numkeys, then the keys (WRONGTYPE before any option error), then the options, as Redis orders them.
bool parse_algebra(CommandContext& ctx, size_t first, bool store, bool card_only, AlgebraArgs* a) {
  int64_t setnum;
  if (!parse_int(ctx, ctx.arg(first), &setnum)) {
    return false;
  }
  if (setnum < 1) {
    ctx.out.error("ERR at least 1 input key is needed for '" + std::string(ctx.spec.name) + "' command");
    return false;
  }
  if (static_cast<uint64_t>(setnum) > ctx.argc() - first - 1) {
    ctx.out.error(err::kSyntax);
    return false;
  }
  const auto n = static_cast<size_t>(setnum);
  a->sources.resize(n);
  size_t j = first + 1;
  for (size_t i = 0; i < n; ++i, ++j) {
    Entry* e = ctx.db().find(ctx.arg(j), ctx.now_ms);
    if (e == nullptr) {
      ++ctx.server.stats().keyspace_misses;
      continue;
    }
    ++ctx.server.stats().keyspace_hits;
    if (e->value.is(ObjType::kZSet)) {
      a->sources[i].zset = &e->value.zset_value();
    } else if (e->value.is(ObjType::kSet)) {
      a->sources[i].set = &e->value.set_value();
    } else {
      ctx.out.error(err::kWrongType);
      return false;
    }
  }
  const bool weighted_op = a->op != SetOp::kDiff && !card_only;
  while (j < ctx.argc()) {
    const size_t remaining = ctx.argc() - j;
    const std::string_view opt = ctx.arg(j);
    if (weighted_op && remaining >= n + 1 && iequals(opt, "weights")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j) {
        if (!parse_score(ctx.arg(j), &a->sources[i].weight)) {
          ctx.out.error("ERR weight value is not a float");
          return false;
        }
      }
    } else if (weighted_op && remaining >= 2 && iequals(opt, "aggregate")) {
      const std::string_view v = ctx.arg(j + 1);
      if (iequals(v, "sum")) {
        a->aggregate = Aggregate::kSum;
      } else if (iequals(v, "min")) {
        a->aggregate = Aggregate::kMin;
      } else if (iequals(v, "max")) {
        a->aggregate = Aggregate::kMax;
      } else {
        ctx.out.error(err::kSyntax);
        return false;
      }
      j += 2;
    } else if (!store && !card_only && iequals(opt, "withscores")) {
      a->withscores = true;
      ++j;
    } else if (card_only && remaining >= 2 && iequals(opt, "limit")) {
      if (!resp::parse_ll(ctx.arg(j + 1), &a->limit) || a->limit < 0) {
        ctx.out.error("ERR LIMIT can't be negative");
        return false;
      }
      j += 2;
    } else {
      ctx.out.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

using Result = std::vector<ds::ZSet::Entry>;

// ZINTER: members of the smallest input found in every other. Returns the cardinality when card_only
// (stopping at limit) without filling out.
size_t inter(const std::vector<Source>& src, Aggregate agg, bool card_only, int64_t limit, Result* out) {
  if (src[0].size() == 0) {
    return 0;
  }
  size_t card = 0;
  bool done = false;
  src[0].for_each([&](std::string_view m, double s) {
    if (done) return;
    double score = weighted(s, src[0].weight);
    size_t j = 1;
    for (; j < src.size(); ++j) {
      double v;
      if (src[j].subject() == src[0].subject()) {
        v = s * src[j].weight;
      } else if (const auto f = src[j].find(m)) {
        v = *f * src[j].weight;
      } else {
        break;
      }
      aggregate_into(&score, v, agg);
    }
    if (j < src.size()) return;
    ++card;
    if (card_only) {
      done = limit > 0 && card >= static_cast<size_t>(limit);
    } else {
      out->push_back({m, score});
    }
  });
  return card;
}

void union_of(const std::vector<Source>& src, Aggregate agg, Result* out) {
  absl::flat_hash_map<std::string_view, double> acc;
  acc.reserve(src.back().size());
  for (const Source& s : src) {
    s.for_each([&](std::string_view m, double score) {
      const double v = weighted(score, s.weight);
      auto [it, added] = acc.try_emplace(m, v);
      if (!added) aggregate_into(&it->second, v, agg);
    });
  }
  out->reserve(acc.size());
  for (const auto& [m, score] : acc) {
    out->push_back({m, score});
  }
}

// ZDIFF: members of the first input in none of the others, with their first-input scores.
void diff(const std::vector<Source>& src, Result* out) {
  for (size_t j = 1; j < src.size(); ++j) {
    if (src[j].subject() != nullptr && src[j].subject() == src[0].subject()) return;
  }
  src[0].for_each([&](std::string_view m, double s) {
    for (size_t j = 1; j < src.size(); ++j) {
      if (src[j].find(m)) return;
    }
    out->push_back({m, s});
  });
}

void algebra_generic(CommandContext& ctx, SetOp op, bool store, bool card_only) {
  AlgebraArgs a;
  a.op = op;
  if (!parse_algebra(ctx, store ? 2 : 1, store, card_only, &a)) {
    return;
  }
  if (op != SetOp::kDiff) {
    std::stable_sort(a.sources.begin(), a.sources.end(),
                     [](const Source& x, const Source& y) { return x.size() < y.size(); });
  }
  Result result;
  switch (op) {
    case SetOp::kInter: {
      const size_t card = inter(a.sources, a.aggregate, card_only, a.limit, &result);
      if (card_only) {
        ctx.out.integer(static_cast<int64_t>(card));
        return;
      }
      break;
    }
    case SetOp::kUnion:
      union_of(a.sources, a.aggregate, &result);
      break;
    case SetOp::kDiff:
      diff(a.sources, &result);
      break;
  }
  std::sort(result.begin(), result.end(), [](const ds::ZSet::Entry& x, const ds::ZSet::Entry& y) {
    return x.score < y.score || (x.score == y.score && x.member < y.member);
  });
  if (store) {
    const std::string_view dst = ctx.arg(1);
    if (result.empty()) {
      if (ctx.db().remove(dst)) {
        ctx.touched(dst);
      }
      ctx.out.integer(0);
      return;
    }
    size_t max_len = 0;
    for (const auto& x : result) {
      max_len = std::max(max_len, x.member.size());
    }
    const ds::ZSetLimits limits = zset_limits(ctx);
    ds::ZSet z = ds::ZSet::for_size(limits, result.size(), max_len);
    for (const auto& x : result) {
      z.add(x.member, x.score, {}, limits);
    }
    ctx.db().set(dst, Object::zset(std::move(z)));
    ctx.touched(dst);
    ctx.out.integer(static_cast<int64_t>(result.size()));
    return;
  }
  reply_zset_entries_header(ctx, result.size(), a.withscores);
  for (const auto& x : result) {
    reply_zset_entry(ctx, x.member, x.score, a.withscores);
  }
}

void cmd_zunion(CommandContext& ctx) {
  algebra_generic(ctx, SetOp::kUnion, false, false);
}
void cmd_zinter(CommandContext& ctx) {
  algebra_generic(ctx, SetOp::kInter, false, false);
}
void cmd_zdiff(CommandContext& ctx) {
  algebra_generic(ctx, SetOp::kDiff, false, false);
}
void cmd_zunionstore(CommandContext& ctx) {
  algebra_generic(ctx, SetOp::kUnion, true, false);
}
void cmd_zinterstore(CommandContext& ctx) {
  algebra_generic(ctx, SetOp::kInter, true, false);
}
void cmd_zdiffstore(CommandContext& ctx) {
  algebra_generic(ctx, SetOp::kDiff, true, false);
}
void cmd_zintercard(CommandContext& ctx) {
  algebra_generic(ctx, SetOp::kInter, false, true);
}

}  // namespace

void register_zset_algebra(Registry& r) {
  r.add("zunion", cmd_zunion);
  r.add("zinter", cmd_zinter);
  r.add("zdiff", cmd_zdiff);
  r.add("zunionstore", cmd_zunionstore);
  r.add("zinterstore", cmd_zinterstore);
  r.add("zdiffstore", cmd_zdiffstore);
  r.add("zintercard", cmd_zintercard);
}

}  // namespace codis::server
