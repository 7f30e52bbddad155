// The blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. Each first tries what its
// non-blocking twin does; with nothing to pop it blocks on its keys (Server::block) and is run again when a
// push makes one ready, or answers a null on timeout. Inside MULTI it answers the null at once.
#include "server/families/blocking.h"
#include "server/families/list_cmds.h"
#include "server/families/util.h"

namespace codis::server {

using listops::End;

namespace {

void block_or_null(CommandContext& ctx, std::span<const std::string_view> keys, int64_t timeout_ms,
                   bool null_array) {
  if (!ctx.server.can_block(ctx.client)) {
    null_array ? ctx.out.null_array() : ctx.out.null();
    return;
  }
  // A timeout answers a null array for every list command (Redis 7.0), BLMOVE included; only the
  // at-once answer inside MULTI follows the command's own reply type.
  ctx.server.block(ctx, keys, timeout_ms, static_cast<uint8_t>(ObjType::kList), true);
}

// BLPOP/BRPOP key [key ...] timeout
void bpop(CommandContext& ctx, End from) {
  int64_t timeout;
  if (!parse_block_timeout(ctx, ctx.arg(ctx.argc() - 1), &timeout)) {
    return;
  }
  // The planted bug server-multikey-wrong-order (codis-sim --bug) tries the keys last to first.
  const bool backwards = ctx.server.env().exec.planted("server-multikey-wrong-order");
  for (size_t j = 1; j + 1 < ctx.argc(); ++j) {
    const size_t i = backwards ? ctx.argc() - 1 - j : j;
    std::string_view key = ctx.arg(i);
    if (!ctx.may_serve_from(key)) {
      continue;
    }
    bool wrong;
    Entry* e = find_list_for_write(ctx, key, &wrong);
    if (wrong) {
      return;
    }
    if (e == nullptr || e->value.list_value().empty()) {
      continue;
    }
    ListValue& l = e->value.list_value();
    ctx.out.array(2);
    ctx.out.bulk(key);
    ctx.out.bulk(listops::pop(l, from));
    drop_if_empty(ctx, key, l);
    ctx.touched(key);
    return;
  }
  block_or_null(ctx, ctx.argv.subspan(1, ctx.argc() - 2), timeout, true);
}

void cmd_blpop(CommandContext& ctx) {
  bpop(ctx, End::kHead);
}
void cmd_brpop(CommandContext& ctx) {
  bpop(ctx, End::kTail);
}

void bmove(CommandContext& ctx, End from, End to, std::string_view timeout_arg) {
  int64_t timeout;
  if (!parse_block_timeout(ctx, timeout_arg, &timeout)) {
    return;
  }
  bool wrong;
  Entry* e = find_list_for_write(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    block_or_null(ctx, ctx.argv.subspan(1, 1), timeout, false);
    return;
  }
  list_move(ctx, from, to);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
void cmd_blmove(CommandContext& ctx) {
  End from, to;
  if (!listops::parse_end(ctx.arg(3), &from) || !listops::parse_end(ctx.arg(4), &to)) {
    ctx.out.error(err::kSyntax);
    return;
  }
  bmove(ctx, from, to, ctx.arg(5));
}

// BRPOPLPUSH source destination timeout
void cmd_brpoplpush(CommandContext& ctx) {
  bmove(ctx, End::kTail, End::kHead, ctx.arg(3));
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
void cmd_blmpop(CommandContext& ctx) {
  MpopArgs a;
  if (!parse_mpop(ctx, 2, &a)) {
    return;
  }
  int64_t timeout;
  if (!parse_block_timeout(ctx, ctx.arg(1), &timeout)) {
    return;
  }
  bool replied;
  mpop_try(ctx, a, &replied);
  if (!replied) {
    block_or_null(ctx, ctx.argv.subspan(a.first_key, a.numkeys), timeout, true);
  }
}

}  // namespace

void register_list_blocking_commands(Registry& r) {
  r.add("blpop", cmd_blpop);
  r.add("brpop", cmd_brpop);
  r.add("blmove", cmd_blmove);
  r.add("brpoplpush", cmd_brpoplpush);
  r.add("blmpop", cmd_blmpop);
}

}  // namespace codis::server
