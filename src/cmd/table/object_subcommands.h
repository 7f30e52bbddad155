// Subcommands of Redis 7.0's OBJECT container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kObjectSubcommands[] = {
    make::make_command({.name = "object|encoding",
                        .group = "generic",
                        .summary = "Inspect the internal encoding of a Redis object",
                        .arity = 3,
                        .flags = flag::kReadonly,
                        .acl = acl::kKeyspace,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRO, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "object|freq",
                        .group = "generic",
                        .summary = "Get the logarithmic access frequency counter of a Redis object",
                        .arity = 3,
                        .flags = flag::kReadonly,
                        .acl = acl::kKeyspace,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRO, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "object|help",
                        .group = "generic",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kKeyspace,
                        .policy = make::kAnyGroup}),
    make::make_command({.name = "object|idletime",
                        .group = "generic",
                        .summary = "Get the time since a Redis object was last accessed",
                        .arity = 3,
                        .flags = flag::kReadonly,
                        .acl = acl::kKeyspace,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRO, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "object|refcount",
                        .group = "generic",
                        .summary = "Get the number of references to the value of the key",
                        .arity = 3,
                        .flags = flag::kReadonly,
                        .acl = acl::kKeyspace,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRO, 2)),
                        .policy = make::kSingleSlot}),
};

}  // namespace codis::cmd::table
