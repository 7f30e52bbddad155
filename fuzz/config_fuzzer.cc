// libFuzzer target for codis-server's configuration parser (server/config.cc): the redis.conf-style file
// and the `--name value` command line it is read from at start-up, and CONFIG SET/GET at run time.
// Input: byte 0 picks the form; bit 0 clear: the rest is a config file's text; set: the rest, split at
// NUL bytes, is the command line (argv after the program name).
// Oracles: no crash; every error is a FATAL CONFIG FILE ERROR naming its line; the settings loaded write
// back out as a config file (CONFIG GET's name and value, quoted as an inline command) that loads without
// error to the same settings, and each CONFIG GET pair is accepted by CONFIG SET at start-up unchanged.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "resp/inline_split.h"
#include "server/config.h"

namespace {

using codis::server::Config;
using Settings = std::vector<std::pair<std::string, std::string>>;

std::string as_file(const Settings& settings) {
  std::string out;
  for (const auto& [name, value] : settings) {
    codis::resp::append_inline_command({name, value}, out);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1 << 16)) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string_view file;
  std::vector<std::string> args;
  if (data[0] & 1) {
    size_t pos = 0;
    while (pos <= rest.size()) {
      const size_t nul = std::min(rest.find('\0', pos), rest.size());
      args.emplace_back(rest.substr(pos, nul - pos));
      pos = nul + 1;
    }
  } else {
    file = rest;
  }

  const auto [config, errors] = codis::server::load_config(file, args);
  for (const auto& e : errors) {
    FUZZ_CHECK(e.message.find("*** FATAL CONFIG FILE ERROR (codis-server) ***") != std::string::npos);
    FUZZ_CHECK(e.message.find("at line ") != std::string::npos);
  }

  const Settings got = codis::server::config_get(config, "*");
  FUZZ_CHECK(!got.empty());
  const auto [again, again_errors] = codis::server::load_config(as_file(got), {});
  FUZZ_CHECK(again_errors.empty());
  FUZZ_CHECK(codis::server::config_get(again, "*") == got);

  Config fresh;
  for (const auto& [name, value] : got) {
    FUZZ_CHECK(codis::server::config_set(fresh, name, value, /*at_startup=*/true).empty());
    const Settings one = codis::server::config_get(fresh, name);
    FUZZ_CHECK(one.size() == 1);
    FUZZ_CHECK(one[0].second == value);
  }
  return 0;
}
