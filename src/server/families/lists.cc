// List commands that add and remove at the ends: pushes, pops (with COUNT), LMOVE/RPOPLPUSH and LMPOP.
// The commands that address positions (LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS) are in
// list_positions.cc; the storage operations both use are in list_ops.h. Checks run in the order
// t_list.c runs them, so a command with several faults reports the same one Redis reports.
#include <algorithm>

#include "server/families/list_cmds.h"
#include "server/families/list_ops.h"
#include "server/families/util.h"

namespace codis::server {

using listops::End;

Entry* find_list_for_write(CommandContext& ctx, std::string_view key, bool* wrong) {
  *wrong = false;
  Entry* e = ctx.db().find(key, ctx.now_ms);
  if (e != nullptr && !e->value.is(ObjType::kList)) {
    *wrong = true;
    ctx.out.error(err::kWrongType);
    return nullptr;
  }
  return e;
}

void drop_if_empty(CommandContext& ctx, std::string_view key, const ListValue& l) {
  if (l.empty()) {
    ctx.db().remove(key);
  }
}

// LMOVE's work once the ends are parsed (RPOPLPUSH is LMOVE src dst RIGHT LEFT).
void list_move(CommandContext& ctx, End from, End to) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  bool wrong;
  Entry* s = find_list_for_write(ctx, src, &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    ctx.out.null();
    return;
  }
  Entry* d = find_list_for_write(ctx, dst, &wrong);
  if (wrong) {
    return;
  }
  ListValue& sl = s->value.list_value();
  // Popped before the destination is created; with src == dst the element goes back into the same list
  // (a rotation), which Redis gets by deleting an empty source only after the push.
  std::string v = listops::pop(sl, from);
  if (d == nullptr) {
    d = &ctx.db().set(dst, Object::list());
  }
  ctx.out.bulk(v);
  listops::push(d->value.list_value(), std::move(v), to);
  ctx.touched(dst);
  drop_if_empty(ctx, src, sl);
  ctx.touched(src);
}

namespace {

// LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...]
void push_common(CommandContext& ctx, End at, bool only_existing) {
  std::string_view key = ctx.arg(1);
  bool wrong;
  Entry* e = find_list_for_write(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    if (only_existing) {
      ctx.out.integer(0);
      return;
    }
    e = &ctx.db().set(key, Object::list());
  }
  ListValue& l = e->value.list_value();
  for (size_t i = 2; i < ctx.argc(); ++i) {
    listops::push(l, ctx.arg(i), at);
  }
  ctx.touched(key);
  ctx.out.integer(static_cast<int64_t>(l.size()));
}

void cmd_lpush(CommandContext& ctx) {
  push_common(ctx, End::kHead, false);
}
void cmd_rpush(CommandContext& ctx) {
  push_common(ctx, End::kTail, false);
}
void cmd_lpushx(CommandContext& ctx) {
  push_common(ctx, End::kHead, true);
}
void cmd_rpushx(CommandContext& ctx) {
  push_common(ctx, End::kTail, true);
}

// Pops up to count elements from one end as an array (LPOP with COUNT, LMPOP), deleting the key when
// the list empties.
void pop_range_reply(CommandContext& ctx, std::string_view key, ListValue& l, End from, int64_t count) {
  const size_t n = std::min(l.size(), static_cast<size_t>(count));
  ctx.out.array(n);
  for (size_t i = 0; i < n; ++i) {
    ctx.out.bulk(from == End::kHead ? l.front() : l.back());
    if (from == End::kHead) {
      l.pop_front();
    } else {
      l.pop_back();
    }
  }
  drop_if_empty(ctx, key, l);
  ctx.touched(key);
}

// LPOP/RPOP key [count]
void pop_common(CommandContext& ctx, End from) {
  const bool has_count = ctx.argc() == 3;
  int64_t count = 0;
  if (ctx.argc() > 3) {
    ctx.out.error("ERR wrong number of arguments for '" + std::string(ctx.spec.name) + "' command");
    return;
  }
  if (has_count && (!resp::parse_ll(ctx.arg(2), &count) || count < 0)) {
    ctx.out.error("ERR value is out of range, must be positive");
    return;
  }
  std::string_view key = ctx.arg(1);
  bool wrong;
  Entry* e = find_list_for_write(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    has_count ? ctx.out.null_array() : ctx.out.null();
    return;
  }
  ListValue& l = e->value.list_value();
  if (has_count) {
    if (count == 0) {
      ctx.out.array(0);  // Redis's fast exit: nothing changes, nothing is signalled
      return;
    }
    pop_range_reply(ctx, key, l, from, count);
    return;
  }
  ctx.out.bulk(listops::pop(l, from));
  drop_if_empty(ctx, key, l);
  ctx.touched(key);
}

void cmd_lpop(CommandContext& ctx) {
  pop_common(ctx, End::kHead);
}
void cmd_rpop(CommandContext& ctx) {
  pop_common(ctx, End::kTail);
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
void cmd_lmove(CommandContext& ctx) {
  End from, to;
  if (!listops::parse_end(ctx.arg(3), &from) || !listops::parse_end(ctx.arg(4), &to)) {
    ctx.out.error(err::kSyntax);
    return;
  }
  list_move(ctx, from, to);
}

// RPOPLPUSH source destination
void cmd_rpoplpush(CommandContext& ctx) {
  list_move(ctx, End::kTail, End::kHead);
}

}  // namespace

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: argv[first] is numkeys (BLMPOP reuses this with
// first = 2). Replies after the checks; false when it replied with an error.
bool parse_mpop(CommandContext& ctx, size_t first, MpopArgs* a) {
  int64_t numkeys;
  if (!resp::parse_ll(ctx.arg(first), &numkeys) || numkeys < 1) {
    ctx.out.error("ERR numkeys should be greater than 0");
    return false;
  }
  // The direction must follow the keys; comparing counts avoids Redis's overflow on huge numkeys.
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - first - 1) {
    ctx.out.error(err::kSyntax);
    return false;
  }
  const size_t where = first + 1 + static_cast<size_t>(numkeys);
  if (!listops::parse_end(ctx.arg(where), &a->from)) {
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

bool mpop_try(CommandContext& ctx, const MpopArgs& a, bool* replied) {
  *replied = false;
  for (size_t i = 0; i < a.numkeys; ++i) {
    std::string_view key = ctx.arg(a.first_key + i);
    if (!ctx.may_serve_from(key)) {
      continue;
    }
    bool wrong;
    Entry* e = find_list_for_write(ctx, key, &wrong);
    if (wrong) {
      *replied = true;
      return false;
    }
    if (e == nullptr || e->value.list_value().empty()) {
      continue;
    }
    ctx.out.array(2);
    ctx.out.bulk(key);
    pop_range_reply(ctx, key, e->value.list_value(), a.from, a.count);
    *replied = true;
    return true;
  }
  return false;
}

namespace {

void cmd_lmpop(CommandContext& ctx) {
  MpopArgs a;
  if (!parse_mpop(ctx, 1, &a)) {
    return;
  }
  bool replied;
  mpop_try(ctx, a, &replied);
  if (!replied) {
    ctx.out.null_array();
  }
}

}  // namespace

void register_list_family(Registry& r) {
  r.add("lpush", cmd_lpush);
  r.add("rpush", cmd_rpush);
  r.add("lpushx", cmd_lpushx);
  r.add("rpushx", cmd_rpushx);
  r.add("lpop", cmd_lpop);
  r.add("rpop", cmd_rpop);
  r.add("lmove", cmd_lmove);
  r.add("rpoplpush", cmd_rpoplpush);
  r.add("lmpop", cmd_lmpop);
  register_list_position_commands(r);
  register_list_blocking_commands(r);
}

}  // namespace codis::server
