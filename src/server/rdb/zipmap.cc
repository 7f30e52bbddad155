// Zipmap writing and validated reading.
#include "server/rdb/zipmap.h"

namespace codis::server::rdb {
namespace {

constexpr uint8_t kBigLen = 254;
constexpr uint8_t kEnd = 255;

void append_len(uint64_t n, std::string* out) {
  if (n < kBigLen) {
    out->push_back(static_cast<char>(n));
  } else {
    out->push_back(static_cast<char>(kBigLen));
    append_le(n, 4, out);
  }
}

// Reads a length at zm[*p]; false if it does not fit before the last byte.
bool read_len(const unsigned char* zm, size_t last, size_t* p, uint64_t* n) {
  const size_t s = zm[*p] < kBigLen ? 1 : 5;
  if (s > last - *p) return false;
  *n = s == 1 ? zm[*p] : load_le(zm + *p + 1, 4);
  *p += s;
  return true;
}

}  // namespace

void encode_zipmap(const std::vector<std::pair<std::string, std::string>>& fields, std::string* out) {
  out->push_back(static_cast<char>(fields.size() < kBigLen ? fields.size() : kBigLen));
  for (const auto& [f, v] : fields) {
    append_len(f.size(), out);
    out->append(f);
    append_len(v.size(), out);
    out->push_back('\0');  // no free bytes
    out->append(v);
  }
  out->push_back(static_cast<char>(kEnd));
}

DumpStatus decode_zipmap(std::string_view zm_view, Budget& budget,
                         std::vector<std::pair<std::string, std::string>>* out) {
  const auto* zm = reinterpret_cast<const unsigned char*>(zm_view.data());
  const size_t size = zm_view.size();
  if (size < 2) return bad_format("zipmap shorter than its header");
  if (zm[size - 1] != kEnd) return bad_format("zipmap without terminator");
  const size_t last = size - 1;
  size_t p = 1;
  uint64_t count = 0;
  while (zm[p] != kEnd) {
    uint64_t flen = 0;
    uint64_t vlen = 0;
    if (!read_len(zm, last, &p, &flen) || flen > last - p) return bad_format("zipmap field past the end");
    const size_t field_at = p;
    p += flen;
    if (!read_len(zm, last, &p, &vlen) || p >= last) return bad_format("zipmap value past the end");
    const uint64_t free = zm[p++];
    if (vlen > last - p || free > last - p - vlen) return bad_format("zipmap value past the end");
    if (!budget.charge(flen + vlen)) return bad_format("value exceeds the decode budget");
    out->emplace_back(std::string(reinterpret_cast<const char*>(zm + field_at), flen),
                      std::string(reinterpret_cast<const char*>(zm + p), vlen));
    p += vlen + free;
    ++count;
  }
  if (p != last) return bad_format("zipmap terminator before the end");
  if (count == 0) return bad_format("empty zipmap");
  if (zm[0] != kBigLen && zm[0] != count) return bad_format("zipmap count mismatch");
  return {};
}

}  // namespace codis::server::rdb
