// Subcommands of Redis 7.0's MEMORY container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kMemorySubcommands[] = {
    make::make_command({.name = "memory|doctor",
                        .group = "server",
                        .summary = "Outputs memory problems report",
                        .arity = 2,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllShards | tip::kResponseSpecial,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "memory|help",
                        .group = "server",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .policy = make::kAnyGroup}),
    make::make_command({.name = "memory|malloc-stats",
                        .group = "server",
                        .summary = "Show allocator internal stats",
                        .arity = 2,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllShards | tip::kResponseSpecial,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "memory|purge",
                        .group = "server",
                        .summary = "Ask the allocator to release memory",
                        .arity = 2,
                        .tips = tip::kRequestAllShards | tip::kResponseAllSucceeded,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "memory|stats",
                        .group = "server",
                        .summary = "Show memory usage details",
                        .arity = 2,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllShards | tip::kResponseSpecial,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "memory|usage",
                        .group = "server",
                        .summary = "Estimate the memory usage of a key",
                        .arity = -3,
                        .flags = flag::kReadonly,
                        .keys = make::keys(make::range(kf::kRO, 2)),
                        .policy = make::kSingleSlot}),
};

}  // namespace codis::cmd::table
