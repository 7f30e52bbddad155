// The server's statistics for INFO (stats, commandstats, errorstats, latencystats) and CONFIG RESETSTAT.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "server/latency_histogram.h"

namespace codis::server {

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected = 0;  // refused before running (arity, OOM, NOAUTH, ...)
  uint64_t failed = 0;    // ran and replied with an error
  LatencyHistogram latency;
};

// Redis's trackInstantaneousMetric: a rate sampled every 100 ms, reported as the mean of the last 16 samples.
class InstantMetric {
 public:
  void sample(int64_t now_ms, uint64_t reading);
  int64_t per_second() const;

 private:
  std::array<int64_t, 16> samples_{};
  size_t next_ = 0;
  int64_t last_ms_ = -1;
  uint64_t last_reading_ = 0;
};

// INFO's counters. CONFIG RESETSTAT zeroes them (reset()), except `dirty`, which is the persistence
// section's and outlives a reset as in Redis.
struct Stats {
  uint64_t connections_received = 0;
  uint64_t commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t expired_keys = 0;
  uint64_t expired_time_cap_reached = 0;  // active expiry cycles that stopped at their cap
  uint64_t expire_cycle_us = 0;           // time spent in active expiry
  uint64_t evicted_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t reads_processed = 0;   // socket reads that returned data
  uint64_t writes_processed = 0;  // reply writes
  uint64_t error_replies = 0;
  uint64_t dirty = 0;  // changes since start (for INFO persistence)
  // By name, sorted for INFO commandstats; entries are never erased (reset() zeroes them), so
  // Server::command_stats can keep pointers to them.
  std::map<std::string, CommandStats> commands;
  // Error replies by their first word ("ERR", "WRONGTYPE", ...), for INFO errorstats; at most
  // kMaxErrorCodes codes are kept, as in Redis.
  std::map<std::string, uint64_t, std::less<>> errors;
  static constexpr size_t kMaxErrorCodes = 128;
  // instantaneous_ops_per_sec, instantaneous_input_kbps, instantaneous_output_kbps.
  InstantMetric ops_per_sec, input_bytes_per_sec, output_bytes_per_sec;

  // Counts an error reply: `message` is its text without the leading '-' (or the whole reply).
  void count_error(std::string_view message);
  void reset();
};

}  // namespace codis::server
