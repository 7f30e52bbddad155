// Redis's SCAN cursor step over a power-of-two table (dictScan): buckets are visited in bit-reversed order,
// so every element present for the whole walk is returned even when the table doubles or halves between
// calls. Shared by SlotTable (SCAN) and ChainedDict (HSCAN, SSCAN).
#pragma once

#include <bit>
#include <cstdint>

namespace codis::server {

// The cursor after visiting bucket (cursor & mask); 0 when the walk is over. Increments the bit-reversed
// cursor: the bits above the mask are set, so the highest zero bit becomes one and every bit above it zero
// (a carry running downwards). No zero bit left means every bucket was visited.
inline uint64_t next_scan_cursor(uint64_t cursor, uint64_t mask) {
  const uint64_t v = cursor | ~mask;
  if (v == ~uint64_t{0}) {
    return 0;
  }
  const uint64_t top = uint64_t{1} << (std::bit_width(~v) - 1);
  return (v & (top - 1)) | top;
}

}  // namespace codis::server
