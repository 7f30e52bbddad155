// DEBUG (Redis 7.0 debug.c debugCommand): the subcommands tests and operators use. DIGEST and DIGEST-VALUE
// (digest.h), OBJECT, SET-ACTIVE-EXPIRE, SLEEP, PROTOCOL, HELP and RELOAD [NOSAVE] do what Redis's do;
// QUICKLIST-PACKED-THRESHOLD and CHANGE-REPL-ID are accepted and change nothing (nothing is replicated);
// the rest (crashes, allocator and AOF controls, ...) are unknown subcommands.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "server/encoding.h"
#include "server/families/digest.h"
#include "server/families/dump_value.h"
#include "server/families/intro_util.h"
#include "server/families/util.h"
#include "server/persist/persistence.h"
#include "server/rdb/rdb_string.h"
#include "server/rdb/types.h"

namespace codis::server {

namespace {

// Redis's DEBUG looks keys up in the dictionary directly (dictFind): a key whose time has passed but that
// is still stored is found, and nothing is expired or touched.
const Entry* stored_entry(CommandContext& ctx, std::string_view key) {
  return ctx.db().slot_table(cmd::slot_of(key)).find(key);
}

// DEBUG RELOAD [NOSAVE]: save, then load the file back in place of the keyspace (Redis's rdbSave,
// emptyData, rdbLoad); other clients wait meanwhile. NOFLUSH and MERGE (load on top) are not supported.
void debug_reload(CommandContext& ctx) {
  bool save = true;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (iequals(ctx.arg(i), "nosave")) {
      save = false;
    } else if (iequals(ctx.arg(i), "noflush") || iequals(ctx.arg(i), "merge")) {
      ctx.out.error("ERR DEBUG RELOAD " + std::string(ctx.arg(i)) + " is not supported");
      return;
    } else {
      ctx.out.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  if (ctx.client.in_exec) {
    ctx.out.error("ERR DEBUG RELOAD inside MULTI/EXEC is not supported");
    return;
  }
  Server& server = ctx.server;
  const uint64_t id = ctx.client.id;
  const uint64_t ticket = server.suspend(ctx.client);
  const std::string error = server.persistence().reload(save, [&server, id, ticket](const std::string& e) {
    server.finish(id, ticket, [&e](resp::ReplyWriter& w) {
      if (e.empty()) {
        w.ok();
      } else {
        w.error(e);
      }
    });
  });
  if (!error.empty()) {
    server.unblock(ctx.client);
    ctx.out.error(error);
  }
}

void debug_digest(CommandContext& ctx) {
  ctx.out.simple(to_hex(dataset_digest(ctx.server)));
}

// DIGEST-VALUE key...: the value digests without the key names, a zero digest for a missing key.
void debug_digest_value(CommandContext& ctx) {
  ctx.out.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    Digest d{};
    if (const Entry* e = stored_entry(ctx, ctx.arg(i))) {
      mix_object_digest(d, e->value, e->has_expire());
    }
    ctx.out.simple(to_hex(d));
  }
}

// The quicklist details Redis appends for a list: its nodes as the DUMP payload has them (a list is
// dumped node by node, each node's listpack as an RDB string), so nodes and sizes are those a list
// built by RPUSH of the same elements has. Empty when the payload is not a quicklist.
std::string quicklist_details(std::string_view payload, size_t elements, const Config& c) {
  rdb::Reader in(payload);
  uint8_t type = 0;
  uint64_t nodes = 0;
  if (!in.read_u8(&type) || type != static_cast<uint8_t>(rdb::RdbType::kListQuicklist2) ||
      !rdb::read_rdb_len(in, &nodes).ok() || nodes == 0) {
    return {};
  }
  rdb::Budget budget(UINT64_MAX);
  uint64_t bytes = 0;
  std::string node;
  for (uint64_t i = 0; i < nodes; ++i) {
    uint64_t container = 0;
    node.clear();
    if (!rdb::read_rdb_len(in, &container).ok() || !rdb::read_rdb_string(in, budget, &node).ok()) {
      return {};
    }
    bytes += node.size();
  }
  char buf[160];
  std::snprintf(
      buf, sizeof(buf),
      " ql_nodes:%llu ql_avg_node:%.2f ql_listpack_max:%lld ql_compressed:0 ql_uncompressed_size:%llu",
      static_cast<unsigned long long>(nodes), static_cast<double>(elements) / static_cast<double>(nodes),
      static_cast<long long>(c.list_max_listpack_size), static_cast<unsigned long long>(bytes));
  return buf;
}

// OBJECT key: "Value at:<address> refcount:<n> encoding:<OBJECT ENCODING> serializedlength:<n> lru:<n>
// lru_seconds_idle:<n>", serializedlength being the value's RDB bytes (rdbSavedObjectLen: the DUMP
// payload without its type byte and footer) and lru the 24-bit seconds clock of the last access.
void debug_object(CommandContext& ctx) {
  const Entry* e = stored_entry(ctx, ctx.arg(2));
  if (e == nullptr) {
    ctx.out.error(err::kNoSuchKey);
    return;
  }
  const Config& cfg = ctx.server.config();
  std::string payload;
  if (auto st = dump_payload(e->value, &payload); !st.ok() || payload.size() < 1 + kDumpFooterBytes) {
    ctx.out.error(rdb::dump_error_reply(st.ok() ? rdb::DumpErrc::kInvalidValue : st.error().code));
    return;
  }
  const int64_t now_s = ctx.now_ms / 1000;
  const int64_t idle = e->lru == 0 ? 0 : std::max<int64_t>(0, now_s - static_cast<int64_t>(e->lru));
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "Value at:0x%llx refcount:%d encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%lld",
                static_cast<unsigned long long>(ctx.server.env().memory.address(&e->value)),
                object_refcount(e->value, cfg), std::string(object_encoding(e->value, cfg)).c_str(),
                payload.size() - 1 - kDumpFooterBytes, e->lru & ((1u << 24) - 1),
                static_cast<long long>(idle));
  std::string reply = buf;
  if (e->value.is(ObjType::kList)) {
    reply += quicklist_details(payload, e->value.list_value().size(), cfg);
  }
  ctx.out.simple(reply);
}

// SLEEP seconds: Redis stops its whole event loop. Here every client's commands are postponed until
// then (a full pause) and the caller's +OK is held back as long, which is what clients can observe.
void debug_sleep(CommandContext& ctx) {
  const double seconds = std::strtod(std::string(ctx.arg(2)).c_str(), nullptr);
  const int64_t ms =
      std::isfinite(seconds) && seconds > 0 ? static_cast<int64_t>(std::min(seconds, 1e9) * 1000) : 0;
  if (ms > 0) {
    ctx.server.pause_clients(ctx.now_ms + ms, false);
    ctx.client.hold_replies_until_ms = ctx.now_ms + ms;
  }
  ctx.out.ok();
}

// PROTOCOL <type>: one reply of each RESP3 type, as client libraries' tests expect them.
void debug_protocol(CommandContext& ctx, std::string_view name) {
  auto& o = ctx.out;
  if (iequals(name, "string")) {
    o.bulk("Hello World");
  } else if (iequals(name, "integer")) {
    o.integer(12345);
  } else if (iequals(name, "double")) {
    o.double_value(3.141);
  } else if (iequals(name, "bignum")) {
    o.big_number("1234567999999999999999999999999999999");
  } else if (iequals(name, "null")) {
    o.null();
  } else if (iequals(name, "array") || iequals(name, "set")) {
    iequals(name, "set") ? o.set(3) : o.array(3);
    for (int j = 0; j < 3; ++j) {
      o.integer(j);
    }
  } else if (iequals(name, "map")) {
    o.map(3);
    for (int j = 0; j < 3; ++j) {
      o.integer(j);
      o.boolean(j == 1);
    }
  } else if (iequals(name, "attrib")) {
    if (o.attribute(1)) {
      o.bulk("key-popularity");
      o.array(2);
      o.bulk("key:123");
      o.integer(90);
    }
    o.bulk("Some real reply following the attribute");
  } else if (iequals(name, "push")) {
    o.push(2);
    o.bulk("server-cpu-usage");
    o.integer(42);
    o.bulk("Some real reply following the push reply");
  } else if (iequals(name, "true") || iequals(name, "false")) {
    o.boolean(iequals(name, "true"));
  } else if (iequals(name, "verbatim")) {
    o.verbatim("This is a verbatim\nstring", "txt");
  } else {
    o.error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

// Redis's lines for the subcommands codis-server has (the no-ops say what they do here).
void debug_help(CommandContext& ctx) {
  reply_help(ctx,
             {"DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
              "CHANGE-REPL-ID",
              "    Accepted for compatibility; codis-server has no replication IDs to change.",
              "DIGEST",
              "    Output a hex signature representing the current DB content.",
              "DIGEST-VALUE <key> [<key> ...]",
              "    Output a hex signature of the values of all the specified keys.",
              "OBJECT <key>",
              "    Show low level info about `key` and associated value.",
              "PROTOCOL <type>",
              "    Reply with a test value of the specified type. <type> can be: string,",
              "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
              "    true, false.",
              "RELOAD [option ...]",
              "    Accepted for compatibility; codis-server keeps no RDB, so the data set stays as it is.",
              "SET-ACTIVE-EXPIRE <0|1>",
              "    Setting it to 0 disables expiring keys in background when they are not",
              "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
              "    default.",
              "QUICKLIST-PACKED-THRESHOLD <size>",
              "    Accepted for compatibility; the threshold stays 1GB.",
              "SLEEP <seconds>",
              "    Stop the server for <seconds>. Decimals allowed.",
              "HELP",
              "    Prints this help."});
}

void cmd_debug(CommandContext& ctx) {
  const std::string_view sub = ctx.arg(1);
  const size_t argc = ctx.argc();
  if (argc == 2 && iequals(sub, "help")) {
    debug_help(ctx);
  } else if (argc == 2 && iequals(sub, "digest")) {
    debug_digest(ctx);
  } else if (iequals(sub, "digest-value")) {
    debug_digest_value(ctx);
  } else if (argc == 3 && iequals(sub, "object")) {
    debug_object(ctx);
  } else if (argc == 3 && iequals(sub, "set-active-expire")) {
    // Redis stores atoi(arg): anything that does not start with a non-zero number turns it off.
    ctx.server.set_active_expire(std::atoi(std::string(ctx.arg(2)).c_str()) != 0);
    ctx.out.ok();
  } else if (argc == 3 && iequals(sub, "sleep")) {
    debug_sleep(ctx);
  } else if (argc == 3 && iequals(sub, "protocol")) {
    debug_protocol(ctx, ctx.arg(2));
  } else if (iequals(sub, "reload")) {
    debug_reload(ctx);
  } else if ((argc == 3 && iequals(sub, "quicklist-packed-threshold")) ||
             (argc == 2 && iequals(sub, "change-repl-id"))) {
    ctx.out.ok();  // nothing is persisted or replicated: the data set is what a reload would load
  } else {
    // addReplySubcommandSyntaxError ("%.128s" of the subcommand).
    ctx.out.error("ERR unknown subcommand or wrong number of arguments for '" +
                  std::string(sub.substr(0, 128)) + "'. Try DEBUG HELP.");
  }
}

}  // namespace

void register_debug_family(Registry& r) {
  r.add("debug", cmd_debug);
}

}  // namespace codis::server
