// Redis 7.0 Redis Cluster commands (containers: CLUSTER). Rows as Redis declares them (src/commands/*.json);
// make_command derives movablekeys, the legacy key range and implicit ACL categories. Checked against
// redis-server 7.0 by tests/cmd (redis70_command_info.jsonl).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

#include "cmd/table/cluster_subcommands.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kClusterCommands[] = {
    make::make_command({.name = "asking",
                        .group = "cluster",
                        .summary = "Sent by cluster clients after an -ASK redirect",
                        .arity = 1,
                        .flags = flag::kFast,
                        .acl = acl::kConnection,
                        .policy = make::refused(reasons::kNotRedisCluster)}),
    make::make_command({.name = "cluster",
                        .group = "cluster",
                        .summary = "A container for cluster commands",
                        .arity = -2,
                        .policy = make::refused(reasons::kNotRedisCluster),
                        .subcommands = kClusterSubcommands}),
    make::make_command({.name = "readonly",
                        .group = "cluster",
                        .summary = "Enables read queries for a connection to a cluster replica node",
                        .arity = 1,
                        .flags = flag::kLoading | flag::kStale | flag::kFast,
                        .acl = acl::kConnection,
                        .policy = make::refused(reasons::kNotRedisCluster)}),
    make::make_command({.name = "readwrite",
                        .group = "cluster",
                        .summary = "Disables read queries for a connection to a cluster replica node",
                        .arity = 1,
                        .flags = flag::kLoading | flag::kStale | flag::kFast,
                        .acl = acl::kConnection,
                        .policy = make::refused(reasons::kNotRedisCluster)}),
};

}  // namespace codis::cmd::table
