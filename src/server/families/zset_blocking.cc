// The blocking sorted-set pops: BZPOPMIN, BZPOPMAX, BZMPOP. Each tries what ZPOPMIN/ZMPOP do; with every
// key missing it blocks on them (Server::block) and runs again when a write makes one ready, or answers a
// null array on timeout. Inside MULTI it answers the null at once.
#include "server/families/blocking.h"
#include "server/families/util.h"
#include "server/families/zset_cmds.h"

namespace codis::server {

namespace {

void block_or_null(CommandContext& ctx, const ZPopArgs& a, int64_t timeout_ms) {
  if (!ctx.server.can_block(ctx.client)) {
    ctx.out.null_array();
    return;
  }
  ctx.server.block(ctx, ctx.argv.subspan(a.first_key, a.numkeys), timeout_ms,
                   static_cast<uint8_t>(ObjType::kZSet), true);
}

// BZPOPMIN/BZPOPMAX key [key ...] timeout: the timeout is read before any key, as Redis does.
void bzpop(CommandContext& ctx, bool max) {
  int64_t timeout;
  if (!parse_block_timeout(ctx, ctx.arg(ctx.argc() - 1), &timeout)) {
    return;
  }
  ZPopArgs a;
  a.first_key = 1;
  a.numkeys = ctx.argc() - 2;
  // The planted bug server-bzpop-wrong-end (codis-sim --bug) pops from the other end.
  a.max = max != ctx.server.env().exec.planted("server-bzpop-wrong-end");
  a.count = 1;
  bool replied;
  zset_pop_try(ctx, a, ZPopReply::kKeyFlat, &replied);
  if (!replied) {
    block_or_null(ctx, a, timeout);
  }
}

void cmd_bzpopmin(CommandContext& ctx) {
  bzpop(ctx, false);
}
void cmd_bzpopmax(CommandContext& ctx) {
  bzpop(ctx, true);
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void cmd_bzmpop(CommandContext& ctx) {
  ZPopArgs a;
  if (!parse_zmpop(ctx, 2, &a)) {
    return;
  }
  int64_t timeout;
  if (!parse_block_timeout(ctx, ctx.arg(1), &timeout)) {
    return;
  }
  bool replied;
  zset_pop_try(ctx, a, ZPopReply::kMpop, &replied);
  if (!replied) {
    block_or_null(ctx, a, timeout);
  }
}

}  // namespace

void register_zset_blocking(Registry& r) {
  r.add("bzpopmin", cmd_bzpopmin);
  r.add("bzpopmax", cmd_bzpopmax);
  r.add("bzmpop", cmd_bzmpop);
}

}  // namespace codis::server
