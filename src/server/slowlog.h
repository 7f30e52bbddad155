// The server's slow log: cmd::SlowLog (shared with the proxy) read through the server's configuration
// (slowlog-log-slower-than, slowlog-max-len).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "cmd/slowlog.h"
#include "server/config.h"

namespace codis::server {

class Server;

using SlowlogEntry = cmd::SlowLogEntry;

class Slowlog : public cmd::SlowLog {
 public:
  static bool wants(const Config& c, int64_t duration_us) {
    return cmd::SlowLog::wants(c.slowlog_log_slower_than, duration_us);
  }
  // Records the command if the config asks for it, then trims to slowlog-max-len. The caller leaves out
  // commands flagged skip_slowlog.
  void record(const Config& c, int64_t duration_us, std::span<const std::string_view> argv,
              std::string_view peer, std::string_view name, int64_t now_unix_s) {
    cmd::SlowLog::record(c.slowlog_log_slower_than, c.slowlog_max_len, duration_us, argv, peer, name,
                         now_unix_s);
  }
};

// The server's slow log (Server::slowlog()).
Slowlog& slowlog_of(Server& s);

}  // namespace codis::server
