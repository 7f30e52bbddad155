// Generic key commands: existence, deletion, expiry, renaming, copying, iteration, and database-level
// commands (SELECT, SWAPDB, MOVE, DBSIZE, FLUSHDB, FLUSHALL).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "server/families/expire_args.h"
#include "server/families/util.h"
#include "server/glob.h"
#include "server/persist/persistence.h"

namespace codis::server {

namespace {

void cmd_del(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.db().find(ctx.arg(i), ctx.now_ms) != nullptr && ctx.db().remove(ctx.arg(i))) {
      ctx.touched(ctx.arg(i));
      ++n;
    }
  }
  ctx.out.integer(n);
}

int64_t count_existing(CommandContext& ctx, Db::Touch touch) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    n += lookup_read(ctx, ctx.arg(i), touch) != nullptr ? 1 : 0;
  }
  return n;
}

// EXISTS, TYPE and the TTL family look without touching the key's access clock (LOOKUP_NOTOUCH), so
// OBJECT IDLETIME is not reset by them; TOUCH is the same count made as an access.
void cmd_exists(CommandContext& ctx) {
  ctx.out.integer(count_existing(ctx, Db::Touch::kNo));
}
void cmd_touch(CommandContext& ctx) {
  ctx.out.integer(count_existing(ctx, Db::Touch::kYes));
}

void cmd_type(CommandContext& ctx) {
  Entry* e = lookup_read(ctx, ctx.arg(1), Db::Touch::kNo);
  ctx.out.simple(e == nullptr ? "none" : type_name(e->value.type()));
}

// EXPIRE key seconds [NX | XX | GT | LT], and PEXPIRE / EXPIREAT / PEXPIREAT.
void expire_generic(CommandContext& ctx, ExpireUnit unit, bool absolute) {
  // Redis checks the options before the time argument ("EXPIRE k abc foo" is about "foo").
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    if (iequals(a, "nx")) {
      nx = true;
    } else if (iequals(a, "xx")) {
      xx = true;
    } else if (iequals(a, "gt")) {
      gt = true;
    } else if (iequals(a, "lt")) {
      lt = true;
    } else {
      ctx.out.error("ERR Unsupported option " + std::string(a));
      return;
    }
  }
  if (nx && (xx || gt || lt)) {
    ctx.out.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if (gt && lt) {
    ctx.out.error("ERR GT and LT options at the same time are not compatible");
    return;
  }
  int64_t when;
  if (!parse_int(ctx, ctx.arg(2), &when)) {
    return;
  }
  int64_t at;
  if (!expire_to_abs_ms(ctx.arg(2), unit, absolute, ctx.now_ms, &at, true)) {
    ctx.out.error(invalid_expire(ctx.spec.name));
    return;
  }
  Entry* e = ctx.db().find(ctx.arg(1), ctx.now_ms);
  if (e == nullptr) {
    ctx.out.integer(0);
    return;
  }
  const int64_t cur = ctx.db().expire_of(*e);
  // A key without expiry counts as an infinite TTL for GT and LT.
  if ((nx && cur != -1) || (xx && cur == -1) || (gt && (cur == -1 || at <= cur)) ||
      (lt && cur != -1 && at >= cur)) {
    ctx.out.integer(0);
    return;
  }
  if (at <= ctx.now_ms) {
    ctx.db().remove(ctx.arg(1));
  } else {
    ctx.db().set_expire(ctx.arg(1), *e, at);
  }
  ctx.touched(ctx.arg(1));
  ctx.out.integer(1);
}
void cmd_expire(CommandContext& ctx) {
  expire_generic(ctx, ExpireUnit::kSeconds, false);
}
void cmd_pexpire(CommandContext& ctx) {
  expire_generic(ctx, ExpireUnit::kMillis, false);
}
void cmd_expireat(CommandContext& ctx) {
  expire_generic(ctx, ExpireUnit::kSeconds, true);
}
void cmd_pexpireat(CommandContext& ctx) {
  expire_generic(ctx, ExpireUnit::kMillis, true);
}

void ttl_generic(CommandContext& ctx, bool ms, bool absolute) {
  Entry* e = lookup_read(ctx, ctx.arg(1), Db::Touch::kNo);
  if (e == nullptr) {
    ctx.out.integer(-2);
  } else if (!e->has_expire()) {
    ctx.out.integer(-1);
  } else if (const int64_t at = ctx.db().expire_of(*e); absolute) {
    // Redis rounds the absolute time too: (ms + 500) / 1000.
    ctx.out.integer(ms ? at : (at + 500) / 1000);
  } else {
    int64_t ttl = std::max<int64_t>(0, at - ctx.now_ms);
    ctx.out.integer(ms ? ttl : (ttl + 500) / 1000);
  }
}
void cmd_ttl(CommandContext& ctx) {
  ttl_generic(ctx, false, false);
}
void cmd_pttl(CommandContext& ctx) {
  ttl_generic(ctx, true, false);
}
void cmd_expiretime(CommandContext& ctx) {
  ttl_generic(ctx, false, true);
}
void cmd_pexpiretime(CommandContext& ctx) {
  ttl_generic(ctx, true, true);
}

void cmd_persist(CommandContext& ctx) {
  Entry* e = ctx.db().find(ctx.arg(1), ctx.now_ms);
  if (e == nullptr || !e->has_expire()) {
    ctx.out.integer(0);
    return;
  }
  ctx.db().set_expire(ctx.arg(1), *e, -1);
  ctx.touched(ctx.arg(1));
  ctx.out.integer(1);
}

void rename_generic(CommandContext& ctx, bool nx) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  Db& db = ctx.db();
  Entry* e = db.find(src, ctx.now_ms);
  if (e == nullptr) {
    ctx.out.error(err::kNoSuchKey);
    return;
  }
  if (src == dst) {
    nx ? ctx.out.integer(0) : ctx.out.ok();
    return;
  }
  if (nx && db.find(dst, ctx.now_ms) != nullptr) {
    ctx.out.integer(0);
    return;
  }
  Object v = std::move(e->value);
  int64_t expire = db.expire_of(*e);
  const uint32_t access = e->lru;  // the value moves with its LRU/LFU stamp, as Redis moves the object
  db.remove(src);
  db.set(dst, std::move(v), expire).lru = access;
  ctx.touched(src);
  ctx.touched(dst);
  nx ? ctx.out.integer(1) : ctx.out.ok();
}
void cmd_rename(CommandContext& ctx) {
  rename_generic(ctx, false);
}
void cmd_renamenx(CommandContext& ctx) {
  rename_generic(ctx, true);
}

void cmd_keys(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  const bool all = pattern == "*";
  std::vector<std::string_view> found;
  Db& db = ctx.db();
  for (uint32_t s = 0; s < cmd::kSlots; ++s) {
    for (const Entry& e : db.slot_table(s)) {
      if (!db.is_expired(e, ctx.now_ms) && (all || glob_match(pattern, e.key()))) {
        found.push_back(e.key());
      }
    }
  }
  ctx.out.array(found.size());
  for (auto k : found) {
    ctx.out.bulk(k);
  }
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is (bucket cursor << 10) | slot: slots
// are walked in order, each with Redis's reverse-binary bucket cursor, so every key present for the whole
// scan is returned even while tables grow or shrink.
void cmd_scan(CommandContext& ctx) {
  uint64_t ucursor = 0;
  if (!parse_scan_cursor(ctx.arg(1), &ucursor)) {
    ctx.out.error("ERR invalid cursor");
    return;
  }
  std::string_view pattern;
  bool have_pattern = false;
  int64_t count = 10;
  std::string_view type;
  bool have_type = false;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view a = ctx.arg(i);
    if (i + 1 >= ctx.argc()) {
      ctx.out.error(err::kSyntax);
      return;
    }
    if (iequals(a, "match")) {
      pattern = ctx.arg(i + 1);
      have_pattern = !(pattern == "*");
    } else if (iequals(a, "count")) {
      if (!parse_int(ctx, ctx.arg(i + 1), &count)) {
        return;
      }
      if (count < 1) {
        ctx.out.error(err::kSyntax);
        return;
      }
    } else if (iequals(a, "type")) {
      type = ctx.arg(i + 1);
      have_type = true;
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  std::vector<std::string_view> found;
  Db& db = ctx.db();
  uint64_t slot = ucursor & (cmd::kSlots - 1);
  uint64_t bucket = ucursor >> 10;
  size_t visited = 0;
  // Redis's scanGenericCommand expires (deletes) the keys it skips as expired once they passed MATCH;
  // they are deleted after the walk, which must not see its table change.
  std::vector<std::string> expired;
  auto visit = [&](const Entry& e) {
    ++visited;
    if (have_pattern && !glob_match(pattern, e.key())) {
      return;
    }
    if (db.is_expired(e, ctx.now_ms)) {
      expired.emplace_back(e.key());
      return;
    }
    if (have_type && !iequals(type_name(e.value.type()), type)) {
      return;
    }
    found.push_back(e.key());
  };
  // Empty slots are not counted against COUNT: skipping all 1024 costs less than a round trip, and an
  // empty or sparse db then finishes in one call as it does in Redis. Redis's limit of 10*COUNT bucket
  // visits keeps a call bounded in a sparse table.
  size_t steps = 0;
  while (slot < cmd::kSlots && visited < static_cast<size_t>(count) &&
         steps < static_cast<size_t>(count) * 10) {
    const SlotTable& t = db.slot_table(static_cast<uint32_t>(slot));
    if (t.empty()) {
      ++slot;
      bucket = 0;
      continue;
    }
    bucket = t.scan(bucket, visit);
    ++steps;
    if (bucket == 0) {
      ++slot;
    }
  }
  ctx.out.array(2);
  ctx.out.bulk(slot >= cmd::kSlots ? "0" : std::to_string((bucket << 10) | slot));
  ctx.out.array(found.size());
  for (auto k : found) {
    ctx.out.bulk(k);
  }
  for (const std::string& k : expired) {
    db.find(k, ctx.now_ms, Db::Touch::kNo);
  }
}

void cmd_randomkey(CommandContext& ctx) {
  Db& db = ctx.db();
  rt::Random& r = ctx.server.env().random;
  for (int tries = 0; tries < 100 && db.size() > 0; ++tries) {
    std::string k = db.random_key([&r](uint64_t n) { return r.uniform(0, n - 1); });
    if (db.find(k, ctx.now_ms, Db::Touch::kNo) != nullptr) {  // dbRandomKey only expires, never touches
      ctx.out.bulk(k);
      return;
    }
  }
  ctx.out.null();
}

void cmd_dbsize(CommandContext& ctx) {
  ctx.out.integer(static_cast<int64_t>(ctx.db().size()));
}

bool flush_option(CommandContext& ctx) {
  if (ctx.argc() > 2 || (ctx.argc() == 2 && !iequals(ctx.arg(1), "async") && !iequals(ctx.arg(1), "sync"))) {
    ctx.out.error(err::kSyntax);
    return false;
  }
  return true;
}

// Emptying or swapping a database fails the EXEC of clients watching keys that existed in it (or in the
// database swapped in), as Redis's touchAllWatchedKeysInDb does; watched keys that did not exist stay
// valid. Must run before the change.
void touch_watched_existing(CommandContext& ctx, int db, int swapped_with = -1) {
  Server& s = ctx.server;
  for (const auto& [id, c] : s.clients()) {
    for (const auto& [wdb, key] : c->watched) {
      if (wdb == db && (s.db(db).peek(key, ctx.now_ms) != nullptr ||
                        (swapped_with >= 0 && s.db(swapped_with).peek(key, ctx.now_ms) != nullptr))) {
        s.touch_watched(db, key);
      }
    }
  }
}

void cmd_flushdb(CommandContext& ctx) {
  if (!flush_option(ctx)) {
    return;
  }
  touch_watched_existing(ctx, ctx.client.db);
  ctx.server.stats().dirty += ctx.db().size();  // Redis adds the keys emptyData removed
  ctx.db().clear();
  ctx.out.ok();
}

void cmd_flushall(CommandContext& ctx) {
  if (!flush_option(ctx)) {
    return;
  }
  // Redis's flushAllDataAndResetRDB: a running BGSAVE is dropped, the keys removed count as changes, and
  // with save rules the empty keyspace is saved (dirty back to 0).
  ctx.server.persistence().abort();
  for (int i = 0; i < ctx.server.databases(); ++i) {
    touch_watched_existing(ctx, i);
    ctx.server.stats().dirty += ctx.server.db(i).size();
    ctx.server.db(i).clear();
  }
  ctx.server.persistence().after_flushall();
  ctx.out.ok();
}

// Redis getIntFromObjectOrReply: an integer that does not fit an int has its own error text.
bool parse_int32(CommandContext& ctx, std::string_view s, int64_t* out) {
  if (!parse_int(ctx, s, out)) {
    return false;
  }
  if (*out < INT32_MIN || *out > INT32_MAX) {
    ctx.out.error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  return true;
}

bool parse_db_index(CommandContext& ctx, std::string_view s, int* out) {
  int64_t v;
  if (!parse_int32(ctx, s, &v)) {
    return false;
  }
  if (v < 0 || v >= ctx.server.databases()) {
    ctx.out.error(err::kDbIndex);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

void cmd_select(CommandContext& ctx) {
  int db;
  if (parse_db_index(ctx, ctx.arg(1), &db)) {
    ctx.client.db = db;
    ctx.out.ok();
  }
}

void cmd_swapdb(CommandContext& ctx) {
  int64_t a, b;
  if (!resp::parse_ll(ctx.arg(1), &a) || a < INT32_MIN || a > INT32_MAX) {
    ctx.out.error("ERR invalid first DB index");
    return;
  }
  if (!resp::parse_ll(ctx.arg(2), &b) || b < INT32_MIN || b > INT32_MAX) {
    ctx.out.error("ERR invalid second DB index");
    return;
  }
  if (a < 0 || b < 0 || a >= ctx.server.databases() || b >= ctx.server.databases()) {
    ctx.out.error(err::kDbIndex);
    return;
  }
  if (a != b) {
    touch_watched_existing(ctx, static_cast<int>(a), static_cast<int>(b));
    touch_watched_existing(ctx, static_cast<int>(b), static_cast<int>(a));
    ctx.server.swap_dbs(static_cast<int>(a), static_cast<int>(b));
    ++ctx.server.stats().dirty;
  }
  ctx.out.ok();
}

void cmd_move(CommandContext& ctx) {
  int dst;
  if (!parse_db_index(ctx, ctx.arg(2), &dst)) {
    return;
  }
  if (dst == ctx.client.db) {
    ctx.out.error(err::kSameObject);
    return;
  }
  Db& from = ctx.db();
  Db& to = ctx.server.db(dst);
  Entry* e = from.find(ctx.arg(1), ctx.now_ms);
  if (e == nullptr || to.find(ctx.arg(1), ctx.now_ms) != nullptr) {
    ctx.out.integer(0);
    return;
  }
  to.set(ctx.arg(1), std::move(e->value), from.expire_of(*e)).lru = e->lru;
  from.remove(ctx.arg(1));
  ctx.touched(ctx.arg(1));
  ctx.server.touch_watched(dst, ctx.arg(1));
  ctx.out.integer(1);
}

// COPY source destination [DB destination-db] [REPLACE]
void cmd_copy(CommandContext& ctx) {
  int dst_db = ctx.client.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (iequals(ctx.arg(i), "replace")) {
      replace = true;
    } else if (iequals(ctx.arg(i), "db") && i + 1 < ctx.argc()) {
      if (!parse_db_index(ctx, ctx.arg(i + 1), &dst_db)) {
        return;
      }
      ++i;
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  if (dst_db == ctx.client.db && ctx.arg(1) == ctx.arg(2)) {
    ctx.out.error(err::kSameObject);
    return;
  }
  Entry* e = ctx.db().find(ctx.arg(1), ctx.now_ms);
  if (e == nullptr) {
    ctx.out.integer(0);
    return;
  }
  Db& to = ctx.server.db(dst_db);
  if (to.find(ctx.arg(2), ctx.now_ms) != nullptr && !replace) {
    ctx.out.integer(0);
    return;
  }
  to.set(ctx.arg(2), e->value.clone(), ctx.db().expire_of(*e));
  ctx.server.touch_watched(dst_db, ctx.arg(2));
  ++ctx.server.stats().dirty;
  ctx.out.integer(1);
}

}  // namespace

void register_key_family(Registry& r) {
  r.add("del", cmd_del);
  r.add("unlink", cmd_del);
  r.add("exists", cmd_exists);
  r.add("touch", cmd_touch);
  r.add("type", cmd_type);
  r.add("expire", cmd_expire);
  r.add("pexpire", cmd_pexpire);
  r.add("expireat", cmd_expireat);
  r.add("pexpireat", cmd_pexpireat);
  r.add("ttl", cmd_ttl);
  r.add("pttl", cmd_pttl);
  r.add("expiretime", cmd_expiretime);
  r.add("pexpiretime", cmd_pexpiretime);
  r.add("persist", cmd_persist);
  r.add("rename", cmd_rename);
  r.add("renamenx", cmd_renamenx);
  r.add("keys", cmd_keys);
  r.add("scan", cmd_scan);
  r.add("randomkey", cmd_randomkey);
  r.add("dbsize", cmd_dbsize);
  r.add("flushdb", cmd_flushdb);
  r.add("flushall", cmd_flushall);
  r.add("select", cmd_select);
  r.add("swapdb", cmd_swapdb);
  r.add("move", cmd_move);
  r.add("copy", cmd_copy);
}

}  // namespace codis::server
