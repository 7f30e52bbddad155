// Per-command statistics of the proxy: calls, error replies and a latency histogram (from the read that
// brought the command to the write that sent its reply), one set per loop, written by that loop only and
// read by INFO commandstats and /metrics from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cmd/spec.h"
#include "proxy/stats.h"

namespace codis::proxy {

class CommandStats {
 public:
  // Latency buckets: [0,1) us, [1,2), [2,4) ... [2^30 us, inf).
  static constexpr size_t kBuckets = 32;
  struct Entry {
    Counter calls;
    Counter errors;
    Counter usec;  // total
    std::array<Counter, kBuckets> histogram;
  };

  CommandStats();
  void record(const cmd::CommandSpec* spec, uint64_t usec, bool error);

  // Every command (and subcommand) of the table, in a fixed order: names and the index of each.
  static const std::vector<const cmd::CommandSpec*>& commands();
  const Entry& entry(size_t index) const { return entries_[index]; }

 private:
  std::unique_ptr<Entry[]> entries_;
};

// A sum of several loops' stats for one command.
struct CommandTotals {
  uint64_t calls = 0, errors = 0, usec = 0;
  std::array<uint64_t, CommandStats::kBuckets> histogram{};
  void add(const CommandStats::Entry& e);
  // The upper bound of the bucket holding quantile q (0 < q <= 1), in microseconds.
  uint64_t quantile_us(double q) const;
};

}  // namespace codis::proxy
