// Redis 7.0 pub/sub commands (containers: PUBSUB). Rows as Redis declares them (src/commands/*.json);
// make_command derives movablekeys, the legacy key range and implicit ACL categories. Checked against
// redis-server 7.0 by tests/cmd (redis70_command_info.jsonl).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

#include "cmd/table/pubsub_subcommands.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kPubsubCommands[] = {
    make::make_command({.name = "psubscribe",
                        .group = "pubsub",
                        .summary = "Listen for messages published to channels matching the given patterns",
                        .arity = -2,
                        .flags = flag::kPubsub | flag::kNoscript | flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
    make::make_command(
        {.name = "publish",
         .group = "pubsub",
         .summary = "Post a message to a channel",
         .arity = 3,
         .flags = flag::kPubsub | flag::kLoading | flag::kStale | flag::kFast | flag::kMayReplicate,
         .policy = make::kProxyLocal}),
    make::make_command({.name = "pubsub",
                        .group = "pubsub",
                        .summary = "A container for Pub/Sub commands",
                        .arity = -2,
                        .policy = make::kProxyLocal,
                        .subcommands = kPubsubSubcommands}),
    make::make_command(
        {.name = "punsubscribe",
         .group = "pubsub",
         .summary = "Stop listening for messages posted to channels matching the given patterns",
         .arity = -1,
         .flags = flag::kPubsub | flag::kNoscript | flag::kLoading | flag::kStale,
         .policy = make::kProxyLocal}),
    make::make_command(
        {.name = "spublish",
         .group = "pubsub",
         .summary = "Post a message to a shard channel",
         .arity = 3,
         .flags = flag::kPubsub | flag::kLoading | flag::kStale | flag::kFast | flag::kMayReplicate,
         .keys = make::keys(make::range(kf::kNotKey, 1)),
         .policy = make::kProxyLocal}),
    make::make_command({.name = "ssubscribe",
                        .group = "pubsub",
                        .summary = "Listen for messages published to the given shard channels",
                        .arity = -2,
                        .flags = flag::kPubsub | flag::kNoscript | flag::kLoading | flag::kStale,
                        .keys = make::keys(make::range(kf::kNotKey, 1, -1)),
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "subscribe",
                        .group = "pubsub",
                        .summary = "Listen for messages published to the given channels",
                        .arity = -2,
                        .flags = flag::kPubsub | flag::kNoscript | flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "sunsubscribe",
                        .group = "pubsub",
                        .summary = "Stop listening for messages posted to the given shard channels",
                        .arity = -1,
                        .flags = flag::kPubsub | flag::kNoscript | flag::kLoading | flag::kStale,
                        .keys = make::keys(make::range(kf::kNotKey, 1, -1)),
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "unsubscribe",
                        .group = "pubsub",
                        .summary = "Stop listening for messages posted to the given channels",
                        .arity = -1,
                        .flags = flag::kPubsub | flag::kNoscript | flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
};

}  // namespace codis::cmd::table
