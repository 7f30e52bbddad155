// Integer and double conversions for RESP; see number.h for the exact rules each follows.
#include "resp/number.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>

namespace codis::resp {
namespace {

// "00" "01" ... "99": formatting two digits per division halves the number of (slow) divisions.
constexpr char kDigitPairs[] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";

// Redis's LONG_STR_SIZE: texts this long or longer are never integers.
constexpr size_t kLongStrSize = 21;

}  // namespace

bool parse_ll(std::string_view s, int64_t* out) {
  const size_t n = s.size();
  if (n == 0 || n >= kLongStrSize) return false;
  if (n == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (n == 1) return false;
  }
  // The first digit must be 1-9: this is what rejects "01", "-0" and "+1".
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = static_cast<uint64_t>(s[i] - '0');
  for (++i; i < n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    constexpr uint64_t kMinMagnitude = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
    if (v > kMinMagnitude) return false;
    *out = static_cast<int64_t>(0 - v);  // two's complement wrap gives INT64_MIN for kMinMagnitude
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool parse_double(std::string_view s, double* out) {
  if (s.empty() || s[0] == '+' || s[0] == ' ') return false;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  // from_chars reports out-of-range (e.g. "1e999") as an error; RESP3 peers never send those.
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  *out = v;
  return true;
}

int digits10(uint64_t v) {
  int n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

size_t format_u64(uint64_t v, char* out) {
  const int len = digits10(v);
  char* p = out + len;
  while (v >= 100) {
    const unsigned pair = static_cast<unsigned>(v % 100) * 2;
    v /= 100;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  }
  if (v >= 10) {
    const unsigned pair = static_cast<unsigned>(v) * 2;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  } else {
    *--p = static_cast<char>('0' + v);
  }
  return static_cast<size_t>(len);
}

size_t format_i64(int64_t v, char* out) {
  if (v >= 0) return format_u64(static_cast<uint64_t>(v), out);
  out[0] = '-';
  // Negate in unsigned arithmetic so INT64_MIN does not overflow.
  return 1 + format_u64(0 - static_cast<uint64_t>(v), out + 1);
}

namespace {

size_t format_special(double d, char* out) {
  if (std::isnan(d)) {
    std::memcpy(out, "nan", 3);
    return 3;
  }
  if (d > 0) {
    std::memcpy(out, "inf", 3);
    return 3;
  }
  std::memcpy(out, "-inf", 4);
  return 4;
}

// Lays out the shortest round-trip digits the way %g would print them with precision 17.
size_t format_shortest(double d, char* out) {
  // to_chars in scientific form without a precision gives the shortest digits: "d[.ddd]e[+-]XX".
  char sci[kMaxDoubleChars];
  const auto res = std::to_chars(sci, sci + sizeof(sci), d, std::chars_format::scientific);
  const char* p = sci;
  const char* end = res.ptr;
  char* o = out;
  if (*p == '-') {
    *o++ = '-';
    ++p;
  }
  char digits[20];
  int nd = 0;
  while (p < end && *p != 'e') {
    if (*p != '.') digits[nd++] = *p;
    ++p;
  }
  int exp = 0;
  ++p;  // 'e'
  const bool neg_exp = *p == '-';
  for (++p; p < end; ++p) exp = exp * 10 + (*p - '0');
  if (neg_exp) exp = -exp;

  if (exp < -4 || exp >= 17) {
    *o++ = digits[0];
    if (nd > 1) {
      *o++ = '.';
      std::memcpy(o, digits + 1, static_cast<size_t>(nd - 1));
      o += nd - 1;
    }
    *o++ = 'e';
    *o++ = exp < 0 ? '-' : '+';
    const int a = exp < 0 ? -exp : exp;
    if (a < 10) *o++ = '0';
    o += format_u64(static_cast<uint64_t>(a), o);
  } else if (exp < 0) {
    *o++ = '0';
    *o++ = '.';
    for (int i = -1; i > exp; --i) *o++ = '0';
    std::memcpy(o, digits, static_cast<size_t>(nd));
    o += nd;
  } else {
    const int int_digits = exp + 1;
    for (int i = 0; i < int_digits; ++i) *o++ = i < nd ? digits[i] : '0';
    if (nd > int_digits) {
      *o++ = '.';
      std::memcpy(o, digits + int_digits, static_cast<size_t>(nd - int_digits));
      o += nd - int_digits;
    }
  }
  return static_cast<size_t>(o - out);
}

}  // namespace

size_t format_double(double d, char* out, DoubleFormat format) {
  if (!std::isfinite(d)) return format_special(d, out);
  if (format == DoubleFormat::kRedis70) {
    // C++17 defines to_chars with a precision as printf("%.*g") in the C locale.
    const auto res = std::to_chars(out, out + kMaxDoubleChars, d, std::chars_format::general, 17);
    return static_cast<size_t>(res.ptr - out);
  }
  return format_shortest(d, out);
}

}  // namespace codis::resp
