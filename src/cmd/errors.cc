#include "cmd/errors.h"

#include <algorithm>
#include <cctype>

namespace codis::cmd {

std::string_view c_prefix(std::string_view s, size_t n) {
  return s.substr(0, std::min(n, s.find('\0')));
}

std::string one_line(std::string s) {
  for (auto& ch : s) {
    if (ch == '\r' || ch == '\n') {
      ch = ' ';
    }
  }
  return s;
}

// Redis: "unknown command '%.128s', with args beginning with: " then each argument as "'%.*s' " cut to
// what is left of 128 characters, stopping once 128 are used.
std::string unknown_command_error(std::span<const std::string_view> argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
    const size_t room = 128 - args.size();
    args += "'";
    args += c_prefix(argv[i], room);
    args += "' ";
  }
  return one_line("ERR unknown command '" + std::string(c_prefix(argv.empty() ? "" : argv[0], 128)) +
                  "', with args beginning with: " + args);
}

std::string unknown_subcommand_error(const CommandSpec& container, std::string_view sub) {
  std::string name(container.name);
  for (auto& c : name) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return one_line("ERR unknown subcommand '" + std::string(c_prefix(sub, 128)) + "'. Try " + name + " HELP.");
}

std::string arity_error(const CommandSpec& spec) {
  return "ERR wrong number of arguments for '" + std::string(spec.name) + "' command";
}

}  // namespace codis::cmd
