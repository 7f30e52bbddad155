// Subcommands of Redis 7.0's LATENCY container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kLatencySubcommands[] = {
    make::make_command({.name = "latency|doctor",
                        .group = "server",
                        .summary = "Return a human readable latency analysis report.",
                        .arity = 2,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllNodes | tip::kResponseSpecial,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "latency|graph",
                        .group = "server",
                        .summary = "Return a latency graph for the event.",
                        .arity = 3,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllNodes | tip::kResponseSpecial,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "latency|help",
                        .group = "server",
                        .summary = "Show helpful text about the different subcommands.",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command(
        {.name = "latency|histogram",
         .group = "server",
         .summary = "Return the cumulative distribution of latencies of a subset of commands or all.",
         .arity = -2,
         .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
         .tips = tip::kNondeterministicOutput | tip::kRequestAllNodes | tip::kResponseSpecial,
         .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "latency|history",
                        .group = "server",
                        .summary = "Return timestamp-latency samples for the event.",
                        .arity = 3,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllNodes | tip::kResponseSpecial,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "latency|latest",
                        .group = "server",
                        .summary = "Return the latest latency samples for all events.",
                        .arity = 2,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .tips = tip::kNondeterministicOutput | tip::kRequestAllNodes | tip::kResponseSpecial,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "latency|reset",
                        .group = "server",
                        .summary = "Reset latency data for one or more events.",
                        .arity = -2,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale,
                        .tips = tip::kRequestAllNodes | tip::kResponseAllSucceeded,
                        .policy = make::refused(reasons::kServerAdmin)}),
};

}  // namespace codis::cmd::table
