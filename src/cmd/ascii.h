// ASCII case folding and strict integer parsing for command names, keywords and numkeys arguments (Redis
// compares them with strcasecmp and parses numbers with string2ll; both ignore the locale).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace codis::cmd {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// Redis string2ll: optional '-', digits, no leading zeros (except "0"), no spaces, fits in int64.
std::optional<int64_t> parse_int64(std::string_view s);

}  // namespace codis::cmd
