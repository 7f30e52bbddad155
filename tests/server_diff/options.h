// Command-line options of server_diff (and the defaults the ctest uses), in one place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace codis::diff {

struct DiffOptions {
  uint64_t seed = 1;
  int streams = 200;
  int64_t only_stream = -1;  // --stream=K: just that one
  int commands = 200;        // --commands-per-stream
  int invalid_percent = 12;
  std::vector<std::string> families;  // empty = all
  std::vector<std::string> exclude;   // --exclude-commands, upper case
  std::string protocol = "mixed";     // "2", "3" or "mixed" (a quarter of the streams in RESP3)
  std::string reference;              // binary; default: Debian's redis-server
  std::string subject;                // binary; default: see default_subject()
  std::string reference_args;         // argument templates ({port}, {dir}); default per binary
  std::string subject_args;
  std::string reference_addr;  // host:port of a running server instead of starting one
  std::string subject_addr;
  bool tricky = false;      // run the fixed tricky cases instead of random streams
  std::string tricky_name;  // --tricky=NAME: just that case
  int pipeline = 32;        // commands in flight per server (1 = one at a time)
  int max_failures = 3;     // stop after this many mismatching streams
  unsigned timeout = 0;     // seconds for the whole run; 0 = none
  bool list = false;        // print families, comparison modes and tricky cases
  bool print = false;       // print the streams (redis-cli syntax) instead of running them
  bool help = false;
  // --proxy[=PATH]: the subject is codis-proxy (PATH, else default_proxy()) in front of `proxy_groups`
  // subject servers in cluster mode; the streams keep to what the proxy promises (proxy_filter.h).
  bool proxy = false;
  std::string proxy_path;
  int proxy_groups = 3;
};

bool parse_options(int argc, char** argv, DiffOptions& options, std::string& error);
std::string usage();

// Debian's redis-server (/usr/bin, else $PATH); empty if there is none.
std::string default_reference();
// $CODIS_SERVER; else codis-server in this build tree or in build/; else the reference itself, so the
// harness still runs (and says so in `note`) before codis-server exists.
std::string default_subject(const std::string& reference, std::string& note);

// $CODIS_PROXY; else codis-proxy in this build tree or in build/; empty if there is none.
std::string default_proxy();

// The one-line command that replays one stream with the same options.
std::string repro_line(const DiffOptions& options, const std::string& program, uint64_t stream);

}  // namespace codis::diff
