// Subcommands of Redis 7.0's XINFO container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kXinfoSubcommands[] = {
    make::make_command({.name = "xinfo|consumers",
                        .group = "stream",
                        .summary = "List the consumers in a consumer group",
                        .arity = 4,
                        .flags = flag::kReadonly,
                        .acl = acl::kStream,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRO | kf::kAccess, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xinfo|groups",
                        .group = "stream",
                        .summary = "List the consumer groups of a stream",
                        .arity = 3,
                        .flags = flag::kReadonly,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRO | kf::kAccess, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xinfo|help",
                        .group = "stream",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kStream,
                        .policy = make::kAnyGroup}),
    make::make_command({.name = "xinfo|stream",
                        .group = "stream",
                        .summary = "Get information about a stream",
                        .arity = -3,
                        .flags = flag::kReadonly,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRO | kf::kAccess, 2)),
                        .policy = make::kSingleSlot}),
};

}  // namespace codis::cmd::table
