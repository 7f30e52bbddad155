// Renders a command record as the canonical JSON line of redis70_command_info.jsonl (what COMMAND INFO
// says, in the shape capture_redis.py writes), so the table can be compared with Redis line by line.
#pragma once

#include <string>

#include "cmd/spec.h"

namespace codis::cmd::testing {

std::string command_json(const CommandSpec& spec);

}  // namespace codis::cmd::testing
