// ASCII case folding and strict integer parsing for command names, keywords, numkeys arguments and SCAN
// cursors (Redis compares them with strcasecmp and parses numbers with string2ll or strtoul; all ignore the
// locale).
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

// SCAN-family cursors as Redis's parseScanCursorOrReply reads them: strtoul over the text, rejecting a
// leading space, trailing bytes and overflow; so a sign is allowed ("-1" wraps around to 2^64 - 1), a sign
// alone is not a number, and the empty string is cursor 0. Bytes after a NUL are unseen by strtoul.
// Shared by codis-server's SCAN/HSCAN/SSCAN/ZSCAN and codis-proxy's SCAN, so both answer as Redis does.
bool parse_scan_cursor(std::string_view s, uint64_t* out);

}  // namespace codis::cmd
