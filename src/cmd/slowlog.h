// The slow log store (Redis slowlog.c), shared by codis-server and codis-proxy: the most recent commands
// that took at least slowlog-log-slower-than microseconds, newest first, at most slowlog-max-len of them.
// Arguments are kept as Redis trims them: at most 32 (the last slot then says "... (N more arguments)"),
// each at most 128 bytes followed by "... (N more bytes)". Not thread-safe; the owner locks if it shares.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace codis::cmd {

struct SlowLogEntry {
  int64_t id = 0;
  int64_t time = 0;         // unix seconds
  int64_t duration_us = 0;  // microseconds
  std::vector<std::string> argv;
  std::string peer;  // "ip:port"
  std::string name;  // client name, empty when unset
};

class SlowLog {
 public:
  static constexpr size_t kMaxArgc = 32;
  static constexpr size_t kMaxString = 128;

  // Whether a command that took this long goes into the log: slower_than >= 0 and the duration at least
  // that (asked first, so that the caller formats the peer's address only for commands that are logged).
  static bool wants(int64_t slower_than, int64_t duration_us) {
    return slower_than >= 0 && duration_us >= slower_than;
  }
  // Records the command if wants() says so, then trims the log to max_len entries (a lowered max_len
  // applies on the next record, as in Redis).
  void record(int64_t slower_than, int64_t max_len, int64_t duration_us,
              std::span<const std::string_view> argv, std::string_view peer, std::string_view name,
              int64_t now_unix_s);
  size_t size() const { return entries_.size(); }
  // Newest first.
  const std::deque<SlowLogEntry>& entries() const { return entries_; }
  void reset() { entries_.clear(); }

 private:
  std::deque<SlowLogEntry> entries_;
  int64_t next_id_ = 0;
};

// SLOWLOG GET's reply for the newest n entries: [id, time, duration, [args...], peer, name] each. W is a
// resp::ReplyWriter (a template so that this library does not depend on the protocol's).
template <class W>
void write_slowlog_entries(W& out, const SlowLog& log, size_t n) {
  n = std::min(n, log.size());
  out.array(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowLogEntry& e = log.entries()[i];
    out.array(6);
    out.integer(e.id);
    out.integer(e.time);
    out.integer(e.duration_us);
    out.array(e.argv.size());
    for (const auto& a : e.argv) {
      out.bulk(a);
    }
    out.bulk(e.peer);
    out.bulk(e.name);
  }
}

// SLOWLOG HELP's lines.
std::span<const std::string_view> slowlog_help_lines();

}  // namespace codis::cmd
