// Subcommands of Redis 7.0's MODULE container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kModuleSubcommands[] = {
    make::make_command({.name = "module|help",
                        .group = "server",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "module|list",
                        .group = "server",
                        .summary = "List all modules loaded by the server",
                        .arity = 2,
                        .flags = flag::kAdmin | flag::kNoscript,
                        .tips = tip::kNondeterministicOutputOrder,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "module|load",
                        .group = "server",
                        .summary = "Load a module",
                        .arity = -3,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kNoAsyncLoading | flag::kProtected,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "module|loadex",
                        .group = "server",
                        .summary = "Load a module with extended parameters",
                        .arity = -3,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kNoAsyncLoading | flag::kProtected,
                        .policy = make::refused(reasons::kServerAdmin)}),
    make::make_command({.name = "module|unload",
                        .group = "server",
                        .summary = "Unload a module",
                        .arity = 3,
                        .flags = flag::kAdmin | flag::kNoscript | flag::kNoAsyncLoading | flag::kProtected,
                        .policy = make::refused(reasons::kServerAdmin)}),
};

}  // namespace codis::cmd::table
