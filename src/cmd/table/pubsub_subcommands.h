// Subcommands of Redis 7.0's PUBSUB container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kPubsubSubcommands[] = {
    make::make_command({.name = "pubsub|channels",
                        .group = "pubsub",
                        .summary = "List active channels",
                        .arity = -2,
                        .flags = flag::kPubsub | flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "pubsub|help",
                        .group = "pubsub",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .policy = make::kAnyGroup}),
    make::make_command({.name = "pubsub|numpat",
                        .group = "pubsub",
                        .summary = "Get the count of unique patterns pattern subscriptions",
                        .arity = 2,
                        .flags = flag::kPubsub | flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "pubsub|numsub",
                        .group = "pubsub",
                        .summary = "Get the count of subscribers for channels",
                        .arity = -2,
                        .flags = flag::kPubsub | flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "pubsub|shardchannels",
                        .group = "pubsub",
                        .summary = "List active shard channels",
                        .arity = -2,
                        .flags = flag::kPubsub | flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "pubsub|shardnumsub",
                        .group = "pubsub",
                        .summary = "Get the count of subscribers for shard channels",
                        .arity = -2,
                        .flags = flag::kPubsub | flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
};

}  // namespace codis::cmd::table
