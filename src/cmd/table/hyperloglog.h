// Redis 7.0 HyperLogLog commands. Rows as Redis declares them (src/commands/*.json); make_command
// derives movablekeys, the legacy key range and implicit ACL categories. Checked against redis-server 7.0
// by tests/cmd (redis70_command_info.jsonl).
#pragma once

#include "cmd/make.h"
#include "cmd/table/reasons.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kHyperloglogCommands[] = {
    make::make_command({.name = "pfadd",
                        .group = "hyperloglog",
                        .summary = "Adds the specified elements to the specified HyperLogLog.",
                        .arity = -2,
                        .flags = flag::kWrite | flag::kDenyOom | flag::kFast,
                        .acl = acl::kHyperLogLog,
                        .keys = make::keys(make::range(kf::kRW | kf::kInsert, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command(
        {.name = "pfcount",
         .group = "hyperloglog",
         .summary =
             "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
         .arity = -2,
         .flags = flag::kReadonly | flag::kMayReplicate,
         .acl = acl::kHyperLogLog,
         .keys = make::keys(make::noted(
             "RW because it may change the internal representation of the key, and propagate to replicas",
             make::range(kf::kRW | kf::kAccess, 1, -1))),
         .policy = make::kSingleSlot}),
    make::make_command({.name = "pfdebug",
                        .group = "hyperloglog",
                        .summary = "Internal commands for debugging HyperLogLog values",
                        .arity = 3,
                        .flags = flag::kWrite | flag::kDenyOom | flag::kAdmin,
                        .acl = acl::kHyperLogLog,
                        .keys = make::keys(make::range(kf::kRW | kf::kAccess, 2)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "pfmerge",
                        .group = "hyperloglog",
                        .summary = "Merge N different HyperLogLogs into a single one.",
                        .arity = -2,
                        .flags = flag::kWrite | flag::kDenyOom,
                        .acl = acl::kHyperLogLog,
                        .keys = make::keys(make::range(kf::kRW | kf::kAccess | kf::kInsert, 1),
                                           make::range(kf::kRO | kf::kAccess, 2, -1)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "pfselftest",
                        .group = "hyperloglog",
                        .summary = "An internal command for testing HyperLogLog values",
                        .arity = 1,
                        .flags = flag::kAdmin,
                        .acl = acl::kHyperLogLog,
                        .policy = make::refused(reasons::kServerAdmin)}),
};

}  // namespace codis::cmd::table
