// Subcommands of Redis 7.0's CONFIG container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kConfigSubcommands[] = {
    make::make_command({.name = "config|get",
                        .group = "server",
                        .summary = "Get the values of configuration parameters",
                        .arity = -3,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "config|help",
                        .group = "server",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "config|resetstat",
                        .group = "server",
                        .summary = "Reset the stats returned by INFO",
                        .arity = 2,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "config|rewrite",
                        .group = "server",
                        .summary = "Rewrite the configuration file with the in memory configuration",
                        .arity = 2,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "config|set",
                        .group = "server",
                        .summary = "Set configuration parameters to the given values",
                        .arity = -4,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .tips = tip::kRequestAllNodes | tip::kResponseAllSucceeded,
                        .policy = make::refused(reasons::kServerAdmin)}),
};

}  // namespace codis::cmd::table
