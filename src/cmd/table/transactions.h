// Redis 7.0 transaction commands. Rows as Redis declares them (src/commands/*.json); make_command
// derives movablekeys, the legacy key range and implicit ACL categories. Checked against redis-server 7.0
// by tests/cmd (redis70_command_info.jsonl).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kTransactionsCommands[] = {
    make::make_command(
        {.name = "discard",
         .group = "transactions",
         .summary = "Discard all commands issued after MULTI",
         .arity = 1,
         .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast | flag::kAllowBusy,
         .acl = acl::kTransaction,
         .policy = make::kProxyLocal}),
    make::make_command({.name = "exec",
                        .group = "transactions",
                        .summary = "Execute all commands issued after MULTI",
                        .arity = 1,
                        .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kSkipSlowlog,
                        .acl = acl::kTransaction,
                        .policy = make::kProxyLocal}),
    make::make_command(
        {.name = "multi",
         .group = "transactions",
         .summary = "Mark the start of a transaction block",
         .arity = 1,
         .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast | flag::kAllowBusy,
         .acl = acl::kTransaction,
         .policy = make::kProxyLocal}),
    make::make_command(
        {.name = "unwatch",
         .group = "transactions",
         .summary = "Forget about all watched keys",
         .arity = 1,
         .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast | flag::kAllowBusy,
         .acl = acl::kTransaction,
         .policy = make::kProxyLocal}),
    make::make_command(
        {.name = "watch",
         .group = "transactions",
         .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
         .arity = -2,
         .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast | flag::kAllowBusy,
         .acl = acl::kTransaction,
         .keys = make::keys(make::range(kf::kRO, 1, -1)),
         .policy = make::kProxyLocal}),
};

}  // namespace codis::cmd::table
