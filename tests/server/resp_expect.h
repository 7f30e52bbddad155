// Expected RESP replies spelled as the bytes redis-server 7.0 sends (for tests that compare raw replies,
// raw_fixture.h), and small helpers on parsed replies.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "resp/value.h"

namespace codis::server::testing {

inline std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
inline std::string integer(int64_t v) {
  return ":" + std::to_string(v) + "\r\n";
}
inline std::string err(std::string_view s) {
  return "-" + std::string(s) + "\r\n";
}
// An array of already encoded replies.
inline std::string arr(std::initializer_list<std::string> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& i : items) {
    out += i;
  }
  return out;
}
// An array of bulk strings.
inline std::string bulks(std::initializer_list<std::string_view> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (auto i : items) {
    out += bulk(i);
  }
  return out;
}
inline const std::string kNull = "$-1\r\n";
inline const std::string kNullArray = "*-1\r\n";
inline const std::string kNull3 = "_\r\n";
inline const std::string kOk = "+OK\r\n";
inline const std::string kEmpty = "*0\r\n";
inline const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

// The strings of a flat array reply, in reply order.
inline std::vector<std::string> strings(const resp::Value& v) {
  std::vector<std::string> s;
  for (const auto& e : v.elems) {
    s.push_back(e.str);
  }
  return s;
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace codis::server::testing
