// DUMP and RESTORE: values travel as Redis 7.0 DUMP payloads (rdb/), so payloads move between codis-server
// and Redis in both directions. Slot migration (SLOTSRESTORE) will reuse the same conversion.
#include <algorithm>

#include "server/encoding.h"
#include "server/families/dump_value.h"
#include "server/families/util.h"
#include "server/families/zset_cmds.h"
#include "server/lfu.h"
#include "server/rdb/decoder.h"
#include "server/rdb/encoder.h"

namespace codis::server {

namespace {

// A restored sorted set's limits, from the config.
ds::ZSetLimits zset_limits_of(const Config& c) {
  return {.max_listpack_entries = static_cast<size_t>(c.zset_max_listpack_entries),
          .max_listpack_value = static_cast<size_t>(c.zset_max_listpack_value)};
}

}  // namespace

bool to_dump_value(const Object& o, rdb::DumpValue* out) {
  switch (o.type()) {
    case ObjType::kString:
      *out = rdb::DumpValue::string(std::string(o.str()));
      return true;
    case ObjType::kList:
      *out = rdb::DumpValue::list(std::vector<std::string>(o.list_value().begin(), o.list_value().end()));
      return true;
    case ObjType::kSet: {
      std::vector<std::string> members(o.set_value().begin(), o.set_value().end());
      *out = rdb::DumpValue::set(std::move(members));
      return true;
    }
    case ObjType::kHash: {
      std::vector<std::pair<std::string, std::string>> f(o.hash_value().begin(), o.hash_value().end());
      *out = rdb::DumpValue::hash(std::move(f));
      return true;
    }
    case ObjType::kZSet: {
      const ZSetValue& z = o.zset_value();
      std::vector<std::pair<std::string, double>> m;
      m.reserve(z.size());
      z.for_each([&m](std::string_view member, double score) { m.emplace_back(std::string(member), score); });
      *out = rdb::DumpValue::zset(std::move(m));
      return true;
    }
  }
  return false;
}

// The encoding a sorted set is dumped in is the one it has, as in Redis: listpack or skiplist.
rdb::RdbType dump_type(const Object& o, const rdb::DumpValue& v) {
  if (o.is(ObjType::kZSet)) {
    return o.zset_value().encoding() == ds::ZEncoding::kListpack ? rdb::RdbType::kZSetListpack
                                                                 : rdb::RdbType::kZSet2;
  }
  return rdb::choose_rdb_type(v);
}

namespace {

// A restored sorted set gets the encoding Redis's rdbLoadObject gives it: a listpack payload stays a
// listpack unless it has more than zset-max-listpack-entries members (member length is not checked); a
// skip-list payload becomes a listpack when it fits both limits.
ZSetValue zset_from_dump(std::vector<std::pair<std::string, double>>& members, rdb::RdbType type,
                         const ds::ZSetLimits& limits) {
  const bool compact_payload = type == rdb::RdbType::kZSetListpack || type == rdb::RdbType::kZSetZiplist;
  size_t max_len = 0;
  for (const auto& m : members) {
    max_len = std::max(max_len, m.first.size());
  }
  ZSetValue z = compact_payload
                    ? ZSetValue(members.size() > limits.max_listpack_entries ? ds::ZEncoding::kSkiplist
                                                                             : ds::ZEncoding::kListpack)
                    : ZSetValue::for_size(limits, members.size(), max_len);
  // Adding never converts a compact payload's set: only the entry count decides, as above.
  const ds::ZSetLimits no_conversion{.max_listpack_entries = ds::kNoLimit,
                                     .max_listpack_value = ds::kNoLimit};
  for (const auto& [member, score] : members) {
    z.add(member, score, {}, no_conversion);
  }
  return z;
}

bool from_dump_value(rdb::DecodedObject d, const ds::ZSetLimits& limits, Object* out) {
  rdb::DumpValue& v = d.value;
  switch (v.type) {
    case rdb::ValueType::kString:
      *out = Object(std::move(v.str));
      return true;
    case rdb::ValueType::kList: {
      Object o = Object::list();
      for (auto& e : v.elems) {
        o.list_value().push_back(std::move(e));
      }
      *out = std::move(o);
      return true;
    }
    case rdb::ValueType::kSet: {
      Object o = Object::set();
      for (auto& e : v.elems) {
        o.set_value().insert(std::move(e));
      }
      *out = std::move(o);
      return true;
    }
    case rdb::ValueType::kHash: {
      Object o = Object::hash();
      for (auto& [f, val] : v.fields) {
        o.hash_value().insert_or_assign(std::move(f), std::move(val));
      }
      *out = std::move(o);
      return true;
    }
    case rdb::ValueType::kZSet:
      *out = Object::zset(zset_from_dump(v.zmembers, d.rdb_type, limits));
      return true;
  }
  return false;
}

void cmd_dump(CommandContext& ctx) {
  Entry* e = ctx.db().find(ctx.arg(1), ctx.now_ms);
  if (e == nullptr) {
    ctx.out.null();
    return;
  }
  std::string payload;
  if (auto st = dump_payload(e->value, &payload); !st.ok()) {
    ctx.out.error(rdb::dump_error_reply(st.error().code));
    return;
  }
  ctx.out.bulk(payload);
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void cmd_restore(CommandContext& ctx) {
  bool replace = false, absttl = false;
  int64_t lru_idle = -1, lfu_freq = -1;
  for (size_t i = 4; i < ctx.argc(); ++i) {
    bool more = i + 1 < ctx.argc();
    if (iequals(ctx.arg(i), "replace")) {
      replace = true;
    } else if (iequals(ctx.arg(i), "absttl")) {
      absttl = true;
    } else if (iequals(ctx.arg(i), "idletime") && more && lfu_freq == -1) {
      if (!parse_int(ctx, ctx.arg(i + 1), &lru_idle)) {
        return;
      }
      if (lru_idle < 0) {
        ctx.out.error("ERR Invalid IDLETIME value, must be >= 0");
        return;
      }
      ++i;
    } else if (iequals(ctx.arg(i), "freq") && more && lru_idle == -1) {
      if (!parse_int(ctx, ctx.arg(i + 1), &lfu_freq)) {
        return;
      }
      if (lfu_freq < 0 || lfu_freq > 255) {
        ctx.out.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return;
      }
      ++i;
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  // Redis 7.0 answers BUSYKEY before it looks at the TTL.
  Db& db = ctx.db();
  if (!replace && db.find(ctx.arg(1), ctx.now_ms) != nullptr) {
    ctx.out.error(err::kBusyKey);
    return;
  }
  int64_t ttl;
  if (!parse_int(ctx, ctx.arg(2), &ttl)) {
    return;
  }
  if (ttl < 0) {
    ctx.out.error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  Object o;
  if (std::string error = restore_value(ctx, ctx.arg(3), &o); !error.empty()) {
    ctx.out.error(error);
    return;
  }
  int64_t expire = -1;
  if (ttl > 0) {
    expire = absttl ? ttl : ctx.now_ms + ttl;
  }
  bool deleted = replace && db.remove(ctx.arg(1));
  if (expire >= 0 && expire <= ctx.now_ms) {
    // Already expired: the key is not created (an existing one was replaced, i.e. deleted).
    if (deleted) {
      ctx.touched(ctx.arg(1));
    }
    ctx.out.ok();
    return;
  }
  Entry& e = db.set(ctx.arg(1), std::move(o), expire);
  // objectSetLRUOrLFU: FREQ sets the LFU counter under an *-lfu policy, IDLETIME the idle time otherwise;
  // the other one is ignored.
  if (is_lfu(ctx.server.config().maxmemory_policy)) {
    if (lfu_freq >= 0) {
      e.lru = lfu::stamp(ctx.now_ms, static_cast<uint32_t>(lfu_freq));
    }
  } else if (lru_idle >= 0) {
    e.lru = static_cast<uint32_t>(std::max<int64_t>(0, ctx.now_ms / 1000 - lru_idle));
  }
  ctx.touched(ctx.arg(1));
  ctx.out.ok();
}

}  // namespace

bool load_value(rdb::DecodedObject d, const Config& c, Object* out) {
  if (!from_dump_value(std::move(d), zset_limits_of(c), out)) {
    return false;
  }
  // Loading converts one way as the inserts would (rdbLoadObject): a set with a non-integer member or
  // too many members, a hash with too many or too long fields, stays large after later removals.
  if (out->is(ObjType::kSet) || out->is(ObjType::kHash)) {
    settle_encoding(*out, c);
  }
  return true;
}

std::string restore_value(CommandContext& ctx, std::string_view payload, Object* out) {
  auto decoded = rdb::decode_dump_payload(payload);
  if (!decoded.ok()) {
    return std::string(rdb::dump_error_reply(decoded.error().code));
  }
  if (!load_value(std::move(*decoded), ctx.server.config(), out)) {
    return "ERR Bad data format";
  }
  return "";
}

rdb::DumpStatus dump_payload(const Object& o, std::string* payload, bool compress) {
  rdb::DumpValue v;
  if (!to_dump_value(o, &v)) {
    return rdb::dump_error(rdb::DumpErrc::kUnsupported, "no DUMP encoding for this type");
  }
  rdb::EncodeOptions options;
  options.compress = compress;
  return rdb::DumpEncoder(options).encode_payload(v, dump_type(o, v), payload);
}

void register_dump_family(Registry& r) {
  r.add("dump", cmd_dump);
  r.add("restore", cmd_restore);
}

}  // namespace codis::server
