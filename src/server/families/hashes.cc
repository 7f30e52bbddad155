// Hash commands: field writes and reads, and the two counters. HRANDFIELD is in hash_random.cc and HSCAN
// in hash_scan.cc. Replies and error texts follow Redis 7.0's t_hash.c, including which check comes first.
#include <cmath>
#include <string>

#include "server/encoding.h"
#include "server/families/hash_cmds.h"
#include "server/families/long_double.h"
#include "server/families/util.h"

namespace codis::server {

namespace {

// A read lookup (counts keyspace hits and misses); nullptr if missing or after replying WRONGTYPE.
const HashValue* hash_for_read(CommandContext& ctx, std::string_view key, bool* wrong) {
  Entry* e = lookup_typed(ctx, key, ObjType::kHash, wrong);
  return e == nullptr ? nullptr : &e->value.hash_value();
}

// A write lookup (Redis does not count hits or misses for writes). nullptr with *wrong after replying
// WRONGTYPE, nullptr alone when the key is missing.
HashValue* hash_for_write(CommandContext& ctx, std::string_view key, bool* wrong) {
  *wrong = false;
  Entry* e = ctx.db().find(key, ctx.now_ms);
  if (e == nullptr) {
    return nullptr;
  }
  if (!e->value.is(ObjType::kHash)) {
    *wrong = true;
    ctx.out.error(err::kWrongType);
    return nullptr;
  }
  return &e->value.hash_value();
}

HashValue& create_hash(CommandContext& ctx, std::string_view key) {
  return ctx.db().set(key, Object::hash()).value.hash_value();
}

// The field's current text, or nullptr when the key or the field is missing.
const std::string* field_value(const HashValue* h, std::string_view field) {
  if (h == nullptr) {
    return nullptr;
  }
  auto it = h->find(field);
  return it == h->end() ? nullptr : &it->second;
}

// Sets field to value; true if the field is new.
bool set_field(HashValue& h, std::string_view field, std::string_view value) {
  auto it = h.find(field);
  if (it != h.end()) {
    it->second.assign(value);
    return false;
  }
  h.emplace(std::string(field), std::string(value));
  return true;
}

// OBJECT ENCODING's one-way conversion: once a write crosses a listpack limit the hash stays "hashtable".
// argv[first], argv[first+1], ... are the (field, value) pairs just written.
void note_writes(CommandContext& ctx, std::string_view key, size_t first) {
  Entry* e = ctx.db().find(key, ctx.now_ms);
  if (e == nullptr || !e->value.is(ObjType::kHash)) {
    return;
  }
  for (size_t i = first; i + 1 < ctx.argc(); i += 2) {
    note_hash_set(e->value, ctx.arg(i), ctx.arg(i + 1), ctx.server.config());
  }
}

// HSET key field value [field value ...] replies the number of new fields; HMSET replies OK.
void hset_common(CommandContext& ctx, bool hmset) {
  if (ctx.argc() % 2 != 0) {
    ctx.out.error("ERR wrong number of arguments for '" + std::string(ctx.spec.name) + "' command");
    return;
  }
  bool wrong;
  HashValue* h = hash_for_write(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (h == nullptr) {
    h = &create_hash(ctx, ctx.arg(1));
  }
  int64_t added = 0;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    added += set_field(*h, ctx.arg(i), ctx.arg(i + 1)) ? 1 : 0;
  }
  note_writes(ctx, ctx.arg(1), 2);
  ctx.touched(ctx.arg(1));
  if (hmset) {
    ctx.out.ok();
  } else {
    ctx.out.integer(added);
  }
}

void cmd_hset(CommandContext& ctx) {
  hset_common(ctx, false);
}
void cmd_hmset(CommandContext& ctx) {
  hset_common(ctx, true);
}

void cmd_hsetnx(CommandContext& ctx) {
  bool wrong;
  HashValue* h = hash_for_write(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (h != nullptr && h->find(ctx.arg(2)) != h->end()) {
    // Redis 7.0 converts on the lengths only when it sets the field: an existing one changes nothing.
    ctx.out.integer(0);
    return;
  }
  if (h == nullptr) {
    h = &create_hash(ctx, ctx.arg(1));
  }
  set_field(*h, ctx.arg(2), ctx.arg(3));
  note_writes(ctx, ctx.arg(1), 2);
  ctx.touched(ctx.arg(1));
  ctx.out.integer(1);
}

void cmd_hget(CommandContext& ctx) {
  bool wrong;
  const HashValue* h = hash_for_read(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  const std::string* v = field_value(h, ctx.arg(2));
  if (v == nullptr) {
    ctx.out.null();
  } else {
    ctx.out.bulk(*v);
  }
}

void cmd_hmget(CommandContext& ctx) {
  bool wrong;
  const HashValue* h = hash_for_read(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  ctx.out.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::string* v = field_value(h, ctx.arg(i));
    if (v == nullptr) {
      ctx.out.null();
    } else {
      ctx.out.bulk(*v);
    }
  }
}

// HGETALL replies a map (RESP3 "%n", empty map for a missing key); HKEYS and HVALS an array.
void get_all(CommandContext& ctx, bool keys, bool values) {
  bool wrong;
  const HashValue* h = hash_for_read(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  const size_t n = h ? h->size() : 0;
  if (keys && values) {
    ctx.out.map(n);
  } else {
    ctx.out.array(n);
  }
  if (h == nullptr) {
    return;
  }
  for (const auto& [f, v] : *h) {
    if (keys) {
      ctx.out.bulk(f);
    }
    if (values) {
      ctx.out.bulk(v);
    }
  }
}

void cmd_hgetall(CommandContext& ctx) {
  get_all(ctx, true, true);
}
void cmd_hkeys(CommandContext& ctx) {
  get_all(ctx, true, false);
}
void cmd_hvals(CommandContext& ctx) {
  get_all(ctx, false, true);
}

void cmd_hdel(CommandContext& ctx) {
  bool wrong;
  HashValue* h = hash_for_write(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  int64_t deleted = 0;
  if (h != nullptr) {
    for (size_t i = 2; i < ctx.argc() && !h->empty(); ++i) {
      auto it = h->find(ctx.arg(i));
      if (it != h->end()) {
        h->erase(it);
        shrink_if_sparse(*h);  // after each deletion, as Redis's hashTypeDelete does
        ++deleted;
      }
    }
    if (h->empty()) {
      ctx.db().remove(ctx.arg(1));  // an empty hash is no key at all
    }
  }
  if (deleted > 0) {
    ctx.touched(ctx.arg(1));
  }
  ctx.out.integer(deleted);
}

void cmd_hlen(CommandContext& ctx) {
  bool wrong;
  const HashValue* h = hash_for_read(ctx, ctx.arg(1), &wrong);
  if (!wrong) {
    ctx.out.integer(h ? static_cast<int64_t>(h->size()) : 0);
  }
}

void cmd_hexists(CommandContext& ctx) {
  bool wrong;
  const HashValue* h = hash_for_read(ctx, ctx.arg(1), &wrong);
  if (!wrong) {
    ctx.out.integer(field_value(h, ctx.arg(2)) != nullptr ? 1 : 0);
  }
}

void cmd_hstrlen(CommandContext& ctx) {
  bool wrong;
  const HashValue* h = hash_for_read(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  const std::string* v = field_value(h, ctx.arg(2));
  ctx.out.integer(v ? static_cast<int64_t>(v->size()) : 0);
}

// Stores value at key/field, creating the hash if needed (counters only create once they cannot fail,
// so an error never leaves an empty hash behind).
void store(CommandContext& ctx, HashValue* h, std::string value) {
  if (h == nullptr) {
    h = &create_hash(ctx, ctx.arg(1));
  }
  auto it = h->find(ctx.arg(2));
  if (it != h->end()) {
    it->second = std::move(value);
  } else {
    h->emplace(std::string(ctx.arg(2)), std::move(value));
  }
  if (Entry* e = ctx.db().find(ctx.arg(1), ctx.now_ms)) {
    note_hash_set(e->value, ctx.arg(2), h->find(ctx.arg(2))->second, ctx.server.config());
  }
  ctx.touched(ctx.arg(1));
}

void cmd_hincrby(CommandContext& ctx) {
  int64_t incr;
  if (!parse_int(ctx, ctx.arg(3), &incr)) {
    return;
  }
  bool wrong;
  HashValue* h = hash_for_write(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  int64_t v = 0;
  const std::string* old = field_value(h, ctx.arg(2));
  if (old != nullptr && !resp::parse_ll(*old, &v)) {
    ctx.out.error("ERR hash value is not an integer");
    return;
  }
  if ((incr < 0 && v < 0 && incr < INT64_MIN - v) || (incr > 0 && v > 0 && incr > INT64_MAX - v)) {
    ctx.out.error(err::kOverflow);
    return;
  }
  v += incr;
  char buf[resp::kMaxIntChars];
  store(ctx, h, std::string(buf, resp::format_i64(v, buf)));
  ctx.out.integer(v);
}

void cmd_hincrbyfloat(CommandContext& ctx) {
  long double incr;
  if (!ld::parse(ctx.arg(3), &incr)) {
    ctx.out.error(err::kNotFloat);
    return;
  }
  if (std::isinf(incr)) {
    ctx.out.error("ERR value is NaN or Infinity");
    return;
  }
  bool wrong;
  HashValue* h = hash_for_write(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  long double v = 0;
  const std::string* old = field_value(h, ctx.arg(2));
  if (old != nullptr && !ld::parse(*old, &v)) {
    ctx.out.error("ERR hash value is not a float");
    return;
  }
  v += incr;
  if (std::isnan(v) || std::isinf(v)) {
    ctx.out.error("ERR increment would produce NaN or Infinity");
    return;
  }
  std::string s = ld::format_human(v);
  ctx.out.bulk(s);
  store(ctx, h, std::move(s));
}

}  // namespace

void register_hash_family(Registry& r) {
  r.add("hset", cmd_hset);
  r.add("hmset", cmd_hmset);
  r.add("hsetnx", cmd_hsetnx);
  r.add("hget", cmd_hget);
  r.add("hmget", cmd_hmget);
  r.add("hgetall", cmd_hgetall);
  r.add("hkeys", cmd_hkeys);
  r.add("hvals", cmd_hvals);
  r.add("hdel", cmd_hdel);
  r.add("hlen", cmd_hlen);
  r.add("hexists", cmd_hexists);
  r.add("hstrlen", cmd_hstrlen);
  r.add("hincrby", cmd_hincrby);
  r.add("hincrbyfloat", cmd_hincrbyfloat);
  r.add("hrandfield", hashes::cmd_hrandfield);
  r.add("hscan", hashes::cmd_hscan);
}

}  // namespace codis::server
