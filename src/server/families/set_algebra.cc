// Multi-key set algebra: SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE.
// Parsing and lookups (with Redis's order of errors: every key's type is checked before a missing key
// short-cuts the result) are apart from the operations, which only see the sets.
#include <algorithm>
#include <limits>

#include "server/encoding.h"
#include "server/families/set_util.h"

namespace codis::server {

namespace {

enum class SetOp { kInter, kUnion, kDiff };

// Looks up keys argv[first, first+n); a missing key is a null set. False after a WRONGTYPE reply.
bool collect_sets(CommandContext& ctx, size_t first, size_t n, std::vector<const SetValue*>* sets) {
  sets->clear();
  sets->reserve(n);
  for (size_t i = first; i < first + n; ++i) {
    bool wrong;
    const SetValue* s = find_set(ctx, ctx.arg(i), &wrong);
    if (wrong) {
      return false;
    }
    sets->push_back(s);
  }
  return true;
}

// The intersection's members (views into the smallest set), stopping after `limit` (0: no limit).
std::vector<std::string_view> intersect(std::vector<const SetValue*> sets, size_t limit) {
  std::vector<std::string_view> out;
  for (const SetValue* s : sets) {
    if (s == nullptr || s->empty()) {
      return out;
    }
  }
  // Smallest first: its members are the candidates, and a short set rejects early.
  std::sort(sets.begin(), sets.end(),
            [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  for (const std::string& m : *sets[0]) {
    bool all = true;
    for (size_t j = 1; j < sets.size() && all; ++j) {
      all = sets[j] == sets[0] || sets[j]->contains(m);
    }
    if (all) {
      out.push_back(m);
      if (limit != 0 && out.size() >= limit) {
        break;
      }
    }
  }
  return out;
}

// Union or difference (first minus the rest) as a new set.
SetValue union_or_diff(const std::vector<const SetValue*>& sets, SetOp op) {
  SetValue out;
  if (op == SetOp::kUnion) {
    for (const SetValue* s : sets) {
      if (s != nullptr) {
        out.insert(s->begin(), s->end());
      }
    }
    return out;
  }
  if (sets[0] == nullptr) {
    return out;
  }
  for (const std::string& m : *sets[0]) {
    bool elsewhere = false;
    for (size_t j = 1; j < sets.size() && !elsewhere; ++j) {
      // A key named twice subtracts everything from itself, as in Redis.
      elsewhere = sets[j] != nullptr && sets[j]->contains(m);
    }
    if (!elsewhere) {
      out.insert(m);
    }
  }
  return out;
}

// Stores result at dst (replacing any value and its TTL), or deletes dst when the result is empty;
// replies the result's size.
void store_result(CommandContext& ctx, std::string_view dst, SetValue result) {
  const auto n = static_cast<int64_t>(result.size());
  if (n == 0) {
    if (ctx.db().find(dst, ctx.now_ms) != nullptr && ctx.db().remove(dst)) {
      ctx.touched(dst);
    }
  } else {
    auto value = Object::set();
    value.set_value() = std::move(result);
    // Redis fills a new intset member by member, converting it for good on the first non-integer member
    // or past set-max-intset-entries: a later SREM of that member leaves it "hashtable".
    settle_encoding(value, ctx.server.config());
    ctx.db().set(dst, std::move(value));
    ctx.touched(dst);
  }
  ctx.out.integer(n);
}

void cmd_sinter(CommandContext& ctx) {
  std::vector<const SetValue*> sets;
  if (!collect_sets(ctx, 1, ctx.argc() - 1, &sets)) {
    return;
  }
  reply_member_set(ctx, intersect(std::move(sets), 0));
}

void cmd_sinterstore(CommandContext& ctx) {
  std::vector<const SetValue*> sets;
  if (!collect_sets(ctx, 2, ctx.argc() - 2, &sets)) {
    return;
  }
  SetValue result;
  for (std::string_view m : intersect(std::move(sets), 0)) {
    result.emplace(m);
  }
  store_result(ctx, ctx.arg(1), std::move(result));
}

// SINTERCARD numkeys key [key ...] [LIMIT limit], with Redis 7.0's error texts: a numkeys that is not a
// positive integer is "should be greater than 0", an unparsable LIMIT "can't be negative"; LIMIT may be
// repeated (the last wins).
void cmd_sintercard(CommandContext& ctx) {
  int64_t numkeys;
  if (!resp::parse_ll(ctx.arg(1), &numkeys) || numkeys <= 0) {
    ctx.out.error("ERR numkeys should be greater than 0");
    return;
  }
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - 2) {
    ctx.out.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  const size_t n = static_cast<size_t>(numkeys);
  int64_t limit = 0;
  for (size_t i = 2 + n; i < ctx.argc(); i += 2) {
    if (!iequals(ctx.arg(i), "limit") || i + 1 >= ctx.argc()) {
      ctx.out.error(err::kSyntax);
      return;
    }
    if (!resp::parse_ll(ctx.arg(i + 1), &limit) || limit < 0) {
      ctx.out.error("ERR LIMIT can't be negative");
      return;
    }
  }
  std::vector<const SetValue*> sets;
  if (!collect_sets(ctx, 2, n, &sets)) {
    return;
  }
  ctx.out.integer(static_cast<int64_t>(intersect(std::move(sets), static_cast<size_t>(limit)).size()));
}

void union_diff_reply(CommandContext& ctx, SetOp op) {
  std::vector<const SetValue*> sets;
  if (!collect_sets(ctx, 1, ctx.argc() - 1, &sets)) {
    return;
  }
  // Redis collects the result in a new set: ascending when it stayed an intset.
  SetValue result = union_or_diff(sets, op);
  if (set_encoding(result, ctx.server.config()) == "intset") {
    result.keep_order();
  }
  reply_member_set(ctx, result);
}

void union_diff_store(CommandContext& ctx, SetOp op) {
  std::vector<const SetValue*> sets;
  if (!collect_sets(ctx, 2, ctx.argc() - 2, &sets)) {
    return;
  }
  store_result(ctx, ctx.arg(1), union_or_diff(sets, op));
}

void cmd_sunion(CommandContext& ctx) {
  union_diff_reply(ctx, SetOp::kUnion);
}
void cmd_sdiff(CommandContext& ctx) {
  union_diff_reply(ctx, SetOp::kDiff);
}
void cmd_sunionstore(CommandContext& ctx) {
  union_diff_store(ctx, SetOp::kUnion);
}
void cmd_sdiffstore(CommandContext& ctx) {
  union_diff_store(ctx, SetOp::kDiff);
}

}  // namespace

void register_set_algebra(Registry& r) {
  r.add("sinter", cmd_sinter);
  r.add("sintercard", cmd_sintercard);
  r.add("sinterstore", cmd_sinterstore);
  r.add("sunion", cmd_sunion);
  r.add("sunionstore", cmd_sunionstore);
  r.add("sdiff", cmd_sdiff);
  r.add("sdiffstore", cmd_sdiffstore);
}

}  // namespace codis::server
