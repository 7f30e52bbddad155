// Subcommands of Redis 7.0's XGROUP container, one row each (arity counts the whole argv, as in Redis).
#pragma once

#include "cmd/make.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kXgroupSubcommands[] = {
    make::make_command({.name = "xgroup|create",
                        .group = "stream",
                        .summary = "Create a consumer group.",
                        .arity = -5,
                        .flags = flag::kWrite | flag::kDenyOom,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRW | kf::kInsert, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xgroup|createconsumer",
                        .group = "stream",
                        .summary = "Create a consumer in a consumer group.",
                        .arity = 5,
                        .flags = flag::kWrite | flag::kDenyOom,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRW | kf::kInsert, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xgroup|delconsumer",
                        .group = "stream",
                        .summary = "Delete a consumer from a consumer group.",
                        .arity = 5,
                        .flags = flag::kWrite,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRW | kf::kDelete, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xgroup|destroy",
                        .group = "stream",
                        .summary = "Destroy a consumer group.",
                        .arity = 4,
                        .flags = flag::kWrite,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRW | kf::kDelete, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xgroup|help",
                        .group = "stream",
                        .summary = "Show helpful text about the different subcommands",
                        .arity = 2,
                        .flags = flag::kLoading | flag::kStale,
                        .acl = acl::kStream,
                        .policy = make::kAnyGroup}),
    make::make_command({.name = "xgroup|setid",
                        .group = "stream",
                        .summary = "Set a consumer group to an arbitrary last delivered ID value.",
                        .arity = -5,
                        .flags = flag::kWrite,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRW | kf::kUpdate, 2)),
                        .policy = make::kSingleSlot}),
};

}  // namespace codis::cmd::table
