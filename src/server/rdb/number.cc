// Number texts for the RDB encodings; see number.h for which Redis function each mirrors.
#include "server/rdb/number.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace codis::server::rdb {

bool parse_canonical_i64(std::string_view s, int64_t* out) {
  const size_t n = s.size();
  // Redis's LONG_STR_SIZE (21): longer texts are never integers.
  if (n == 0 || n >= 21) return false;
  if (n == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative) {
    if (n == 1) return false;
    i = 1;
  }
  // The first digit must be 1-9: this is what rejects "01", "-0" and "+1".
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = static_cast<uint64_t>(s[i] - '0');
  for (++i; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const auto d = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > uint64_t{1} << 63) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

void append_i64(int64_t v, std::string* out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

std::string i64_to_string(int64_t v) {
  std::string s;
  append_i64(v, &s);
  return s;
}

bool score_as_integer(double d, int64_t* out) {
  // LLONG_MAX / 2 converted to double is 2^62; the comparison is done in double as in C.
  constexpr double kLimit = static_cast<double>(std::numeric_limits<int64_t>::max() / 2);
  if (!(d >= -kLimit && d <= kLimit)) return false;  // also false for NaN
  const auto ll = static_cast<int64_t>(d);
  if (static_cast<double>(ll) != d) return false;
  *out = ll;
  return true;
}

std::string score_text_17g(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  // std::to_chars with general format and precision 17 is specified to equal printf("%.17g").
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::general, 17);
  return std::string(buf, r.ptr);
}

std::string legacy_score_text(double d) {
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  constexpr double kMin = -4503599627370495.0;  // -(2^52 - 1)
  constexpr double kMax = 4503599627370496.0;   // 2^52
  if (d > kMin && d < kMax && d == static_cast<double>(static_cast<int64_t>(d))) {
    return i64_to_string(static_cast<int64_t>(d));
  }
  return score_text_17g(d);
}

bool parse_score_text(std::string_view s, double* out) {
  if (s.empty()) return false;
  double d = 0;
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, d, std::chars_format::general);
  // Out-of-range texts are refused: Redis never writes one (it prints scores with %.17g or as integers).
  if (r.ec != std::errc() || r.ptr != end) return false;
  if (std::isnan(d)) return false;
  *out = d;
  return true;
}

}  // namespace codis::server::rdb
