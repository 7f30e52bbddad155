// Redis 7.0 stream commands (containers: XGROUP, XINFO). Rows as Redis declares them (src/commands/*.json);
// make_command derives movablekeys, the legacy key range and implicit ACL categories. Checked against
// redis-server 7.0 by tests/cmd (redis70_command_info.jsonl).
#pragma once

#include "cmd/getkeys.h"
#include "cmd/make.h"

#include "cmd/table/xgroup_subcommands.h"
#include "cmd/table/xinfo_subcommands.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kStreamCommands[] = {
    make::make_command(
        {.name = "xack",
         .group = "stream",
         .summary =
             "Marks a pending message as correctly processed, effectively removing it from the pending "
             "entries list of the consumer group. Return value of the command is the number of messages "
             "successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
         .arity = -4,
         .flags = flag::kWrite | flag::kFast,
         .acl = acl::kStream,
         .keys = make::keys(make::range(kf::kRW | kf::kUpdate, 1)),
         .policy = make::kSingleSlot}),
    make::make_command(
        {.name = "xadd",
         .group = "stream",
         .summary = "Appends a new entry to a stream",
         .arity = -5,
         .flags = flag::kWrite | flag::kDenyOom | flag::kFast,
         .acl = acl::kStream,
         .tips = tip::kNondeterministicOutput,
         .keys = make::keys(make::noted("UPDATE instead of INSERT because of the optional trimming feature",
                                        make::range(kf::kRW | kf::kUpdate, 1))),
         .policy = make::kSingleSlot}),
    make::make_command({.name = "xautoclaim",
                        .group = "stream",
                        .summary = "Changes (or acquires) ownership of messages in a consumer group, as if "
                                   "the messages were delivered to the specified consumer.",
                        .arity = -6,
                        .flags = flag::kWrite | flag::kFast,
                        .acl = acl::kStream,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRW | kf::kDelete, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xclaim",
                        .group = "stream",
                        .summary = "Changes (or acquires) ownership of a message in a consumer group, as if "
                                   "the message was delivered to the specified consumer.",
                        .arity = -6,
                        .flags = flag::kWrite | flag::kFast,
                        .acl = acl::kStream,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRW | kf::kUpdate, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command(
        {.name = "xdel",
         .group = "stream",
         .summary =
             "Removes the specified entries from the stream. Returns the number of items actually deleted, "
             "that may be different from the number of IDs passed in case certain IDs do not exist.",
         .arity = -3,
         .flags = flag::kWrite | flag::kFast,
         .acl = acl::kStream,
         .keys = make::keys(make::range(kf::kRW | kf::kDelete, 1)),
         .policy = make::kSingleSlot}),
    make::make_command({.name = "xgroup",
                        .group = "stream",
                        .summary = "A container for consumer groups commands",
                        .arity = -2,
                        .policy = make::kAnyGroup,
                        .subcommands = kXgroupSubcommands}),
    make::make_command({.name = "xinfo",
                        .group = "stream",
                        .summary = "A container for stream introspection commands",
                        .arity = -2,
                        .policy = make::kAnyGroup,
                        .subcommands = kXinfoSubcommands}),
    make::make_command({.name = "xlen",
                        .group = "stream",
                        .summary = "Return the number of entries in a stream",
                        .arity = 2,
                        .flags = flag::kReadonly | flag::kFast,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRO, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xpending",
                        .group = "stream",
                        .summary = "Return information and entries from a stream consumer group pending "
                                   "entries list, that are messages fetched but never acknowledged.",
                        .arity = -3,
                        .flags = flag::kReadonly,
                        .acl = acl::kStream,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRO | kf::kAccess, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command(
        {.name = "xrange",
         .group = "stream",
         .summary = "Return a range of elements in a stream, with IDs matching the specified IDs interval",
         .arity = -4,
         .flags = flag::kReadonly,
         .acl = acl::kStream,
         .keys = make::keys(make::range(kf::kRO | kf::kAccess, 1)),
         .policy = make::kSingleSlot}),
    // Single slot; the proxy itself refuses the BLOCK option, which would stall a shared backend link.
    make::make_command(
        {.name = "xread",
         .group = "stream",
         .summary = "Return never seen elements in multiple streams, with IDs greater than the ones reported "
                    "by the caller for each stream. Can block.",
         .arity = -4,
         .flags = flag::kReadonly | flag::kBlocking,
         .acl = acl::kStream,
         .keys = make::keys(make::keyword_range(kf::kRO | kf::kAccess, "STREAMS", 1, -1, 1, 2)),
         .keys_fn = getkeys::xread,
         .policy = make::kSingleSlot}),
    // Single slot; the proxy itself refuses the BLOCK option, which would stall a shared backend link.
    make::make_command(
        {.name = "xreadgroup",
         .group = "stream",
         .summary = "Return new entries from a stream using a consumer group, or access the history of the "
                    "pending entries for a given consumer. Can block.",
         .arity = -7,
         .flags = flag::kWrite | flag::kBlocking,
         .acl = acl::kStream,
         .keys = make::keys(make::keyword_range(kf::kRO | kf::kAccess, "STREAMS", 4, -1, 1, 2)),
         .keys_fn = getkeys::xread,
         .policy = make::kSingleSlot}),
    make::make_command(
        {.name = "xrevrange",
         .group = "stream",
         .summary = "Return a range of elements in a stream, with IDs matching the specified IDs interval, "
                    "in reverse order (from greater to smaller IDs) compared to XRANGE",
         .arity = -4,
         .flags = flag::kReadonly,
         .acl = acl::kStream,
         .keys = make::keys(make::range(kf::kRO | kf::kAccess, 1)),
         .policy = make::kSingleSlot}),
    make::make_command({.name = "xsetid",
                        .group = "stream",
                        .summary = "An internal command for replicating stream values",
                        .arity = -3,
                        .flags = flag::kWrite | flag::kDenyOom | flag::kFast,
                        .acl = acl::kStream,
                        .keys = make::keys(make::range(kf::kRW | kf::kUpdate, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "xtrim",
                        .group = "stream",
                        .summary = "Trims the stream to (approximately if '~' is passed) a certain size",
                        .arity = -4,
                        .flags = flag::kWrite,
                        .acl = acl::kStream,
                        .tips = tip::kNondeterministicOutput,
                        .keys = make::keys(make::range(kf::kRW | kf::kDelete, 1)),
                        .policy = make::kSingleSlot}),
};

}  // namespace codis::cmd::table
