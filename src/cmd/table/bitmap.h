// Redis 7.0 bitmap commands. Rows as Redis declares them (src/commands/*.json); make_command
// derives movablekeys, the legacy key range and implicit ACL categories. Checked against redis-server 7.0
// by tests/cmd (redis70_command_info.jsonl).
#pragma once

#include "cmd/getkeys.h"
#include "cmd/make.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kBitmapCommands[] = {
    make::make_command({.name = "bitcount",
                        .group = "bitmap",
                        .summary = "Count set bits in a string",
                        .arity = -2,
                        .flags = flag::kReadonly,
                        .acl = acl::kBitmap,
                        .keys = make::keys(make::range(kf::kRO | kf::kAccess, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "bitfield",
                        .group = "bitmap",
                        .summary = "Perform arbitrary bitfield integer operations on strings",
                        .arity = -2,
                        .flags = flag::kWrite | flag::kDenyOom,
                        .acl = acl::kBitmap,
                        .keys = make::keys(make::noted(
                            "This command allows both access and modification of the key",
                            make::range(kf::kRW | kf::kAccess | kf::kUpdate | kf::kVariableFlags, 1))),
                        .keys_fn = getkeys::bitfield,
                        .policy = make::kSingleSlot}),
    make::make_command(
        {.name = "bitfield_ro",
         .group = "bitmap",
         .summary = "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
         .arity = -2,
         .flags = flag::kReadonly | flag::kFast,
         .acl = acl::kBitmap,
         .keys = make::keys(make::range(kf::kRO | kf::kAccess, 1)),
         .policy = make::kSingleSlot}),
    make::make_command(
        {.name = "bitop",
         .group = "bitmap",
         .summary = "Perform bitwise operations between strings",
         .arity = -4,
         .flags = flag::kWrite | flag::kDenyOom,
         .acl = acl::kBitmap,
         .keys = make::keys(make::range(kf::kOW | kf::kUpdate, 2), make::range(kf::kRO | kf::kAccess, 3, -1)),
         .policy = make::kSingleSlot}),
    make::make_command({.name = "bitpos",
                        .group = "bitmap",
                        .summary = "Find first bit set or clear in a string",
                        .arity = -3,
                        .flags = flag::kReadonly,
                        .acl = acl::kBitmap,
                        .keys = make::keys(make::range(kf::kRO | kf::kAccess, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "getbit",
                        .group = "bitmap",
                        .summary = "Returns the bit value at offset in the string value stored at key",
                        .arity = 3,
                        .flags = flag::kReadonly | flag::kFast,
                        .acl = acl::kBitmap,
                        .keys = make::keys(make::range(kf::kRO | kf::kAccess, 1)),
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "setbit",
                        .group = "bitmap",
                        .summary = "Sets or clears the bit at offset in the string value stored at key",
                        .arity = 4,
                        .flags = flag::kWrite | flag::kDenyOom,
                        .acl = acl::kBitmap,
                        .keys = make::keys(make::range(kf::kRW | kf::kAccess | kf::kUpdate, 1)),
                        .policy = make::kSingleSlot}),
};

}  // namespace codis::cmd::table
