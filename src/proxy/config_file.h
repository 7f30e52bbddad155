// The proxy's configuration file: one option per line in Redis's style (`name value`, '#' comments, values
// quoted as in redis.conf), with the names of the command-line options. It becomes `--name=value`
// arguments that go before the real command line, so an option given on the command line wins.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rt/result.h"

namespace codis::proxy {

struct ConfigFileError {
  std::string message;  // "line N: why"
};

// The file's options as command-line arguments ("--name=value"). A flag (a name in `flags`) may be written
// alone or with yes/no/true/false. Fails on a line that does not split (unbalanced quotes), holds more than
// one value, or gives an option other than a flag no value.
std::vector<std::string> config_file_args(std::string_view text, const std::vector<std::string>& flags,
                                          ConfigFileError* error);

// A byte count as redis.conf writes one: digits with an optional unit (b, k = 1000, kb = 1024, m, mb, g, gb;
// case-insensitive).
bool parse_bytes(std::string_view s, uint64_t* out);

// "hard soft seconds" as in `client-output-buffer-limit pubsub 32mb 8mb 60`.
struct OutputLimit {
  uint64_t hard = 0, soft = 0;
  int64_t soft_seconds = 0;
};
bool parse_output_limit(std::string_view s, OutputLimit* out);

// Where --config FILE (or --config=FILE) is in argv, and the file name; empty when there is none.
std::string config_file_path(int argc, const char* const* argv);

}  // namespace codis::proxy
