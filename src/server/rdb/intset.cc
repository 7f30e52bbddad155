// Intset writing and validated reading.
#include "server/rdb/intset.h"

#include <algorithm>

#include "server/rdb/number.h"

namespace codis::server::rdb {

void encode_intset(std::vector<int64_t>& values, std::string* out) {
  std::sort(values.begin(), values.end());
  int width = 2;
  for (const int64_t v : values) {
    if (v < -2147483648LL || v > 2147483647LL) {
      width = 8;
      break;
    }
    if (v < -32768 || v > 32767) width = 4;
  }
  append_le(static_cast<uint64_t>(width), 4, out);
  append_le(values.size(), 4, out);
  for (const int64_t v : values) append_le(static_cast<uint64_t>(v), width, out);
}

DumpStatus decode_intset(std::string_view is_view, Budget& budget, std::vector<std::string>* out) {
  const auto* is = reinterpret_cast<const unsigned char*>(is_view.data());
  if (is_view.size() < 8) return bad_format("intset shorter than its header");
  const uint64_t width = load_le(is, 4);
  if (width != 2 && width != 4 && width != 8) return bad_format("intset with an unknown width");
  const uint64_t count = load_le(is + 4, 4);
  if (count == 0) return bad_format("empty intset");
  if ((is_view.size() - 8) / width != count || (is_view.size() - 8) % width != 0) {
    return bad_format("intset size mismatch");
  }
  const int w = static_cast<int>(width);
  const int shift = 64 - 8 * w;
  int64_t prev = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const int64_t v = static_cast<int64_t>(load_le(is + 8 + i * width, w) << shift) >> shift;
    if (i > 0 && v <= prev) return bad_format("intset not strictly ascending");
    if (!budget.charge(8)) return bad_format("value exceeds the decode budget");
    out->push_back(i64_to_string(v));
    prev = v;
  }
  return {};
}

}  // namespace codis::server::rdb
