// The errors a dispatcher gives before a command runs, worded exactly as Redis 7.0 words them, shared by
// codis-server and codis-proxy (without the leading '-' and the line end).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cmd/spec.h"

namespace codis::cmd {

// "ERR unknown command 'x', with args beginning with: 'a' 'b' " (each argument cut as Redis cuts them).
std::string unknown_command_error(std::span<const std::string_view> argv);
// "ERR unknown subcommand 'x'. Try CONTAINER HELP."
std::string unknown_subcommand_error(const CommandSpec& container, std::string_view sub);
// "ERR wrong number of arguments for 'name' command" (name is "config|get" for a subcommand).
std::string arity_error(const CommandSpec& spec);
// What C's "%.Ns" prints of an argument: up to the first NUL, at most n bytes.
std::string_view c_prefix(std::string_view s, size_t n);
// Redis's rejectCommandFormat turns CR and LF into spaces, keeping an error one line.
std::string one_line(std::string s);

}  // namespace codis::cmd
