#include "server/latency_histogram.h"

#include <algorithm>
#include <bit>

namespace codis::server {

namespace {
constexpr int kHalf = 7;
constexpr int64_t kSubBucketMask = (int64_t{1} << (kHalf + 1)) - 1;  // 255

int bucket_of(int64_t v) {
  return std::bit_width(static_cast<uint64_t>(v | kSubBucketMask)) - 1 - kHalf;
}
}  // namespace

size_t LatencyHistogram::index_of(int64_t v) {
  const int bucket = bucket_of(v);
  const int64_t sub = v >> bucket;
  return static_cast<size_t>(((bucket + 1) << kHalf) + (sub - (int64_t{1} << kHalf)));
}

int64_t LatencyHistogram::value_of(size_t index) {
  int bucket = static_cast<int>(index >> kHalf) - 1;
  int64_t sub = static_cast<int64_t>(index & ((size_t{1} << kHalf) - 1)) + (int64_t{1} << kHalf);
  if (bucket < 0) {
    sub -= int64_t{1} << kHalf;
    bucket = 0;
  }
  return sub << bucket;
}

int64_t LatencyHistogram::highest_equivalent(int64_t v) {
  const int bucket = bucket_of(v);
  const int64_t lowest = (v >> bucket) << bucket;
  return lowest + (int64_t{1} << bucket) - 1;
}

void LatencyHistogram::record(int64_t ns) {
  ns = std::clamp(ns, kMin, kMax);
  if (!counts_) {
    counts_ = std::make_unique<uint64_t[]>(kCounts);
  }
  ++counts_[index_of(ns)];
  ++total_;
}

int64_t LatencyHistogram::value_at_percentile(double percentile) const {
  if (total_ == 0) {
    return 0;
  }
  const double p = std::min(percentile, 100.0);
  const auto wanted =
      std::max<uint64_t>(1, static_cast<uint64_t>(p / 100 * static_cast<double>(total_) + 0.5));
  uint64_t seen = 0;
  for (size_t i = 0; i < kCounts; ++i) {
    seen += counts_[i];
    if (seen >= wanted) {
      return highest_equivalent(value_of(i));
    }
  }
  return 0;
}

}  // namespace codis::server
