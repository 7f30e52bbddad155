// Subcommands of Redis 7.0's SLOWLOG container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kSlowlogSubcommands[] = {
    make::make_command({.name = "slowlog|get",
                        .group = "server",
                        .summary = "Get the slow log's entries",
                        .arity = -2,
                        .flags = flag::kAdmin | flag::kLoading | flag::kStale,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllNodes,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "slowlog|help",
                        .group = "server",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "slowlog|len",
                        .group = "server",
                        .summary = "Get the slow log's length",
                        .arity = 2,
                        .flags = flag::kAdmin | flag::kLoading | flag::kStale,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllNodes | tip::kResponseAggSum,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "slowlog|reset",
                        .group = "server",
                        .summary = "Clear all entries from the slow log",
                        .arity = 2,
                        .flags = flag::kAdmin | flag::kLoading | flag::kStale,
                        .tips = tip::kRequestAllNodes | tip::kResponseAllSucceeded,
                        .policy = make::kProxyLocal}),
};

}  // namespace codis::cmd::table
