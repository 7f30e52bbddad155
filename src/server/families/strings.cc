// String commands: GET/SET and their variants, counters, ranges. Bit commands and LCS live in bits.cc.
#include <cmath>
#include <cstdio>
#include <cstring>

#include "server/encoding.h"
#include "server/families/expire_args.h"
#include "server/families/long_double.h"
#include "server/families/util.h"

namespace codis::server {

namespace {

constexpr int64_t kNoExpire = -1;

Entry* get_string(CommandContext& ctx, std::string_view key, bool* wrong) {
  return lookup_typed(ctx, key, ObjType::kString, wrong);
}

bool check_length(CommandContext& ctx, uint64_t len) {
  if (len > static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len)) {
    ctx.out.error(err::kStringTooLong);
    return false;
  }
  return true;
}

void cmd_get(CommandContext& ctx) {
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.null();
  } else {
    ctx.out.bulk(e->value.str());
  }
}

// Options of SET and GETEX, parsed as Redis 7.0's parseExtendedStringArgumentsOrReply does: an expiry
// option excludes the other expiry kinds but may repeat (the last one wins), and the time is validated
// (check_expire_time) only once every option has been read ("SET k v EX abc foo" is a syntax error).
struct StringOptions {
  bool nx = false, xx = false, get = false, keepttl = false, persist = false;
  size_t expire_arg = 0;  // index of the time argument, 0 if none
  ExpireUnit unit = ExpireUnit::kSeconds;
  bool absolute = false;
  int64_t expire_ms = kNoExpire;  // absolute unix ms once validated
};

bool parse_string_options(CommandContext& ctx, size_t first, bool is_set, StringOptions* o) {
  constexpr unsigned kEx = 1, kPx = 2, kExat = 4, kPxat = 8;
  unsigned kinds = 0;
  for (size_t i = first; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    const bool has_next = i + 1 < ctx.argc();
    unsigned kind = iequals(a, "ex")     ? kEx
                    : iequals(a, "px")   ? kPx
                    : iequals(a, "exat") ? kExat
                    : iequals(a, "pxat") ? kPxat
                                         : 0;
    if (is_set && iequals(a, "nx") && !o->xx) {
      o->nx = true;
    } else if (is_set && iequals(a, "xx") && !o->nx) {
      o->xx = true;
    } else if (is_set && iequals(a, "get")) {
      o->get = true;
    } else if (is_set && iequals(a, "keepttl") && kinds == 0) {
      o->keepttl = true;
    } else if (!is_set && iequals(a, "persist") && kinds == 0) {
      o->persist = true;
    } else if (kind != 0 && !o->keepttl && !o->persist && (kinds & ~kind) == 0 && has_next) {
      kinds = kind;
      o->expire_arg = i + 1;
      o->unit = (kind == kEx || kind == kExat) ? ExpireUnit::kSeconds : ExpireUnit::kMillis;
      o->absolute = kind == kExat || kind == kPxat;
      ++i;
    } else {
      ctx.out.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Validates the time of an EX/PX/EXAT/PXAT option (a no-op without one). SET does this right after the
// options; GETEX only once the key was found to be a string, as Redis 7.0 does.
bool check_expire_time(CommandContext& ctx, StringOptions* o) {
  if (o->expire_arg == 0) {
    return true;
  }
  int64_t raw;
  if (!parse_int(ctx, ctx.arg(o->expire_arg), &raw)) {
    return false;
  }
  if (!expire_to_abs_ms(ctx.arg(o->expire_arg), o->unit, o->absolute, ctx.now_ms, &o->expire_ms)) {
    ctx.out.error(invalid_expire(ctx.spec.name));
    return false;
  }
  return true;
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms | KEEPTTL]
void cmd_set(CommandContext& ctx) {
  StringOptions o;
  if (!parse_string_options(ctx, 3, true, &o) || !check_expire_time(ctx, &o)) {
    return;
  }
  const bool nx = o.nx, xx = o.xx, get = o.get, keepttl = o.keepttl;
  const bool have_expire = o.expire_arg != 0;
  const int64_t expire = o.expire_ms;
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db();
  Entry* e = db.find(key, ctx.now_ms);
  if (get && e != nullptr && !e->value.is(ObjType::kString)) {
    ctx.out.error(err::kWrongType);
    return;
  }
  std::string old;
  const bool existed = e != nullptr;
  if (get && existed) {
    old = e->value.str();
  }
  if ((nx && existed) || (xx && !existed)) {
    if (get) {
      existed ? ctx.out.bulk(old) : ctx.out.null();
    } else {
      ctx.out.null();
    }
    return;
  }
  int64_t keep = (keepttl && existed) ? db.expire_of(*e) : kNoExpire;
  if (have_expire && expire <= ctx.now_ms) {
    // EXAT/PXAT in the past: Redis sets and deletes at once (the key ends up missing, writers see it).
    db.remove(key);
  } else {
    db.set(key, Object(std::string(ctx.arg(2))), have_expire ? expire : keep);
  }
  ctx.touched(key);
  if (get) {
    existed ? ctx.out.bulk(old) : ctx.out.null();
  } else {
    ctx.out.ok();
  }
}

void cmd_setnx(CommandContext& ctx) {
  Db& db = ctx.db();
  if (db.find(ctx.arg(1), ctx.now_ms) != nullptr) {
    ctx.out.integer(0);
    return;
  }
  db.set(ctx.arg(1), Object(std::string(ctx.arg(2))));
  ctx.touched(ctx.arg(1));
  ctx.out.integer(1);
}

void setex_common(CommandContext& ctx, ExpireUnit unit) {
  int64_t at;
  int64_t raw;
  if (!parse_int(ctx, ctx.arg(2), &raw)) {
    return;
  }
  if (!expire_to_abs_ms(ctx.arg(2), unit, false, ctx.now_ms, &at)) {
    ctx.out.error(invalid_expire(ctx.spec.name));
    return;
  }
  ctx.db().set(ctx.arg(1), Object(std::string(ctx.arg(3))), at);
  ctx.touched(ctx.arg(1));
  ctx.out.ok();
}
void cmd_setex(CommandContext& ctx) {
  setex_common(ctx, ExpireUnit::kSeconds);
}
void cmd_psetex(CommandContext& ctx) {
  setex_common(ctx, ExpireUnit::kMillis);
}

// GETEX key [EX s | PX ms | EXAT ts | PXAT ms | PERSIST]
void cmd_getex(CommandContext& ctx) {
  StringOptions o;
  if (!parse_string_options(ctx, 2, false, &o)) {
    return;
  }
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.null();
    return;
  }
  if (!check_expire_time(ctx, &o)) {
    return;
  }
  const bool persist = o.persist, have_expire = o.expire_arg != 0;
  const int64_t expire = o.expire_ms;
  ctx.out.bulk(e->value.str());
  if (have_expire && expire <= ctx.now_ms) {
    ctx.db().remove(ctx.arg(1));
    ctx.touched(ctx.arg(1));
  } else if (have_expire) {
    ctx.db().set_expire(ctx.arg(1), *e, expire);
    ctx.touched(ctx.arg(1));
  } else if (persist && e->has_expire()) {
    ctx.db().set_expire(ctx.arg(1), *e, kNoExpire);
    ctx.touched(ctx.arg(1));
  }
}

void cmd_getdel(CommandContext& ctx) {
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.null();
    return;
  }
  ctx.out.bulk(e->value.str());
  ctx.db().remove(ctx.arg(1));
  ctx.touched(ctx.arg(1));
}

void cmd_getset(CommandContext& ctx) {
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.null();
  } else {
    ctx.out.bulk(e->value.str());
  }
  ctx.db().set(ctx.arg(1), Object(std::string(ctx.arg(2))));
  ctx.touched(ctx.arg(1));
}

void cmd_mget(CommandContext& ctx) {
  ctx.out.array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    Entry* e = ctx.db().find(ctx.arg(i), ctx.now_ms);
    if (e == nullptr || !e->value.is(ObjType::kString)) {
      ctx.out.null();
    } else {
      ctx.out.bulk(e->value.str());
    }
  }
}

bool mset_arity(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    ctx.out.error("ERR wrong number of arguments for '" + std::string(ctx.spec.name) + "' command");
    return false;
  }
  return true;
}

void cmd_mset(CommandContext& ctx) {
  if (!mset_arity(ctx)) {
    return;
  }
  for (size_t i = 1; i + 1 < ctx.argc(); i += 2) {
    ctx.db().set(ctx.arg(i), Object(std::string(ctx.arg(i + 1))));
    ctx.touched(ctx.arg(i));
  }
  ctx.out.ok();
}

void cmd_msetnx(CommandContext& ctx) {
  if (!mset_arity(ctx)) {
    return;
  }
  for (size_t i = 1; i + 1 < ctx.argc(); i += 2) {
    if (ctx.db().find(ctx.arg(i), ctx.now_ms) != nullptr) {
      ctx.out.integer(0);
      return;
    }
  }
  for (size_t i = 1; i + 1 < ctx.argc(); i += 2) {
    ctx.db().set(ctx.arg(i), Object(std::string(ctx.arg(i + 1))));
    ctx.touched(ctx.arg(i));
  }
  ctx.out.integer(1);
}

void cmd_append(CommandContext& ctx) {
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.db().set(ctx.arg(1), Object(std::string(ctx.arg(2))));
    ctx.out.integer(static_cast<int64_t>(ctx.arg(2).size()));
  } else {
    if (!check_length(ctx, e->value.str().size() + ctx.arg(2).size())) {
      return;
    }
    e->value.str().append(ctx.arg(2));
    mark_raw_string(e->value);  // grown in place: "raw" (a new key keeps SET's encoding)
    ctx.out.integer(static_cast<int64_t>(e->value.str().size()));
  }
  ctx.touched(ctx.arg(1));
}

void cmd_strlen(CommandContext& ctx) {
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (!wrong) {
    ctx.out.integer(e ? static_cast<int64_t>(e->value.str().size()) : 0);
  }
}

void incr_by(CommandContext& ctx, int64_t delta) {
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  int64_t v = 0;
  if (e != nullptr && !resp::parse_ll(e->value.str(), &v)) {
    ctx.out.error(err::kNotInteger);
    return;
  }
  if ((delta < 0 && v < 0 && delta < INT64_MIN - v) || (delta > 0 && v > 0 && delta > INT64_MAX - v)) {
    ctx.out.error(err::kOverflow);
    return;
  }
  v += delta;
  char buf[24];
  size_t n = resp::format_i64(v, buf);
  if (e == nullptr) {
    ctx.db().set(ctx.arg(1), Object(std::string_view(buf, n)));
  } else {
    e->value.str().assign(buf, n);
    mark_int_string(e->value);
  }
  ctx.touched(ctx.arg(1));
  ctx.out.integer(v);
}

void cmd_incr(CommandContext& ctx) {
  incr_by(ctx, 1);
}
void cmd_decr(CommandContext& ctx) {
  incr_by(ctx, -1);
}
void cmd_incrby(CommandContext& ctx) {
  int64_t d;
  if (parse_int(ctx, ctx.arg(2), &d)) {
    incr_by(ctx, d);
  }
}
void cmd_decrby(CommandContext& ctx) {
  int64_t d;
  if (!parse_int(ctx, ctx.arg(2), &d)) {
    return;
  }
  if (d == INT64_MIN) {
    ctx.out.error("ERR decrement would overflow");
    return;
  }
  incr_by(ctx, -d);
}

void cmd_incrbyfloat(CommandContext& ctx) {
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  long double v = 0, d = 0;
  if ((e != nullptr && !ld::parse(e->value.str(), &v)) || !ld::parse(ctx.arg(2), &d)) {
    ctx.out.error(err::kNotFloat);
    return;
  }
  v += d;
  if (std::isnan(v) || std::isinf(v)) {
    ctx.out.error("ERR increment would produce NaN or Infinity");
    return;
  }
  std::string s = ld::format_human(v);
  Object& o = e == nullptr ? ctx.db().set(ctx.arg(1), Object(s)).value : e->value;
  if (e != nullptr) {
    o.str() = s;
  }
  mark_float_string(o);
  ctx.touched(ctx.arg(1));
  ctx.out.bulk(s);
}

void cmd_getrange(CommandContext& ctx) {
  int64_t start, end;
  if (!parse_int(ctx, ctx.arg(2), &start) || !parse_int(ctx, ctx.arg(3), &end)) {
    return;
  }
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.bulk("");
    return;
  }
  const std::string_view s = e->value.str();
  const int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) {
    ctx.out.bulk("");
    return;
  }
  if (start < 0) start = std::max<int64_t>(0, len + start);
  if (end < 0) end = std::max<int64_t>(0, len + end);
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    ctx.out.bulk("");
    return;
  }
  ctx.out.bulk(std::string_view(s).substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

void cmd_setrange(CommandContext& ctx) {
  int64_t offset;
  if (!parse_int(ctx, ctx.arg(2), &offset)) {
    return;
  }
  if (offset < 0) {
    ctx.out.error("ERR offset is out of range");
    return;
  }
  std::string_view value = ctx.arg(3);
  bool wrong;
  Entry* e = get_string(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    if (value.empty()) {
      ctx.out.integer(0);
      return;
    }
    if (!check_length(ctx, static_cast<uint64_t>(offset) + value.size())) {
      return;
    }
    std::string s(static_cast<size_t>(offset), '\0');
    s.append(value);
    mark_raw_string(ctx.db().set(ctx.arg(1), Object(s)).value);
    ctx.touched(ctx.arg(1));
    ctx.out.integer(static_cast<int64_t>(s.size()));
    return;
  }
  StrRef s = e->value.str();
  if (value.empty()) {
    ctx.out.integer(static_cast<int64_t>(s.size()));
    return;
  }
  if (!check_length(ctx, static_cast<uint64_t>(offset) + value.size())) {
    return;
  }
  if (s.size() < static_cast<size_t>(offset) + value.size()) {
    s.resize(static_cast<size_t>(offset) + value.size());
  }
  std::memcpy(s.data() + offset, value.data(), value.size());
  mark_raw_string(e->value);
  ctx.touched(ctx.arg(1));
  ctx.out.integer(static_cast<int64_t>(s.size()));
}

}  // namespace

void register_string_family(Registry& r) {
  r.add("get", cmd_get);
  r.add("set", cmd_set);
  r.add("setnx", cmd_setnx);
  r.add("setex", cmd_setex);
  r.add("psetex", cmd_psetex);
  r.add("getex", cmd_getex);
  r.add("getdel", cmd_getdel);
  r.add("getset", cmd_getset);
  r.add("mget", cmd_mget);
  r.add("mset", cmd_mset);
  r.add("msetnx", cmd_msetnx);
  r.add("append", cmd_append);
  r.add("strlen", cmd_strlen);
  r.add("incr", cmd_incr);
  r.add("decr", cmd_decr);
  r.add("incrby", cmd_incrby);
  r.add("decrby", cmd_decrby);
  r.add("incrbyfloat", cmd_incrbyfloat);
  r.add("getrange", cmd_getrange);
  r.add("substr", cmd_getrange);
  r.add("setrange", cmd_setrange);
}

}  // namespace codis::server
