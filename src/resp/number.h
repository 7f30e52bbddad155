// Number <-> text conversions used by the RESP parsers and the reply writer: Redis-exact integer parsing,
// fast integer formatting (no snprintf on the hot path) and Redis-compatible double formatting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace codis::resp {

// Longest text format_i64/format_u64 can produce ("-9223372036854775808" is 20 bytes).
inline constexpr size_t kMaxIntChars = 20;
// Longest text format_double can produce (sign, 17 digits, point, "e-308"), rounded up.
inline constexpr size_t kMaxDoubleChars = 32;

// Parses a signed 64-bit integer exactly as Redis's string2ll does, because the request parser must accept
// and reject the very same length fields Redis does: no sign other than a leading '-', no leading zeros
// ("0" alone is fine, "-0" and "01" are not), no spaces, no overflow, fewer than 21 bytes.
bool parse_ll(std::string_view s, int64_t* out);

// Parses a RESP3 double (",<text>"): decimal or exponent notation, "inf", "-inf", "nan". The whole text
// must be a number; empty text, spaces and a leading '+' are rejected.
bool parse_double(std::string_view s, double* out);

// Number of decimal digits of v (1 for 0).
int digits10(uint64_t v);

// Write the decimal text of v at out (which must have room for kMaxIntChars bytes) and return its length.
size_t format_u64(uint64_t v, char* out);
size_t format_i64(int64_t v, char* out);

enum class DoubleFormat : uint8_t {
  // Fewest digits that read back to the same double, laid out like printf's %.17g (scientific when the
  // exponent is < -4 or >= 17, at least two exponent digits): 0.1 -> "0.1", 1e20 -> "1e+20".
  kShortest,
  // Exactly what Redis 7.0 sends, printf("%.17g"): 0.1 -> "0.10000000000000001".
  kRedis70,
};

// Writes d at out (room for kMaxDoubleChars bytes) and returns the length. Infinities are "inf"/"-inf" and
// every NaN is "nan", whatever the C library would print, as Redis does.
size_t format_double(double d, char* out, DoubleFormat format = DoubleFormat::kShortest);

}  // namespace codis::resp
