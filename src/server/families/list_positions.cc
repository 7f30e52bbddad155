// List commands that address positions or elements inside a list: LLEN, LRANGE, LINDEX, LSET, LINSERT,
// LREM, LTRIM, LPOS. As in t_list.c, some parse their numbers before looking the key up and some after;
// the order decides which reply a bad call gets, so each handler keeps Redis's.
#include <vector>

#include "server/families/list_cmds.h"
#include "server/families/util.h"

namespace codis::server {

namespace {

// LLEN key
void cmd_llen(CommandContext& ctx) {
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kList, &wrong);
  if (wrong) {
    return;
  }
  ctx.out.integer(e == nullptr ? 0 : static_cast<int64_t>(e->value.list_value().size()));
}

// LRANGE key start stop
void cmd_lrange(CommandContext& ctx) {
  int64_t start, end;
  if (!parse_int(ctx, ctx.arg(2), &start) || !parse_int(ctx, ctx.arg(3), &end)) {
    return;
  }
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kList, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.array(0);
    return;
  }
  const ListValue& l = e->value.list_value();
  if (!listops::clamp_range(static_cast<int64_t>(l.size()), &start, &end)) {
    ctx.out.array(0);
    return;
  }
  ctx.out.array(static_cast<size_t>(end - start + 1));
  for (auto it = l.begin() + start, last = l.begin() + end; it <= last; ++it) {
    ctx.out.bulk(*it);
  }
}

// LINDEX key index
void cmd_lindex(CommandContext& ctx) {
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kList, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.null();
    return;
  }
  int64_t index;
  if (!parse_int(ctx, ctx.arg(2), &index)) {
    return;
  }
  const ListValue& l = e->value.list_value();
  const int64_t at = listops::resolve_index(index, static_cast<int64_t>(l.size()));
  if (at < 0) {
    ctx.out.null();
  } else {
    ctx.out.bulk(l[static_cast<size_t>(at)]);
  }
}

// LSET key index element
void cmd_lset(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong;
  Entry* e = find_list_for_write(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.error(err::kNoSuchKey);
    return;
  }
  int64_t index;
  if (!parse_int(ctx, ctx.arg(2), &index)) {
    return;
  }
  ListValue& l = e->value.list_value();
  const int64_t at = listops::resolve_index(index, static_cast<int64_t>(l.size()));
  if (at < 0) {
    ctx.out.error(err::kOutOfRange);
    return;
  }
  l[static_cast<size_t>(at)] = ctx.arg(3);
  ctx.touched(key);
  ctx.out.ok();
}

// LINSERT key BEFORE|AFTER pivot element
void cmd_linsert(CommandContext& ctx) {
  bool after;
  if (iequals(ctx.arg(2), "after")) {
    after = true;
  } else if (iequals(ctx.arg(2), "before")) {
    after = false;
  } else {
    ctx.out.error(err::kSyntax);
    return;
  }
  std::string_view key = ctx.arg(1);
  bool wrong;
  Entry* e = find_list_for_write(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.integer(0);
    return;
  }
  ListValue& l = e->value.list_value();
  if (!listops::insert(l, ctx.arg(3), ctx.arg(4), after)) {
    ctx.out.integer(-1);
    return;
  }
  ctx.touched(key);
  ctx.out.integer(static_cast<int64_t>(l.size()));
}

// LREM key count element
void cmd_lrem(CommandContext& ctx) {
  int64_t count;
  if (!parse_int(ctx, ctx.arg(2), &count)) {
    return;
  }
  std::string_view key = ctx.arg(1);
  bool wrong;
  Entry* e = find_list_for_write(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.integer(0);
    return;
  }
  ListValue& l = e->value.list_value();
  const int64_t removed = listops::remove(l, ctx.arg(3), count);
  if (removed > 0) {
    drop_if_empty(ctx, key, l);
    ctx.touched(key);
  }
  ctx.out.integer(removed);
}

// LTRIM key start stop
void cmd_ltrim(CommandContext& ctx) {
  int64_t start, end;
  if (!parse_int(ctx, ctx.arg(2), &start) || !parse_int(ctx, ctx.arg(3), &end)) {
    return;
  }
  std::string_view key = ctx.arg(1);
  bool wrong;
  Entry* e = find_list_for_write(ctx, key, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.ok();
    return;
  }
  ListValue& l = e->value.list_value();
  listops::trim(l, start, end);
  drop_if_empty(ctx, key, l);
  ctx.touched(key);  // Redis signals the key even when nothing was trimmed
  ctx.out.ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void cmd_lpos(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;  // count -1: no COUNT option
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    const bool more = i + 1 < ctx.argc();
    if (iequals(opt, "rank") && more) {
      if (!parse_int(ctx, ctx.arg(++i), &rank)) {
        return;
      }
      if (rank == 0) {
        ctx.out.error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
            "negative to start from the end of the list");
        return;
      }
    } else if (iequals(opt, "count") && more) {
      // Redis parses it with the range check's message, so a non-number gets this text too.
      if (!resp::parse_ll(ctx.arg(++i), &count) || count < 0) {
        ctx.out.error("ERR COUNT can't be negative");
        return;
      }
    } else if (iequals(opt, "maxlen") && more) {
      // Redis parses it with the range check's message, so a non-number gets this text too.
      if (!resp::parse_ll(ctx.arg(++i), &maxlen) || maxlen < 0) {
        ctx.out.error("ERR MAXLEN can't be negative");
        return;
      }
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kList, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    count != -1 ? ctx.out.array(0) : ctx.out.null();
    return;
  }
  const ListValue& l = e->value.list_value();
  if (count == -1) {
    int64_t found = -1;
    listops::find_positions(l, ctx.arg(2), rank, 1, maxlen, [&](int64_t idx) { found = idx; });
    found < 0 ? ctx.out.null() : ctx.out.integer(found);
    return;
  }
  // Redis's `-rank` on LONG_MIN leaves a rank no match count can reach, so COUNT never stops the scan.
  if (rank == INT64_MIN) {
    count = 0;
  }
  // The reply's length is known only after the scan (Redis defers it the same way); matches are few
  // compared with the list, so collect them first.
  std::vector<int64_t> found;
  listops::find_positions(l, ctx.arg(2), rank, count, maxlen, [&](int64_t idx) { found.push_back(idx); });
  ctx.out.array(found.size());
  for (int64_t idx : found) {
    ctx.out.integer(idx);
  }
}

}  // namespace

void register_list_position_commands(Registry& r) {
  r.add("llen", cmd_llen);
  r.add("lrange", cmd_lrange);
  r.add("lindex", cmd_lindex);
  r.add("lset", cmd_lset);
  r.add("linsert", cmd_linsert);
  r.add("lrem", cmd_lrem);
  r.add("ltrim", cmd_ltrim);
  r.add("lpos", cmd_lpos);
}

}  // namespace codis::server
