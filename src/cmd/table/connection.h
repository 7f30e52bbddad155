// Redis 7.0 connection commands (containers: CLIENT). Rows as Redis declares them (src/commands/*.json);
// make_command derives movablekeys, the legacy key range and implicit ACL categories. Checked against
// redis-server 7.0 by tests/cmd (redis70_command_info.jsonl).
#pragma once

#include "cmd/make.h"

#include "cmd/table/client_subcommands.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kConnectionCommands[] = {
    make::make_command({.name = "auth",
                        .group = "connection",
                        .summary = "Authenticate to the server",
                        .arity = -2,
                        .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast |
                                 flag::kNoAuth | flag::kAllowBusy,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "client",
                        .group = "connection",
                        .summary = "A container for client connection commands",
                        .arity = -2,
                        .policy = make::kAnyGroup,
                        .subcommands = kClientSubcommands}),
    make::make_command({.name = "echo",
                        .group = "connection",
                        .summary = "Echo the given string",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale | flag::kFast,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "hello",
                        .group = "connection",
                        .summary = "Handshake with Redis",
                        .arity = -1,
                        .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast |
                                 flag::kNoAuth | flag::kAllowBusy,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    // Answered by the proxy (Codis forwarded it to a random slot's backend, failing when that slot was
    // offline).
    make::make_command({.name = "ping",
                        .group = "connection",
                        .summary = "Ping the server",
                        .arity = -1,
                        .flags = flag::kFast,
                        .acl = acl::kConnection,
                        .tips = tip::kRequestAllShards | tip::kResponseAllSucceeded,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "quit",
                        .group = "connection",
                        .summary = "Close the connection",
                        .arity = -1,
                        .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast |
                                 flag::kNoAuth | flag::kAllowBusy,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    make::make_command({.name = "reset",
                        .group = "connection",
                        .summary = "Reset the connection",
                        .arity = 1,
                        .flags = flag::kNoscript | flag::kLoading | flag::kStale | flag::kFast |
                                 flag::kNoAuth | flag::kAllowBusy,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
    // Answered by the proxy, which serves database 0 only: SELECT 0 succeeds, other indexes fail.
    make::make_command({.name = "select",
                        .group = "connection",
                        .summary = "Change the selected database for the current connection",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale | flag::kFast,
                        .acl = acl::kConnection,
                        .policy = make::kProxyLocal}),
};

}  // namespace codis::cmd::table
