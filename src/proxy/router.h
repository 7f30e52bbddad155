// Turns a client's command into a Job by the command table's proxy policy (src/cmd): which calls go out,
// to which slot or group, and how their replies merge. Pure: no I/O, so the rules are unit-tested alone.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cmd/spec.h"
#include "proxy/job.h"
#include "proxy/routing_table.h"

namespace codis::proxy {

// The RESP multibulk encoding of argv.
std::string encode_request(std::span<const std::string_view> argv);

// Adds one call per group of the table (at most `limit`), each sending `wire` to the group's master.
void call_every_group(Job& job, const RoutingTable& table, const std::string& wire, size_t limit = SIZE_MAX);

// Builds the job for argv (argv[0] the name; `spec` its command or subcommand record, arity already
// checked) whose policy sends it to backends: kSingleSlot, kSplitByKey, kAllGroups, kAnyGroup,
// kSlotArgument. Split commands get one call per slot holding all the client's keys of that slot (servers
// that enforce ownership refuse a multi-key request spanning slots). When the command cannot be sent
// (keys in several slots for a single-slot command, a malformed key list, no groups) the job comes back
// done with the error reply.
// `raw`, when not empty, is the client's request exactly as it came (a RESP multibulk): calls that send
// the command unchanged copy it instead of encoding argv again.
JobPtr route(std::span<const std::string_view> argv, const cmd::CommandSpec& spec, const RoutingTable& table,
             std::string_view raw = {});

}  // namespace codis::proxy
