// Redis 7.0 scripting and functions commands (containers: FUNCTION, SCRIPT). Rows as Redis declares them
// (src/commands/*.json); make_command derives movablekeys, the legacy key range and implicit ACL categories.
// Checked against redis-server 7.0 by tests/cmd (redis70_command_info.jsonl).
#pragma once

#include "cmd/getkeys.h"
#include "cmd/make.h"

#include "cmd/table/function_subcommands.h"
#include "cmd/table/script_subcommands.h"

namespace codis::cmd::table {

inline constexpr CommandSpec kScriptingCommands[] = {
    // KEYS must share a slot; with numkeys 0 any group runs it (Codis routed by the first ARGV).
    make::make_command({.name = "eval",
                        .group = "scripting",
                        .summary = "Execute a Lua script server side",
                        .arity = -3,
                        .flags = flag::kNoscript | flag::kStale | flag::kSkipMonitor |
                                 flag::kNoMandatoryKeys | flag::kMayReplicate,
                        .acl = acl::kScripting,
                        .keys = make::keys(make::noted(
                            "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
                            make::keynum(kf::kRW | kf::kAccess | kf::kUpdate, 2, 0, 1, 1))),
                        .keys_fn = getkeys::eval,
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "eval_ro",
                        .group = "scripting",
                        .summary = "Execute a read-only Lua script server side",
                        .arity = -3,
                        .flags = flag::kReadonly | flag::kNoscript | flag::kStale | flag::kSkipMonitor |
                                 flag::kNoMandatoryKeys,
                        .acl = acl::kScripting,
                        .keys = make::keys(make::noted(
                            "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
                            make::keynum(kf::kRO | kf::kAccess, 2, 0, 1, 1))),
                        .keys_fn = getkeys::eval_ro,
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "evalsha",
                        .group = "scripting",
                        .summary = "Execute a Lua script server side",
                        .arity = -3,
                        .flags = flag::kNoscript | flag::kStale | flag::kSkipMonitor |
                                 flag::kNoMandatoryKeys | flag::kMayReplicate,
                        .acl = acl::kScripting,
                        .keys = make::keys(make::keynum(kf::kRW | kf::kAccess | kf::kUpdate, 2, 0, 1, 1)),
                        .keys_fn = getkeys::eval,
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "evalsha_ro",
                        .group = "scripting",
                        .summary = "Execute a read-only Lua script server side",
                        .arity = -3,
                        .flags = flag::kReadonly | flag::kNoscript | flag::kStale | flag::kSkipMonitor |
                                 flag::kNoMandatoryKeys,
                        .acl = acl::kScripting,
                        .keys = make::keys(make::keynum(kf::kRO | kf::kAccess, 2, 0, 1, 1)),
                        .keys_fn = getkeys::eval_ro,
                        .policy = make::kSingleSlot}),
    // KEYS must share a slot; with numkeys 0 any group runs it.
    make::make_command({.name = "fcall",
                        .group = "scripting",
                        .summary = "Invoke a function",
                        .arity = -3,
                        .flags = flag::kNoscript | flag::kStale | flag::kSkipMonitor |
                                 flag::kNoMandatoryKeys | flag::kMayReplicate,
                        .acl = acl::kScripting,
                        .keys = make::keys(make::noted(
                            "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
                            make::keynum(kf::kRW | kf::kAccess | kf::kUpdate, 2, 0, 1, 1))),
                        .keys_fn = getkeys::eval,
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "fcall_ro",
                        .group = "scripting",
                        .summary = "Invoke a read-only function",
                        .arity = -3,
                        .flags = flag::kReadonly | flag::kNoscript | flag::kStale | flag::kSkipMonitor |
                                 flag::kNoMandatoryKeys,
                        .acl = acl::kScripting,
                        .keys = make::keys(make::noted(
                            "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
                            make::keynum(kf::kRO | kf::kAccess, 2, 0, 1, 1))),
                        .keys_fn = getkeys::eval_ro,
                        .policy = make::kSingleSlot}),
    make::make_command({.name = "function",
                        .group = "scripting",
                        .summary = "A container for function commands",
                        .arity = -2,
                        .policy = make::kAnyGroup,
                        .subcommands = kFunctionSubcommands}),
    make::make_command({.name = "script",
                        .group = "scripting",
                        .summary = "A container for Lua scripts management commands",
                        .arity = -2,
                        .policy = make::kAnyGroup,
                        .subcommands = kScriptSubcommands}),
};

}  // namespace codis::cmd::table
