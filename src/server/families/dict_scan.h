// The loop of Redis's scanGenericCommand over a hashtable-encoded hash or set (HSCAN, SSCAN): dictScan
// steps from the cursor until COUNT elements were visited or the walk ended, at most 10 * COUNT + 1
// steps, so a call over a sparse table costs bounded time and may return nothing with a nonzero cursor.
// A hash counts a field and its value as two elements against twice COUNT, as Redis's reply list does:
// COUNT fields. MATCH filters the visited elements afterwards (visit decides), so it does not change the
// steps.
#pragma once

#include <algorithm>
#include <cstdint>

namespace codis::server {

// per_element: 2 for hashes (field and value), 1 for sets. Returns the cursor for the next call.
template <class Dict, class Visit>
uint64_t scan_dict(const Dict& d, uint64_t cursor, int64_t count, uint64_t per_element, const Visit& visit) {
  // Redis multiplies the long COUNT by 2 and 10 unchecked; the clamp keeps that in range and is never
  // reached by a table that fits in memory.
  const uint64_t want = static_cast<uint64_t>(std::clamp<int64_t>(count, 1, int64_t{1} << 40)) * per_element;
  uint64_t steps_left = want * 10;
  uint64_t visited = 0;
  do {
    cursor = d.scan(cursor, [&](const auto& element) {
      visited += per_element;
      visit(element);
    });
  } while (cursor != 0 && steps_left-- != 0 && visited < want);
  return cursor;
}

}  // namespace codis::server
