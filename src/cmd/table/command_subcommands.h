// Subcommands of Redis 7.0's COMMAND container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kCommandSubcommands[] = {
    make::make_command({.name = "command|count",
                        .group = "server",
                        .summary = "Get total number of Redis commands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "command|docs",
                        .group = "server",
                        .summary = "Get array of specific Redis command documentation",
                        .arity = -2,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kConnection,
                        .tips = tip::kNondeterministicOutputOrder,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "command|getkeys",
                        .group = "server",
                        .summary = "Extract keys given a full Redis command",
                        .arity = -4,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "command|getkeysandflags",
                        .group = "server",
                        .summary = "Extract keys and access flags given a full Redis command",
                        .arity = -4,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "command|help",
                        .group = "server",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    make::make_command(
        {.name = "command|info",
         .group = "server",
         .summary = "Get array of specific Redis command details, or all when no argument is given.",
         .arity = -2,
         .flags = flag::kLoading | flag::kStale,
         .acl = acl::kConnection,
         .tips = tip::kNondeterministicOutputOrder,
         .policy = make::kProxyLocal}),
    make::make_command({.name = "command|list",
                        .group = "server",
                        .summary = "Get an array of Redis command names",
                        .arity = -2,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kConnection,
                        .tips = tip::kNondeterministicOutputOrder,
                        .policy = make::kProxyLocal}),
};

}  // namespace codis::cmd::table
