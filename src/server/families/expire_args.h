// Parsing of expiry arguments shared by SET, GETEX, SETEX/PSETEX and the EXPIRE family, with Redis 7.0's
// validation: non-positive or overflowing times are "invalid expire time in '<cmd>' command".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "resp/number.h"

namespace codis::server {

enum class ExpireUnit { kSeconds, kMillis };

// Turns a relative (or, with absolute, unix-time) amount into absolute unix ms; false when invalid.
inline bool expire_to_abs_ms(std::string_view arg, ExpireUnit unit, bool absolute, int64_t now_ms,
                             int64_t* out, bool allow_nonpositive = false) {
  int64_t v = 0;
  if (!resp::parse_ll(arg, &v)) {
    return false;
  }
  if (v <= 0 && !allow_nonpositive) {
    return false;
  }
  if (unit == ExpireUnit::kSeconds) {
    if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000) {
      return false;
    }
    v *= 1000;
  }
  if (!absolute) {
    if ((v > 0 && now_ms > INT64_MAX - v) || (v < 0 && now_ms < INT64_MIN - v)) {
      return false;
    }
    v += now_ms;
  }
  *out = v;
  return true;
}

inline std::string invalid_expire(std::string_view cmd) {
  return "ERR invalid expire time in '" + std::string(cmd) + "' command";
}

}  // namespace codis::server
