// Codis's synchronous migration commands (codis.md section 3): SLOTSMGRTONE, SLOTSMGRTTAGONE,
// SLOTSMGRTSLOT and SLOTSMGRTTAGSLOT, and SLOTSMGRT-EXEC-WRAPPER. The keys (with their hash-tag mates for the
// TAG forms) are dumped, sent to the target in one SLOTSRESTORE over a link of the seam, and deleted here
// only once the target answered +OK. Unlike Codis, the server does not stop for the round trip: only the
// caller waits, and until the target answers, writes to the keys in flight are refused with TRYAGAIN (reads
// are served: the keys are whole here) so the value that lands is the value that stays.
#include <optional>
#include <string>
#include <vector>

#include "cmd/slot.h"
#include "cmd/table.h"
#include "rt/time.h"
#include "server/families/dump_value.h"
#include "server/families/util.h"
#include "server/registry.h"
#include "server/server.h"
#include "server/slots/cleanup.h"
#include "server/slots/fence.h"
#include "server/slots/free_later.h"
#include "server/slots/link.h"

namespace codis::server {
namespace {

struct Move {
  uint64_t client = 0;
  uint64_t ticket = 0;
  int db = 0;
  rt::Endpoint to;
  rt::Duration timeout{};
  std::vector<std::string> keys;
  std::vector<std::string> restore;  // SLOTSRESTORE key ttl payload ...
  bool by_slot = false;              // reply [moved, remaining in the slot] instead of moved
  bool sent = false;                 // the SLOTSRESTORE went out at least once (it may have landed)
  uint32_t slot = 0;
};

// Sends the batch, on an idle link to the target when there is one (a link that fails before the reply is
// replaced once, after the failed one is killed on the target: SLOTSRESTORE replaces its keys, so sending
// it again is harmless once the first copy can no longer land). "" or the error text.
rt::Task<std::string> send_batch(Server* s, Move& m) {
  std::vector<std::string_view> argv(m.restore.begin(), m.restore.end());
  std::string why;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<MigrationLink> link = s->migrations().take_link(m.to, m.db, s->now_ms());
    const bool fresh = link == nullptr;
    if (fresh) {
      auto opened = co_await MigrationLink::open(s->env(), m.to, s->config().requirepass, m.db, m.timeout);
      if (!opened.ok() && opened.error() == rt::Errc::kInvalidArgument) {
        co_return "ERR target " + m.to.to_string() + " refused the link's AUTH or SELECT";
      }
      if (!opened.ok()) {
        co_return "IOERR error or timeout connecting to " + m.to.to_string() + ": " +
            std::string(rt::errc_name(opened.error()));
      }
      link = std::move(*opened);
    }
    auto fenced = co_await kill_fences(s->env(), s->migrations(), *link, m.timeout);
    if (fenced.ok() && fenced->has_value()) {
      s->migrations().give_link(std::move(link), s->now_ms());
      co_return "ERR target " + m.to.to_string() + " refused the keys: " + (*fenced)->str;
    }
    rt::Result<resp::Value> r = rt::Errc::kConnReset;
    if (fenced.ok()) {
      m.sent = true;
      r = co_await link->call(argv, m.timeout);
    } else {
      r = fenced.error();
    }
    if (!r.ok()) {
      s->migrations().add_fence(m.to, link->local());
    }
    if (r.ok()) {
      s->migrations().give_link(std::move(link), s->now_ms());
      if (r->kind == resp::Kind::kSimpleString && r->str == "OK") {
        co_return "";
      }
      co_return "ERR target " + m.to.to_string() + " refused the keys: " + r->str;
    }
    why = "IOERR error or timeout talking to " + m.to.to_string() + ": " +
          std::string(rt::errc_name(r.error()));
    if (fresh) {
      break;
    }
  }
  co_return why;
}

// Deletes the moved keys here (the target has them); how many were here.
int64_t remove_moved(Server* s, const Move& m) {
  int64_t moved = 0;
  Db& db = s->db(m.db);
  for (const auto& k : m.keys) {
    if (Entry* e = db.find(k, s->now_ms(), Db::Touch::kNo); e != nullptr) {
      free_later(*s, std::move(e->value));  // a big value is freed bit by bit
    }
    if (db.remove(k)) {
      s->touch_watched(m.db, k);
      ++moved;
    }
  }
  return moved;
}

rt::Task<void> run_move(Server* s, Move m) {
  // The planted bug mgrt-delete-before-ack (codis-sim --bug) deletes the keys before the target has them.
  const bool early = s->env().exec.planted("mgrt-delete-before-ack");
  int64_t moved = early ? remove_moved(s, m) : 0;
  const std::string error = co_await send_batch(s, m);
  if (error.empty() && !early) {
    moved = remove_moved(s, m);
  }
  if (!error.empty() && m.sent && !error.starts_with("ERR target")) {
    // The batch may have landed without its reply reaching here: the keys wait until the target's copies
    // are gone (slots/cleanup.h).
    clean_up_copies(*s, m.to, m.db, m.keys, m.timeout);
  } else {
    s->migrations().end_flight(m.db, m.keys);
  }
  const int64_t remaining = static_cast<int64_t>(s->db(m.db).slot_size(m.slot));
  s->finish(m.client, m.ticket, [&](resp::ReplyWriter& out) {
    if (!error.empty()) {
      out.error(error);
    } else if (m.by_slot) {
      out.array(2);
      out.integer(moved);
      out.integer(remaining);
    } else {
      out.integer(moved);
    }
  });
}

// SLOTSMGRT{ONE,TAGONE} host port timeout key; SLOTSMGRT{SLOT,TAGSLOT} host port timeout slot.
void migrate(CommandContext& ctx, bool tag, bool by_slot) {
  int64_t port = 0, timeout_ms = 0;
  if (!parse_int(ctx, ctx.arg(2), &port) || !parse_int(ctx, ctx.arg(3), &timeout_ms)) {
    return;
  }
  if (port < 1 || port > 65535) {
    ctx.out.error("ERR invalid port = " + std::to_string(port));
    return;
  }
  if (timeout_ms < 0) {
    ctx.out.error("ERR invalid timeout = " + std::to_string(timeout_ms));
    return;
  }
  if (ctx.client.in_exec) {
    ctx.out.error("ERR " + std::string(ctx.spec.name) + " cannot run inside MULTI");
    return;
  }
  Db& db = ctx.db();
  Move m;
  m.db = ctx.client.db;
  m.by_slot = by_slot;
  std::string key;
  if (by_slot) {
    int64_t slot = 0;
    if (!parse_int(ctx, ctx.arg(4), &slot)) {
      return;
    }
    if (slot < 0 || slot >= cmd::kSlots) {
      ctx.out.error("ERR invalid slot number = " + std::to_string(slot));
      return;
    }
    m.slot = static_cast<uint32_t>(slot);
    rt::Random& r = ctx.server.env().random;
    const Entry* e = db.slot_table(m.slot).random_entry([&r](uint64_t n) { return r.uniform(0, n - 1); });
    if (e == nullptr) {
      ctx.out.array(2);
      ctx.out.integer(0);
      ctx.out.integer(0);
      return;
    }
    key = std::string(e->key());
  } else {
    key = std::string(ctx.arg(4));
    m.slot = cmd::slot_of(key);
  }
  if (db.find(key, ctx.now_ms, Db::Touch::kNo) == nullptr) {
    if (by_slot) {
      ctx.out.array(2);
      ctx.out.integer(0);
      ctx.out.integer(static_cast<int64_t>(db.slot_size(m.slot)));
    } else {
      ctx.out.integer(0);
    }
    return;
  }
  m.keys.push_back(key);
  const std::string_view t = cmd::hash_tag(key);
  if (tag && t.size() != key.size()) {
    // Every key of the slot with the same tag moves in the same batch (atomically on the target).
    for (const Entry& e : db.slot_table(m.slot)) {
      if (e.key() != key && cmd::hash_tag(e.key()) == t && !db.is_expired(e, ctx.now_ms)) {
        m.keys.emplace_back(e.key());
      }
    }
  }
  for (const auto& k : m.keys) {
    if (ctx.server.migrations().in_flight(m.db, k)) {
      ctx.out.error("TRYAGAIN " + std::to_string(m.slot) + " - 0 key '" + k + "' is already being migrated");
      return;
    }
  }
  m.restore.emplace_back("SLOTSRESTORE");
  for (const auto& k : m.keys) {
    const Entry* e = db.peek(k, ctx.now_ms);
    std::string payload;
    if (auto st = dump_payload(e->value, &payload, /*compress=*/false); !st.ok()) {
      ctx.out.error(rdb::dump_error_reply(st.error().code));
      return;
    }
    const int64_t expire = db.expire_of(*e);
    m.restore.push_back(k);
    m.restore.push_back(std::to_string(expire < 0 ? 0 : std::max<int64_t>(1, expire - ctx.now_ms)));
    m.restore.push_back(std::move(payload));
  }
  m.to = rt::Endpoint(std::string(ctx.arg(1)), static_cast<uint16_t>(port));
  m.timeout = rt::milliseconds(timeout_ms == 0 ? 100 : timeout_ms);
  m.client = ctx.client.id;
  Server& s = ctx.server;
  s.migrations().start_flight(m.db, m.keys);
  m.ticket = s.suspend(ctx.client);
  const int db_index = m.db;
  const std::vector<std::string> keys = m.keys;
  if (!s.spawn(run_move(&s, std::move(m)))) {
    s.migrations().end_flight(db_index, keys);
    s.unblock(ctx.client);
    ctx.out.error("ERR the server is not running");
  }
}

// SLOTSMGRT-EXEC-WRAPPER hashkey command [arg ...]: what Codis's proxy sends to a migration's source
// (semi-async mode). [-1, error]: the command is unknown or has the wrong arity; [0, error]: hashkey is not
// here (the proxy goes to the target); [1, error]: the command writes and hashkey is in flight (the proxy
// retries); [2, reply]: the command ran here.
void cmd_slotsmgrt_exec_wrapper(CommandContext& ctx) {
  const std::span<const std::string_view> wrapped = ctx.argv.subspan(2);
  const cmd::CommandSpec* spec = cmd::lookup(wrapped[0]);
  if (spec != nullptr && spec->is_container() && wrapped.size() >= 2) {
    spec = cmd::lookup_subcommand(*spec, wrapped[1]);
  }
  ctx.out.array(2);
  if (spec == nullptr || ctx.server.registry().find(spec) == nullptr) {
    ctx.out.integer(-1);
    ctx.out.error("ERR invalid command specified (" + std::string(wrapped[0]) + ")");
    return;
  }
  if (!cmd::check_arity(*spec, wrapped.size())) {
    ctx.out.integer(-1);
    ctx.out.error("ERR wrong number of arguments for command (" + std::string(wrapped[0]) + ")");
    return;
  }
  if (spec->has(cmd::flag::kBlocking) || spec->has(cmd::flag::kNoMulti) || spec->has(cmd::flag::kPubsub)) {
    // They would suspend or change the connection's mode inside another command.
    ctx.out.integer(-1);
    ctx.out.error("ERR command (" + std::string(wrapped[0]) + ") cannot be wrapped");
    return;
  }
  if (ctx.db().find(ctx.arg(1), ctx.now_ms) == nullptr) {
    ctx.out.integer(0);
    ctx.out.error("ERR the specified key doesn't exist");
    return;
  }
  if (!spec->has(cmd::flag::kReadonly) && ctx.server.migrations().in_flight(ctx.client.db, ctx.arg(1))) {
    ctx.out.integer(1);
    ctx.out.error("ERR the specified key is being migrated");
    return;
  }
  ctx.out.integer(2);
  ctx.server.execute(ctx.client, wrapped, ctx.out);
}

void cmd_slotsmgrtone(CommandContext& ctx) {
  migrate(ctx, false, false);
}
void cmd_slotsmgrttagone(CommandContext& ctx) {
  migrate(ctx, true, false);
}
void cmd_slotsmgrtslot(CommandContext& ctx) {
  migrate(ctx, false, true);
}
void cmd_slotsmgrttagslot(CommandContext& ctx) {
  migrate(ctx, true, true);
}

}  // namespace

void register_slot_migration_family(Registry& r) {
  r.add("slotsmgrtone", cmd_slotsmgrtone);
  r.add("slotsmgrttagone", cmd_slotsmgrttagone);
  r.add("slotsmgrtslot", cmd_slotsmgrtslot);
  r.add("slotsmgrttagslot", cmd_slotsmgrttagslot);
  r.add("slotsmgrt-exec-wrapper", cmd_slotsmgrt_exec_wrapper);
}

}  // namespace codis::server
