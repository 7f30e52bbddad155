#include "cmd/slowlog.h"

#include <algorithm>

namespace codis::cmd {

void SlowLog::record(int64_t slower_than, int64_t max_len, int64_t duration_us,
                     std::span<const std::string_view> argv, std::string_view peer, std::string_view name,
                     int64_t now_unix_s) {
  if (slower_than < 0) {
    return;
  }
  if (duration_us >= slower_than) {
    SlowLogEntry e;
    e.id = next_id_++;
    e.time = now_unix_s;
    e.duration_us = duration_us;
    const size_t argc = std::min(argv.size(), kMaxArgc);
    e.argv.reserve(argc);
    for (size_t j = 0; j < argc; ++j) {
      if (argc != argv.size() && j == argc - 1) {
        e.argv.push_back("... (" + std::to_string(argv.size() - argc + 1) + " more arguments)");
      } else if (argv[j].size() > kMaxString) {
        std::string s(argv[j].substr(0, kMaxString));
        s += "... (" + std::to_string(argv[j].size() - kMaxString) + " more bytes)";
        e.argv.push_back(std::move(s));
      } else {
        e.argv.emplace_back(argv[j]);
      }
    }
    e.peer.assign(peer);
    e.name.assign(name);
    entries_.push_front(std::move(e));
  }
  while (static_cast<int64_t>(entries_.size()) > max_len) {
    entries_.pop_back();
  }
}

std::span<const std::string_view> slowlog_help_lines() {
  static constexpr std::string_view kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help."};
  return kLines;
}

}  // namespace codis::cmd
