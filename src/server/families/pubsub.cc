// Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB CHANNELS/NUMSUB/NUMPAT.
// Confirmations are push messages (plain arrays in RESP2), one per channel, as Redis sends them.
#include "server/families/util.h"

namespace codis::server {

namespace {

void confirm(CommandContext& ctx, std::string_view kind, std::string_view name, bool null_name = false) {
  ctx.out.push(3);
  ctx.out.bulk(kind);
  if (null_name) {
    ctx.out.null();
  } else {
    ctx.out.bulk(name);
  }
  ctx.out.integer(static_cast<int64_t>(ctx.client.subscriptions()));
}

void cmd_subscribe(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.out.error("ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.server.pubsub().subscribe(ctx.client, ctx.arg(i));
    confirm(ctx, "subscribe", ctx.arg(i));
  }
}

void cmd_psubscribe(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.out.error("ERR PSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.server.pubsub().psubscribe(ctx.client, ctx.arg(i));
    confirm(ctx, "psubscribe", ctx.arg(i));
  }
}

void cmd_unsubscribe(CommandContext& ctx) {
  PubSub& ps = ctx.server.pubsub();
  if (ctx.argc() == 1) {
    if (ctx.client.channels.empty()) {
      confirm(ctx, "unsubscribe", "", true);
      return;
    }
    while (!ctx.client.channels.empty()) {
      std::string ch = *ctx.client.channels.begin();
      ps.unsubscribe(ctx.client, ch);
      confirm(ctx, "unsubscribe", ch);
    }
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ps.unsubscribe(ctx.client, ctx.arg(i));
    confirm(ctx, "unsubscribe", ctx.arg(i));
  }
}

void cmd_punsubscribe(CommandContext& ctx) {
  PubSub& ps = ctx.server.pubsub();
  if (ctx.argc() == 1) {
    if (ctx.client.patterns.empty()) {
      confirm(ctx, "punsubscribe", "", true);
      return;
    }
    while (!ctx.client.patterns.empty()) {
      std::string p = *ctx.client.patterns.begin();
      ps.punsubscribe(ctx.client, p);
      confirm(ctx, "punsubscribe", p);
    }
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ps.punsubscribe(ctx.client, ctx.arg(i));
    confirm(ctx, "punsubscribe", ctx.arg(i));
  }
}

void cmd_publish(CommandContext& ctx) {
  ctx.out.integer(ctx.server.pubsub().publish(ctx.arg(1), ctx.arg(2), ctx.server.config().obuf_pubsub_hard));
}

void cmd_pubsub_channels(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.out.error("ERR wrong number of arguments for 'pubsub|channels' command");
    return;
  }
  auto chans = ctx.server.pubsub().channels(ctx.argc() == 3 ? ctx.arg(2) : "*", ctx.argc() == 2);
  ctx.out.array(chans.size());
  for (const auto& c : chans) {
    ctx.out.bulk(c);
  }
}

void cmd_pubsub_numsub(CommandContext& ctx) {
  ctx.out.map(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.out.bulk(ctx.arg(i));
    ctx.out.integer(ctx.server.pubsub().numsub(ctx.arg(i)));
  }
}

void cmd_pubsub_numpat(CommandContext& ctx) {
  ctx.out.integer(ctx.server.pubsub().numpat());
}

}  // namespace

void register_pubsub_family(Registry& r) {
  r.add("subscribe", cmd_subscribe);
  r.add("unsubscribe", cmd_unsubscribe);
  r.add("psubscribe", cmd_psubscribe);
  r.add("punsubscribe", cmd_punsubscribe);
  r.add("publish", cmd_publish);
  r.add("pubsub|channels", cmd_pubsub_channels);
  r.add("pubsub|numsub", cmd_pubsub_numsub);
  r.add("pubsub|numpat", cmd_pubsub_numpat);
}

}  // namespace codis::server
