// The slow log (Redis slowlog.c): the most recent commands that ran at least slowlog-log-slower-than
// microseconds, newest first, at most slowlog-max-len of them. Arguments are stored as Redis trims them:
// at most 32 (the last slot then says "... (N more arguments)"), each at most 128 bytes followed by
// "... (N more bytes)".
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"

namespace codis::server {

class Server;

struct SlowlogEntry {
  int64_t id = 0;
  int64_t time = 0;         // unix seconds
  int64_t duration_us = 0;  // microseconds
  std::vector<std::string> argv;
  std::string peer;  // "ip:port"
  std::string name;  // client name, empty when unset
};

class Slowlog {
 public:
  static constexpr size_t kMaxArgc = 32;
  static constexpr size_t kMaxString = 128;

  // Records the command if the config asks for it (slowlog-log-slower-than >= 0 and duration at least
  // that), then trims to slowlog-max-len. The caller leaves out commands flagged skip_slowlog.
  // Whether a command that took this long goes into the log (asked first, so the peer address is only
  // formatted for commands that are logged).
  static bool wants(const Config& c, int64_t duration_us) {
    return c.slowlog_log_slower_than >= 0 && duration_us >= c.slowlog_log_slower_than;
  }
  void record(const Config& c, int64_t duration_us, std::span<const std::string_view> argv,
              std::string_view peer, std::string_view name, int64_t now_unix_s);
  // Applies a lowered slowlog-max-len (Redis trims on the next record; so does this).
  size_t size() const { return entries_.size(); }
  // Newest first.
  const std::deque<SlowlogEntry>& entries() const { return entries_; }
  void reset() { entries_.clear(); }

 private:
  std::deque<SlowlogEntry> entries_;
  int64_t next_id_ = 0;
};

// The server's slow log (Server::slowlog()).
Slowlog& slowlog_of(Server& s);

}  // namespace codis::server
