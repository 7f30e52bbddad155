// OBJECT ENCODING/FREQ/IDLETIME/REFCOUNT/HELP (Redis 7.0 object.c objectCommand).

#include "server/encoding.h"
#include "server/families/intro_util.h"
#include "server/families/util.h"
#include "server/lfu.h"

namespace codis::server {

namespace {

// objectCommandLookupOrReply: a missing key answers null. LOOKUP_NOTOUCH: the access clock stays as it
// was, though an expired key is still deleted.
const Entry* object_lookup(CommandContext& ctx) {
  const Entry* e = ctx.db().find(ctx.arg(2), ctx.now_ms, Db::Touch::kNo);
  if (e == nullptr) {
    ++ctx.server.stats().keyspace_misses;
    ctx.out.null();
    return nullptr;
  }
  ++ctx.server.stats().keyspace_hits;
  return e;
}

void cmd_object_encoding(CommandContext& ctx) {
  if (const Entry* e = object_lookup(ctx)) {
    ctx.out.bulk(object_encoding(e->value, ctx.server.config()));
  }
}

void cmd_object_refcount(CommandContext& ctx) {
  const Entry* e = object_lookup(ctx);
  if (e == nullptr) {
    return;
  }
  ctx.out.integer(object_refcount(e->value, ctx.server.config()));
}

// Seconds since the key was last accessed (Entry::lru, unix seconds; 0 when never recorded); not tracked
// under an *-lfu policy.
void cmd_object_idletime(CommandContext& ctx) {
  if (const Entry* e = object_lookup(ctx)) {
    if (is_lfu(ctx.server.config().maxmemory_policy)) {
      ctx.out.error(
          "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
          "between policies at runtime LRU and LFU data will take some time to adjust.");
      return;
    }
    const int64_t now_s = ctx.now_ms / 1000;
    ctx.out.integer(e->lru == 0 ? 0 : std::max<int64_t>(0, now_s - static_cast<int64_t>(e->lru)));
  }
}

// The LFU counter after its decay (lfu.h), tracked only under an *-lfu policy.
void cmd_object_freq(CommandContext& ctx) {
  if (const Entry* e = object_lookup(ctx)) {
    if (!is_lfu(ctx.server.config().maxmemory_policy)) {
      ctx.out.error(
          "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
          "switching between policies at runtime LRU and LFU data will take some time to adjust.");
      return;
    }
    ctx.out.integer(lfu::counter(e->lru, ctx.now_ms, ctx.server.config().lfu_decay_time));
  }
}

void cmd_object_help(CommandContext& ctx) {
  reply_help(
      ctx, {"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.", "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.", "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.", "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified", "    <key>.",
            "HELP", "    Prints this help."});
}

}  // namespace

void register_object_commands(Registry& r) {
  r.add("object|encoding", cmd_object_encoding);
  r.add("object|refcount", cmd_object_refcount);
  r.add("object|idletime", cmd_object_idletime);
  r.add("object|freq", cmd_object_freq);
  r.add("object|help", cmd_object_help);
}

}  // namespace codis::server
