// Helpers shared by the server_rdb tests: hex, the captured Redis cases, and order-insensitive value
// comparison for the types whose order Redis does not define.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "server/rdb/types.h"

namespace codis::server::rdb::testing {

inline std::string unhex(std::string_view h) {
  std::string out;
  out.reserve(h.size() / 2);
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

inline std::string hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : s) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

// Splits on every separator, keeping empty pieces (an empty string item is an empty hex field).
inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (const char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

// One line of data/redis70_dumps.tsv (see capture_redis.py).
struct RedisCase {
  std::string name;
  std::string kind;      // TYPE: string list set zset hash
  std::string encoding;  // OBJECT ENCODING
  EncodeOptions options;
  std::string payload;
  DumpValue expected;  // as Redis's read commands returned it
};

inline std::vector<RedisCase> load_redis_cases(const std::string& path) {
  std::vector<RedisCase> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto cols = split(line, '\t');
    if (cols.size() != 8) continue;
    RedisCase c;
    c.name = cols[0];
    c.kind = cols[1];
    c.encoding = cols[2];
    c.options.compress = cols[3] == "yes";
    c.options.list_max_listpack_size = std::stoi(cols[4]);
    c.options.packed_threshold = std::stoull(cols[5]);
    c.payload = unhex(cols[6]);
    std::vector<std::string> items = cols[7] == "-" ? std::vector<std::string>{} : split(cols[7], ',');
    if (c.kind == "zset") {
      c.expected.type = ValueType::kZSet;
      for (const auto& it : items) {
        const size_t colon = it.find(':');
        c.expected.zmembers.emplace_back(unhex(it.substr(0, colon)),
                                         std::strtod(it.c_str() + colon + 1, nullptr));
      }
    } else {
      std::vector<std::string> raw;
      for (const auto& it : items) raw.push_back(unhex(it));
      if (c.kind == "string") {
        c.expected = DumpValue::string(raw.empty() ? "" : raw[0]);
      } else if (c.kind == "list") {
        c.expected = DumpValue::list(raw);
      } else if (c.kind == "set") {
        c.expected = DumpValue::set(raw);
      } else {
        c.expected.type = ValueType::kHash;
        for (size_t i = 0; i + 1 < raw.size(); i += 2) c.expected.fields.emplace_back(raw[i], raw[i + 1]);
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

// The value with the parts Redis leaves unordered (set members, hash fields) sorted.
inline DumpValue canonical(DumpValue v) {
  if (v.type == ValueType::kSet) std::sort(v.elems.begin(), v.elems.end());
  if (v.type == ValueType::kHash) std::sort(v.fields.begin(), v.fields.end());
  if (v.type == ValueType::kZSet) std::sort(v.zmembers.begin(), v.zmembers.end());
  return v;
}

}  // namespace codis::server::rdb::testing
