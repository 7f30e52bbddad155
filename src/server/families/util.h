// Helpers every command family uses: typed key lookup with the WRONGTYPE reply, and argument parsing
// with Redis's exact error replies. Each returns false after replying, so handlers read as
// `if (!parse_int(ctx, i, &n)) return;`.
#pragma once

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "cmd/ascii.h"
#include "resp/number.h"
#include "server/context.h"
#include "server/errors.h"
#include "server/server.h"

namespace codis::server {

// ASCII case-insensitive equality (cmd/ascii.h: no locale lookup per character, as std::tolower does).
inline bool iequals(std::string_view a, std::string_view b) {
  return cmd::iequals(a, b);
}

// A read lookup as Redis's lookupKeyRead: expires the key if due and counts a keyspace hit or miss.
// Touch::kNo is LOOKUP_NOTOUCH (EXISTS, TYPE, the TTL family): counted, but the access clock stays.
inline Entry* lookup_read(CommandContext& ctx, std::string_view key, Db::Touch touch = Db::Touch::kYes) {
  Entry* e = ctx.db().find(key, ctx.now_ms, touch);
  ++(e == nullptr ? ctx.server.stats().keyspace_misses : ctx.server.stats().keyspace_hits);
  return e;
}

// The entry at key if it exists and has type t. On a type mismatch replies WRONGTYPE and sets *wrong.
inline Entry* lookup_typed(CommandContext& ctx, std::string_view key, ObjType t, bool* wrong) {
  *wrong = false;
  Entry* e = lookup_read(ctx, key);
  if (e == nullptr) {
    return nullptr;
  }
  if (!e->value.is(t)) {
    *wrong = true;
    ctx.out.error(err::kWrongType);
    return nullptr;
  }
  return e;
}

inline bool parse_int(CommandContext& ctx, std::string_view s, int64_t* out) {
  if (!resp::parse_ll(s, out)) {
    ctx.out.error(err::kNotInteger);
    return false;
  }
  return true;
}

inline bool parse_double_arg(CommandContext& ctx, std::string_view s, double* out) {
  if (!resp::parse_double(s, out)) {
    ctx.out.error(err::kNotFloat);
    return false;
  }
  return true;
}

// SCAN-family cursors as Redis's parseScanCursorOrReply reads them (cmd/ascii.h: codis-proxy reads its
// own SCAN cursors the same way).
using cmd::parse_scan_cursor;

// HSCAN/SSCAN/ZSCAN key cursor [MATCH pattern] [COUNT count]: the cursor, then the options in order as
// Redis's scanGenericCommand reads them (COUNT below 1 is a syntax error; MATCH "*" means no pattern).
struct ScanArgs {
  uint64_t cursor = 0;
  std::string_view pattern;
  bool use_pattern = false;
  int64_t count = 10;
};

// The options from argv[3] on; replies the error and returns false on bad input.
inline bool parse_scan_options(CommandContext& ctx, ScanArgs* a) {
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    const bool has_value = i + 1 < ctx.argc();
    if (has_value && iequals(ctx.arg(i), "count")) {
      if (!parse_int(ctx, ctx.arg(i + 1), &a->count)) {
        return false;
      }
      if (a->count < 1) {
        ctx.out.error(err::kSyntax);
        return false;
      }
    } else if (has_value && iequals(ctx.arg(i), "match")) {
      a->pattern = ctx.arg(i + 1);
      a->use_pattern = a->pattern != "*";
    } else {
      ctx.out.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace codis::server
