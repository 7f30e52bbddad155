// A random command stream from a seed: families chosen by weight, transactions wrapping commands of the
// other families, and a share of deliberately invalid commands (wrong arity, unknown names, junk
// arguments). The stream does not depend on replies, so a seed and a stream index replay it exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/server_diff/command.h"
#include "tests/server_diff/gen.h"

namespace codis::diff {

struct StreamConfig {
  std::vector<std::string> families;  // empty = all
  int commands = 200;                 // at least this many (a MULTI block is never cut)
  int invalid_percent = 12;           // commands mutated into likely errors
  std::vector<std::string> exclude;   // command names (upper case) left out, e.g. not implemented yet
  bool proxy = false;                 // only what codis-proxy runs as one Redis would (proxy_filter.h)
};

// Every family name, in a stable order ("tx" wraps the others in MULTI/EXEC and WATCH).
std::vector<std::string_view> family_names();
// Empty when every name is known, otherwise the first unknown one.
std::string unknown_family(const std::vector<std::string>& names);

std::vector<Command> generate_stream(uint64_t stream_seed, const StreamConfig& config);

// Turns a command into a likely error (or a case-changed name, which must still work). Never touches
// MULTI/EXEC/DISCARD, and never makes a blocking command wait for long.
void mutate(Gen& g, Command& c);

bool is_blocking(std::string_view name);

}  // namespace codis::diff
