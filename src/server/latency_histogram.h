// LatencyHistogram: a command's latencies for INFO latencystats, bucketed as Redis 7.0's HdrHistogram is
// (values in nanoseconds from 1 to 1e9, two significant digits: exact below 256, then 128 sub-buckets per
// power of two), so that a percentile reads back the same value Redis prints, e.g. 5 us -> "5.023".
#pragma once

#include <cstdint>
#include <memory>

namespace codis::server {

class LatencyHistogram {
 public:
  static constexpr int64_t kMin = 1;
  static constexpr int64_t kMax = 1'000'000'000;

  void record(int64_t ns);
  uint64_t count() const { return total_; }
  // HdrHistogram's hdr_value_at_percentile: the highest value equivalent to the one where the running count
  // reaches `percentile` percent of all values (at least one); 0 when empty.
  int64_t value_at_percentile(double percentile) const;
  void reset() {
    counts_.reset();
    total_ = 0;
  }

  static size_t index_of(int64_t v);
  static int64_t value_of(size_t index);
  static int64_t highest_equivalent(int64_t v);

 private:
  static constexpr size_t kCounts = 24 * 128;  // buckets 0..22 reach 1e9, plus the first half bucket
  std::unique_ptr<uint64_t[]> counts_;         // allocated at the first value (commands never run cost 0)
  uint64_t total_ = 0;
};

}  // namespace codis::server
