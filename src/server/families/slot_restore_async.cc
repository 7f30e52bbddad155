// The target's side of Codis's async migration (codis.md section 3): SLOTSRESTORE-ASYNC messages sent by a
// migration's source over its link, and SLOTSRESTORE-ASYNC-AUTH / -SELECT. Every message is answered with
// one `SLOTSRESTORE-ASYNC-ACK errno message` (an array the source reads as its flow-control credit); a
// failed message answers errno -1 and the link is closed after the reply, as Codis does, so the source
// starts the key over (each key's stream begins with `del`).
//
//   SLOTSRESTORE-ASYNC select db | del key | expire key ttl | object key ttl payload
//                      list key ttl hint [elem ...] | hash key ttl hint [field value ...]
//                      dict key ttl hint [member ...] | zset key ttl hint [member score ...]
//
// ttl is milliseconds (0: no expiry); a chunk creates its key when it has elements and appends otherwise;
// hint is the expected size (accepted, unused: the tables grow as needed).
#include <algorithm>
#include <cstdint>
#include <string>

#include "cmd/slot.h"
#include "resp/number.h"
#include "server/encoding.h"
#include "server/families/dump_value.h"
#include "server/families/util.h"
#include "server/families/zset_cmds.h"
#include "server/lfu.h"
#include "server/registry.h"
#include "server/server.h"
#include "server/value_length.h"

namespace codis::server {
namespace {

void ack(CommandContext& ctx, int64_t errcode, std::string_view message) {
  ctx.out.array(3);
  ctx.out.bulk("SLOTSRESTORE-ASYNC-ACK");
  ctx.out.bulk(std::to_string(errcode));
  ctx.out.bulk(message);
  if (errcode != 0) {
    ctx.client.close_after_reply = true;
  }
}

bool fail(CommandContext& ctx, std::string_view message) {
  ack(ctx, -1, message);
  return false;
}

// The type a chunk message builds.
ObjType chunk_type(std::string_view kind) {
  if (iequals(kind, "list")) return ObjType::kList;
  if (iequals(kind, "hash")) return ObjType::kHash;
  if (iequals(kind, "dict")) return ObjType::kSet;
  return ObjType::kZSet;
}

Object empty_of(ObjType t) {
  switch (t) {
    case ObjType::kList:
      return Object::list();
    case ObjType::kHash:
      return Object::hash();
    case ObjType::kSet:
      return Object::set();
    default:
      return Object::zset(ZSetValue());
  }
}

// Appends one chunk's elements (argv[5...]) to `o`, a value of the chunk's type. A zset chunk's scores are
// all checked first (Redis's rules: no NaN), so a refused chunk changes nothing.
bool append_chunk(CommandContext& ctx, Object& o) {
  const Config& config = ctx.server.config();
  if (o.is(ObjType::kZSet)) {
    for (size_t i = 6; i < ctx.argc(); i += 2) {
      double score = 0;
      if (!parse_score(ctx.arg(i), &score)) {
        return fail(ctx, "invalid zset score ([" + std::to_string((i - 6) / 2) +
                             "]=" + std::string(ctx.arg(i)) + ")");
      }
    }
  }
  for (size_t i = 5; i < ctx.argc(); ++i) {
    switch (o.type()) {
      case ObjType::kList:
        o.list_value().emplace_back(ctx.arg(i));
        break;
      case ObjType::kSet:
        o.set_value().emplace(ctx.arg(i));
        note_set_add(o, ctx.arg(i), config);
        break;
      case ObjType::kHash:
        o.hash_value().insert_or_assign(std::string(ctx.arg(i)), std::string(ctx.arg(i + 1)));
        note_hash_set(o, ctx.arg(i), ctx.arg(i + 1), config);
        ++i;
        break;
      case ObjType::kZSet: {
        double score = 0;
        (void)parse_score(ctx.arg(i + 1), &score);  // checked above
        o.zset_value().add(ctx.arg(i), score, {}, zset_limits(ctx));
        ++i;
        break;
      }
      default:
        return fail(ctx, "wrong type");
    }
  }
  return true;
}

bool parse_non_negative(CommandContext& ctx, std::string_view s, std::string_view what, int64_t* out) {
  if (!resp::parse_ll(s, out) || *out < 0) {
    return fail(ctx,
                "invalid " + std::string(what) + " value (" + std::string(what) + "=" + std::string(s) + ")");
  }
  return true;
}

void cmd_slotsrestore_async(CommandContext& ctx) {
  const std::string kind = ctx.argc() >= 2 ? std::string(ctx.arg(1)) : "";
  auto bad_arity = [&] {
    fail(ctx, "wrong number of arguments (argc=" + std::to_string(ctx.argc()) + ",cmd=" + kind + ")");
  };
  if (iequals(kind, "select")) {
    int64_t db = 0;
    if (ctx.argc() != 3) {
      return bad_arity();
    }
    if (!resp::parse_ll(ctx.arg(2), &db) || db < 0 || db >= ctx.server.databases()) {
      fail(ctx, "invalid DB index (DB=" + std::string(ctx.arg(2)) + ")");
      return;
    }
    ctx.client.db = static_cast<int>(db);
    ack(ctx, 0, std::to_string(db));
    return;
  }
  if (ctx.argc() < 3) {
    return bad_arity();
  }
  const std::string_view key = ctx.arg(2);
  // In cluster mode a key lands only where this server owns or imports its slot (as SLOTSRESTORE).
  const uint32_t slot = cmd::slot_of(key);
  const SlotState state = ctx.server.slot_states().at(slot).state;
  if (state != SlotState::kOwned && state != SlotState::kImporting) {
    fail(ctx, "slot " + std::to_string(slot) + " is " + std::string(SlotStates::name(state)) + " here");
    return;
  }
  if (ctx.server.migrations().in_flight(ctx.client.db, key)) {
    // This server is moving the key elsewhere itself: two moves of one key cannot both win.
    fail(ctx, "the specified key is being migrated (" + std::string(key) + ")");
    return;
  }
  Db& db = ctx.db();
  if (iequals(kind, "del")) {
    if (ctx.argc() != 3) {
      return bad_arity();
    }
    const bool deleted = db.remove(key);
    if (deleted) {
      ctx.touched(key);
    }
    ctx.client.restore_fresh = key;
    ack(ctx, 0, deleted ? "1" : "0");
    return;
  }
  if (ctx.argc() < 4) {
    return bad_arity();
  }
  int64_t ttl = 0;
  if (!parse_non_negative(ctx, ctx.arg(3), "TTL", &ttl)) {
    return;
  }
  if (ttl > INT64_MAX - ctx.now_ms) {  // now + ttl would overflow
    fail(ctx, "invalid TTL value (TTL=" + std::string(ctx.arg(3)) + ")");
    return;
  }
  Entry* e = db.find(key, ctx.now_ms);
  std::string reply = "1";
  // A codis-cpp source adds the value's access stamp to `expire` and `object`: IDLETIME s or FREQ n.
  int64_t idle = -1, freq = -1;
  const size_t base = iequals(kind, "expire") ? 4 : iequals(kind, "object") ? 5 : 0;
  if (base != 0 && ctx.argc() == base + 2) {
    int64_t v = 0;
    if (!parse_non_negative(ctx, ctx.arg(base + 1), "stamp", &v)) {
      return;
    }
    if (iequals(ctx.arg(base), "idletime")) {
      idle = v;
    } else if (iequals(ctx.arg(base), "freq") && v <= 255) {
      freq = v;
    } else {
      fail(ctx, "invalid stamp (" + std::string(ctx.arg(base)) + " " + std::string(ctx.arg(base + 1)) + ")");
      return;
    }
  } else if (base != 0 && ctx.argc() != base) {
    return bad_arity();
  }
  if (iequals(kind, "expire")) {
    if (e == nullptr) {
      fail(ctx, "the specified key doesn't exist (" + std::string(key) + ")");
      return;
    }
  } else if (iequals(kind, "object")) {
    if (e != nullptr) {
      fail(ctx, "the specified key already exists (" + std::string(key) + ")");
      return;
    }
    Object o;
    if (std::string error = restore_value(ctx, ctx.arg(4), &o); !error.empty()) {
      fail(ctx, "invalid payload: " + error);
      return;
    }
    e = &db.set(key, std::move(o));
  } else if (iequals(kind, "list") || iequals(kind, "hash") || iequals(kind, "dict") ||
             iequals(kind, "zset")) {
    int64_t hint = 0;
    if (ctx.argc() < 5) {
      return bad_arity();
    }
    if (!parse_non_negative(ctx, ctx.arg(4), "Hint", &hint)) {
      return;
    }
    const ObjType type = chunk_type(kind);
    const size_t elems = ctx.argc() - 5;
    if ((type == ObjType::kHash || type == ObjType::kZSet) && elems % 2 != 0) {
      return bad_arity();
    }
    if (e != nullptr && !e->value.is(type)) {
      fail(ctx, "wrong type (" + std::string(key) + ")");
      return;
    }
    if (e == nullptr) {
      if (elems == 0 || ctx.client.restore_fresh != key) {
        fail(ctx, "the specified key doesn't exist (" + std::string(key) + ")");
        return;
      }
      Object o = empty_of(type);
      if (!append_chunk(ctx, o)) {
        return;
      }
      e = &db.set(key, std::move(o));
      ctx.client.restore_fresh.clear();  // only the first chunk after the `del` creates the key
    } else if (!append_chunk(ctx, e->value)) {
      return;
    }
    reply = std::to_string(value_length(e->value));
  } else {
    fail(ctx, "unknown command (argc=" + std::to_string(ctx.argc()) + ",cmd=" + kind + ")");
    return;
  }
  db.set_expire(*e, ttl == 0 ? -1 : ctx.now_ms + ttl);
  // As RESTORE: FREQ counts under an *-lfu policy, IDLETIME otherwise.
  if (is_lfu(ctx.server.config().maxmemory_policy)) {
    if (freq >= 0) {
      e->lru = lfu::stamp(ctx.now_ms, static_cast<uint32_t>(freq));
    }
  } else if (idle >= 0) {
    e->lru = static_cast<uint32_t>(std::max<int64_t>(0, ctx.now_ms / 1000 - idle));
  }
  ctx.touched(key);
  ack(ctx, 0, reply);
}

// SLOTSRESTORE-ASYNC-AUTH password: authenticates the link (the source assumes the password it has).
void cmd_slotsrestore_async_auth(CommandContext& ctx) {
  const std::string& pass = ctx.server.config().requirepass;
  if (pass.empty()) {
    ack(ctx, -1, "Client sent AUTH, but no password is set");
    return;
  }
  ctx.client.authenticated = ctx.arg(1) == pass;
  ack(ctx, ctx.client.authenticated ? 0 : -1, ctx.client.authenticated ? "OK" : "invalid password");
}

// SLOTSRESTORE-ASYNC-SELECT db
void cmd_slotsrestore_async_select(CommandContext& ctx) {
  int64_t db = 0;
  if (!resp::parse_ll(ctx.arg(1), &db) || db < 0 || db >= ctx.server.databases()) {
    ack(ctx, -1, "invalid DB index (DB=" + std::string(ctx.arg(1)) + ")");
    return;
  }
  ctx.client.db = static_cast<int>(db);
  ack(ctx, 0, std::to_string(db));
}

}  // namespace

void register_slot_restore_async_family(Registry& r) {
  r.add("slotsrestore-async", cmd_slotsrestore_async);
  r.add("slotsrestore-async-auth", cmd_slotsrestore_async_auth);
  r.add("slotsrestore-async-select", cmd_slotsrestore_async_select);
}

}  // namespace codis::server
