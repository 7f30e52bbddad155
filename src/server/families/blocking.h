// What the blocking commands (BLPOP, BLMOVE, BLMPOP, BZPOPMIN, BZMPOP, ...) share: the timeout argument
// parsed as Redis 7.0 does (seconds as a long double, rounded up to whole milliseconds).
#pragma once

#include <climits>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "server/context.h"
#include "server/families/long_double.h"

namespace codis::server {

// Parses a timeout in seconds into milliseconds (0 = forever); replies Redis's error and returns false on
// bad input.
inline bool parse_block_timeout(CommandContext& ctx, std::string_view arg, int64_t* ms) {
  long double v;
  if (!ld::parse(arg, &v)) {
    ctx.out.error("ERR timeout is not a float or out of range");
    return false;
  }
  v *= 1000.0L;
  if (v > static_cast<long double>(LLONG_MAX)) {
    ctx.out.error("ERR timeout is out of range");
    return false;
  }
  // ceil first: a timeout in (-1 ms, 0) rounds to 0 and blocks forever, as in Redis.
  if (v <= -1.0L) {
    ctx.out.error("ERR timeout is negative");
    return false;
  }
  const auto t = static_cast<int64_t>(std::ceil(v));
  if (t < 0) {
    ctx.out.error("ERR timeout is negative");
    return false;
  }
  if (t > 0 && t > LLONG_MAX - ctx.now_ms) {
    ctx.out.error("ERR timeout is out of range");
    return false;
  }
  *ms = t;
  return true;
}

}  // namespace codis::server
