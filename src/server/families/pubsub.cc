// Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the sharded SSUBSCRIBE,
// SUNSUBSCRIBE, SPUBLISH, and PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB.
// Confirmations are push messages (plain arrays in RESP2), one per channel, as Redis sends them.
#include "server/families/intro_util.h"
#include "server/families/util.h"

namespace codis::server {

namespace {

// The kinds of subscription, each with its own commands, confirmations and the count they report (Redis
// counts channels and patterns together, shard channels apart).
struct Kind {
  std::string_view sub, unsub;
  std::string_view refused_in_exec;
  std::set<std::string, std::less<>> Client::*mine;
  bool (PubSub::*add)(Client&, std::string_view);
  bool (PubSub::*remove)(Client&, std::string_view);
  bool shard;
};
constexpr Kind kChannel{"subscribe",
                        "unsubscribe",
                        "ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client",
                        &Client::channels,
                        &PubSub::subscribe,
                        &PubSub::unsubscribe,
                        false};
constexpr Kind kPattern{"psubscribe",
                        "punsubscribe",
                        "ERR PSUBSCRIBE isn't allowed for a DENY BLOCKING client",
                        &Client::patterns,
                        &PubSub::psubscribe,
                        &PubSub::punsubscribe,
                        false};
constexpr Kind kShard{"ssubscribe",
                      "sunsubscribe",
                      "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client",
                      &Client::shard_channels,
                      &PubSub::ssubscribe,
                      &PubSub::sunsubscribe,
                      true};

void confirm(CommandContext& ctx, const Kind& k, std::string_view kind, std::string_view name,
             bool null_name = false) {
  ctx.out.push(3);
  ctx.out.bulk(kind);
  if (null_name) {
    ctx.out.null();
  } else {
    ctx.out.bulk(name);
  }
  Client& c = ctx.client;
  ctx.out.integer(static_cast<int64_t>(k.shard ? c.shard_channels.size() : c.plain_subscriptions()));
  c.replied_push = true;  // CLIENT REPLY OFF/SKIP let it through
}

void subscribe(CommandContext& ctx, const Kind& k) {
  if (ctx.client.in_exec) {
    ctx.out.error(k.refused_in_exec);
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    (ctx.server.pubsub().*k.add)(ctx.client, ctx.arg(i));
    confirm(ctx, k, k.sub, ctx.arg(i));
  }
}

// Without arguments: every subscription of the kind, or one confirmation with a null name if none.
void unsubscribe(CommandContext& ctx, const Kind& k) {
  PubSub& ps = ctx.server.pubsub();
  auto& mine = ctx.client.*k.mine;
  if (ctx.argc() == 1) {
    if (mine.empty()) {
      confirm(ctx, k, k.unsub, "", true);
      return;
    }
    while (!mine.empty()) {
      std::string name = *mine.begin();
      (ps.*k.remove)(ctx.client, name);
      confirm(ctx, k, k.unsub, name);
    }
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    (ps.*k.remove)(ctx.client, ctx.arg(i));
    confirm(ctx, k, k.unsub, ctx.arg(i));
  }
}

void cmd_publish(CommandContext& ctx) {
  ctx.out.integer(ctx.server.pubsub().publish(ctx.arg(1), ctx.arg(2), ctx.server.config().obuf_pubsub_hard));
}
void cmd_spublish(CommandContext& ctx) {
  ctx.out.integer(ctx.server.pubsub().spublish(ctx.arg(1), ctx.arg(2), ctx.server.config().obuf_pubsub_hard));
}

// PUBSUB CHANNELS / SHARDCHANNELS [pattern].
void list_channels(CommandContext& ctx, bool shard) {
  if (ctx.argc() > 3) {
    // Redis's addReplySubcommandSyntaxError: the subcommand as typed, the command in capitals.
    std::string cmd(ctx.arg(0));
    for (char& ch : cmd) {
      ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
    }
    ctx.out.error("ERR unknown subcommand or wrong number of arguments for '" +
                  std::string(ctx.arg(1).substr(0, 128)) + "'. Try " + cmd + " HELP.");
    return;
  }
  const PubSub& ps = ctx.server.pubsub();
  const std::string_view pattern = ctx.argc() == 3 ? ctx.arg(2) : "*";
  auto chans = shard ? ps.shard_channels(pattern, ctx.argc() == 2) : ps.channels(pattern, ctx.argc() == 2);
  ctx.out.array(chans.size());
  for (const auto& c : chans) {
    ctx.out.bulk(c);
  }
}

// PUBSUB NUMSUB / SHARDNUMSUB [channel ...].
void count_subscribers(CommandContext& ctx, bool shard) {
  const PubSub& ps = ctx.server.pubsub();
  ctx.out.map(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.out.bulk(ctx.arg(i));
    ctx.out.integer(shard ? ps.shard_numsub(ctx.arg(i)) : ps.numsub(ctx.arg(i)));
  }
}

void cmd_pubsub_numpat(CommandContext& ctx) {
  ctx.out.integer(ctx.server.pubsub().numpat());
}

}  // namespace

void register_pubsub_family(Registry& r) {
  r.add("subscribe", [](CommandContext& ctx) { subscribe(ctx, kChannel); });
  r.add("unsubscribe", [](CommandContext& ctx) { unsubscribe(ctx, kChannel); });
  r.add("psubscribe", [](CommandContext& ctx) { subscribe(ctx, kPattern); });
  r.add("punsubscribe", [](CommandContext& ctx) { unsubscribe(ctx, kPattern); });
  r.add("publish", cmd_publish);
  r.add("ssubscribe", [](CommandContext& ctx) { subscribe(ctx, kShard); });
  r.add("sunsubscribe", [](CommandContext& ctx) { unsubscribe(ctx, kShard); });
  r.add("spublish", cmd_spublish);
  r.add("pubsub|shardchannels", [](CommandContext& ctx) { list_channels(ctx, true); });
  r.add("pubsub|shardnumsub", [](CommandContext& ctx) { count_subscribers(ctx, true); });
  r.add("pubsub|channels", [](CommandContext& ctx) { list_channels(ctx, false); });
  r.add("pubsub|numsub", [](CommandContext& ctx) { count_subscribers(ctx, false); });
  r.add("pubsub|numpat", cmd_pubsub_numpat);
  r.add("pubsub|help", [](CommandContext& ctx) {
    reply_help(ctx,
               {"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').", "NUMPAT",
                "    Return number of subscriptions to patterns.", "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).", "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)", "HELP",
                "    Prints this help."});
  });
}

}  // namespace codis::server
