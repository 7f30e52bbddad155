// Redis's long double text conversions, byte for byte: string2ld (util.c) for operands and stored values,
// and ld2string in LD_STR_HUMAN mode ("%.17Lf" without trailing zeros) for results. HINCRBYFLOAT uses
// them; INCRBYFLOAT in strings.cc has its own copy for now and can switch to this header.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace codis::server::ld {

// Redis's MAX_LONG_DOUBLE_CHARS: longer operands are not numbers, and every result fits.
inline constexpr size_t kMaxChars = 5 * 1024;

// string2ld: strtold over the whole text (all of it: an embedded NUL makes it not a number), no leading
// space, no NaN; underflow to a denormal is accepted, overflow and underflow to zero are not.
inline bool parse(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxChars) {
    return false;
  }
  char buf[kMaxChars];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  long double v = std::strtold(buf, &end);
  if (std::isspace(static_cast<unsigned char>(buf[0])) || end[0] != '\0' ||
      static_cast<size_t>(end - buf) != s.size() ||
      (errno == ERANGE && (std::isinf(v) || std::fpclassify(v) == FP_ZERO)) || errno == EINVAL ||
      std::isnan(v)) {
    return false;
  }
  *out = v;
  return true;
}

// ld2string(LD_STR_HUMAN) for a finite v: 3 + 1.1 is "4.1", -0 is "0".
inline std::string format_human(long double v) {
  char buf[kMaxChars];
  int l = std::snprintf(buf, sizeof buf, "%.17Lf", v);
  if (l < 0 || static_cast<size_t>(l) + 1 > sizeof buf) {
    return std::string();  // Redis replies an empty string here; unreachable for finite long doubles
  }
  size_t n = static_cast<size_t>(l);
  if (std::memchr(buf, '.', n) != nullptr) {
    while (buf[n - 1] == '0') {
      --n;
    }
    if (buf[n - 1] == '.') {
      --n;
    }
  }
  if (n == 2 && buf[0] == '-' && buf[1] == '0') {
    return "0";
  }
  return std::string(buf, n);
}

}  // namespace codis::server::ld
