// Subcommands of Redis 7.0's SCRIPT container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kScriptSubcommands[] = {
    make::make_command({.name = "script|debug",
                        .group = "scripting",
                        .summary = "Set the debug mode for executed scripts.",
                        .arity = 3,
                        .flags = flag::kNoscript,
                        .acl = acl::kScripting,
                        .policy = make::refused(reasons::kOneServerScript)}),
    // 1 only where every group has the script.
    make::make_command({.name = "script|exists",
                        .group = "scripting",
                        .summary = "Check existence of scripts in the script cache.",
                        .arity = -3,
                        .flags = flag::kNoscript,
                        .acl = acl::kScripting,
                        .tips = tip::kRequestAllShards | tip::kResponseAggLogicalAnd,
                        .policy = make::all_groups(Merge::kAndArrays)}),
    make::make_command({.name = "script|flush",
                        .group = "scripting",
                        .summary = "Remove all the scripts from the script cache.",
                        .arity = -2,
                        .flags = flag::kNoscript,
                        .acl = acl::kScripting,
                        .tips = tip::kRequestAllNodes | tip::kResponseAllSucceeded,
                        .policy = make::all_groups(Merge::kAllOk)}),
    make::make_command({.name = "script|help",
                        .group = "scripting",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kScripting,
                        .policy = make::kAnyGroup}),
    make::make_command({.name = "script|kill",
                        .group = "scripting",
                        .summary = "Kill the script currently in execution.",
                        .arity = 2,
                        .flags = flag::kNoscript | flag::kAllowBusy,
                        .acl = acl::kScripting,
                        .tips = tip::kRequestAllShards | tip::kResponseOneSucceeded,
                        .policy = make::refused(reasons::kOneServerScript)}),
    // Loaded on every group so EVALSHA works wherever its keys live; every group must return the same sha.
    make::make_command({.name = "script|load",
                        .group = "scripting",
                        .summary = "Load the specified Lua script into the script cache.",
                        .arity = 3,
                        .flags = flag::kNoscript | flag::kStale,
                        .acl = acl::kScripting,
                        .tips = tip::kRequestAllNodes | tip::kResponseAllSucceeded,
                        .policy = make::all_groups(Merge::kAllEqual)}),
};

}  // namespace codis::cmd::table
