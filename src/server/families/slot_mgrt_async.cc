// The source's side of Codis's async migration (codis.md sections 3 and 4.3, docs/slots.md):
// SLOTSMGRTONE-ASYNC, SLOTSMGRTTAGONE-ASYNC, SLOTSMGRTSLOT-ASYNC and SLOTSMGRTTAGSLOT-ASYNC pick a batch of
// keys (with their hash-tag mates for the TAG forms) and stream them to the target as SLOTSRESTORE-ASYNC
// messages (slots/key_stream.h: big values in chunks) over a link of the seam, keeping up to maxbytes
// unacknowledged and reading the target's ACKs as they come. The caller waits; other clients are served
// between messages; writes to the batch's keys get TRYAGAIN (reads are served: the keys are whole here).
// Only when every message is acknowledged are the keys deleted here (big values freed bit by bit); a failed
// or cancelled batch leaves them all here, and a retry starts each key over with `del`.
// SLOTSMGRT-ASYNC-FENCE waits for the db's batch, -CANCEL ends it, -STATUS describes it; the -ASYNC-DUMP
// forms return the messages instead of sending them.
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/slot.h"
#include "resp/number.h"
#include "server/families/util.h"
#include "server/registry.h"
#include "server/server.h"
#include "server/slots/async_batch.h"
#include "server/slots/cleanup.h"
#include "server/slots/fence.h"
#include "server/slots/free_later.h"

namespace codis::server {
namespace {

constexpr int64_t kDefaultTimeoutMs = 30000;
constexpr int64_t kDefaultMaxBulks = 1000;
constexpr int64_t kMaxMaxBulks = 512 * 1024;
constexpr int64_t kDefaultMaxBytes = 256 * 1024;
constexpr int64_t kMaxMaxBytes = INT32_MAX / 2;
constexpr int64_t kDefaultNumKeys = 128;
// One round of message making stops after this much, so a batch of big values never holds the server for
// long between two chances to serve others (the ACKs keep the pipe full).
constexpr size_t kRoundMessages = 256;
constexpr size_t kRoundBytes = 256 * 1024;
constexpr rt::Duration kRoundTime = rt::microseconds(250);

// A non-negative integer argument, Codis's way: `ERR invalid value of <what> (<arg>)`.
bool parse_arg(CommandContext& ctx, std::string_view arg, std::string_view what, int64_t lo, int64_t hi,
               int64_t* out) {
  int64_t v = 0;
  if (!resp::parse_ll(arg, &v) || v < lo || v > hi) {
    ctx.out.error("ERR invalid value of " + std::string(what) + " (" + std::string(arg) + ")");
    return false;
  }
  *out = v;
  return true;
}

// Adds `key` (when it is here and not already in) and, with `tag`, every key of its slot sharing its hash
// tag, so that a tag's keys always travel in one batch.
void add_key(const Db& db, int64_t now_ms, std::string_view key, bool tag,
             absl::flat_hash_set<std::string>& seen, std::vector<std::string>& keys) {
  if (seen.contains(absl::string_view(key.data(), key.size())) || db.peek(key, now_ms) == nullptr) {
    return;
  }
  seen.emplace(key);
  keys.emplace_back(key);
  const std::string_view t = cmd::hash_tag(key);
  if (!tag || t.size() == key.size()) {
    return;
  }
  const std::string own(key);
  for (const Entry& e : db.slot_table(cmd::slot_of(own))) {
    if (cmd::hash_tag(e.key()) == t && !db.is_expired(e, now_ms) &&
        !seen.contains(absl::string_view(e.key().data(), e.key().size()))) {
      seen.emplace(e.key());
      keys.emplace_back(e.key());
    }
  }
}

// About `numkeys` keys of the slot (with tag mates), scanned from a random cursor to the end of the table,
// then from its start if that found fewer. Keys another migration is moving are left out (their move decides
// where they end up).
std::vector<std::string> pick_slot_keys(Server& s, int db_index, int64_t now_ms, uint32_t slot,
                                        size_t numkeys, bool tag) {
  const Db& db = s.db(db_index);
  std::vector<std::string> keys;
  absl::flat_hash_set<std::string> seen;
  const SlotTable& t = db.slot_table(slot);
  for (int round = 0; round < 2 && keys.size() < numkeys; ++round) {
    uint64_t cursor = round == 0 ? s.env().random.next_u64() : 0;
    size_t steps = std::max<size_t>(32, numkeys * 5);
    do {
      std::vector<std::string> found;
      cursor = t.scan(cursor, [&](const Entry& e) { found.emplace_back(e.key()); });
      for (const auto& k : found) {
        if (!s.migrations().in_flight(db_index, k) && keys.size() < numkeys) {
          add_key(db, now_ms, k, tag, seen, keys);
        }
      }
    } while (cursor != 0 && keys.size() < numkeys && --steps != 0);
  }
  return keys;
}

void reply_result(resp::ReplyWriter& out, const AsyncBatch& b, size_t moved, size_t remaining) {
  if (b.by_slot) {
    out.array(2);
    out.integer(static_cast<int64_t>(moved));
    out.integer(static_cast<int64_t>(remaining));
  } else {
    out.integer(static_cast<int64_t>(moved));
  }
}

// A batch that did not complete: the keys nothing was sent of may be written again now; the others wait until
// their copies on the target are gone (slots/cleanup.h).
void release_keys(Server* s, AsyncBatch& b) {
  std::vector<std::string> untouched, sent;
  for (const KeyStream& ks : b.streams) {
    (ks.started() ? sent : untouched).push_back(ks.key());
  }
  s->migrations().end_flight(b.db, untouched);
  clean_up_copies(*s, b.to, b.db, std::move(sent), rt::milliseconds(b.limits.timeout_ms));
}

// The batch's end, acknowledged in full (error empty) or not: deletes the moved keys here only in the
// first case, lets the keys be written again and answers everyone waiting.
void end_batch(Server* s, AsyncBatch& b, const std::string& error) {
  Db& db = s->db(b.db);
  const int64_t now_ms = s->now_ms();
  size_t moved = 0;
  const bool early = s->env().exec.planted("mgrt-delete-before-ack");
  if (error.empty() || early) {
    for (const KeyStream& ks : b.streams) {
      if (!ks.moved()) {
        continue;
      }
      ++moved;
      if (Entry* e = db.find(ks.key(), now_ms, Db::Touch::kNo); e != nullptr) {
        free_later(*s, std::move(e->value));  // a big value is freed bit by bit
        db.remove(ks.key());
        s->touch_watched(b.db, ks.key());
      }
    }
  }
  if (error.empty() && b.link != nullptr) {
    s->migrations().give_link(std::move(b.link), now_ms);
  }
  b.link.reset();
  if (error.empty()) {
    s->migrations().end_flight(b.db, b.keys);
  } else {
    release_keys(s, b);
  }
  s->migrations().set_async(b.db, nullptr);
  const size_t remaining = db.slot_size(b.slot);
  for (const auto& [client, ticket] : b.waiters) {
    s->finish(client, ticket, [&](resp::ReplyWriter& out) {
      if (!error.empty()) {
        out.error(error);
      } else {
        reply_result(out, b, moved, remaining);
      }
    });
  }
}

// "" when `v` is a successful SLOTSRESTORE-ASYNC-ACK, else why not. The name and the errno must be strings
// (a target writes bulk strings; Codis's source reads the ACK as a command, so nothing else parses there):
// an errno that is an error "-0" or a big number "(0" carries the text "0" too, but says nothing was done
// (found by the migration_link fuzzer).
std::string check_ack(const resp::Value& v) {
  if (v.kind == resp::Kind::kError || v.kind == resp::Kind::kBlobError) {
    return v.str;
  }
  auto text = [](const resp::Value& e) {
    return e.kind == resp::Kind::kBulkString || e.kind == resp::Kind::kSimpleString;
  };
  if (v.kind != resp::Kind::kArray || v.elems.size() != 3 || !text(v.elems[0]) || !text(v.elems[1]) ||
      v.elems[0].str != "SLOTSRESTORE-ASYNC-ACK") {
    return "not a SLOTSRESTORE-ASYNC-ACK";
  }
  if (v.elems[1].str != "0") {
    return v.elems[2].str;
  }
  return "";
}

std::string io_error(const AsyncBatch& b, rt::Errc e) {
  return "IOERR error or timeout talking to " + b.to.to_string() + ": " + std::string(rt::errc_name(e));
}

// Opens (or reuses) the link, kills the target's fences, then streams every key's messages, keeping up to
// maxbytes unacknowledged. "" once all are acknowledged, else the error for the waiters. Returns at once
// when the batch was cancelled meanwhile (the caller then touches nothing).
rt::Task<std::string> stream_batch(Server* s, AsyncBatch& b) {
  const rt::Duration timeout = rt::milliseconds(b.limits.timeout_ms);
  std::unique_ptr<MigrationLink> link = s->migrations().take_link(b.to, b.db, s->now_ms());
  if (link == nullptr) {
    auto opened = co_await MigrationLink::open(s->env(), b.to, s->config().requirepass, b.db, timeout);
    if (b.cancelled) {
      co_return "";
    }
    if (!opened.ok() && opened.error() == rt::Errc::kInvalidArgument) {
      co_return "ERR target " + b.to.to_string() + " refused the link's AUTH or SELECT";
    }
    if (!opened.ok()) {
      co_return "IOERR error or timeout connecting to " + b.to.to_string() + ": " +
          std::string(rt::errc_name(opened.error()));
    }
    link = std::move(*opened);
    // A codis-cpp target knows SLOTSSTATE (and takes LRU/LFU stamps); Codis's answers an error and keeps
    // the connection.
    const std::vector<std::string_view> probe = {"SLOTSSTATE", "0"};
    auto r = co_await link->call(probe, timeout);
    if (b.cancelled) {
      co_return "";
    }
    if (!r.ok()) {
      s->migrations().add_fence(b.to, link->local());
      co_return io_error(b, r.error());
    }
    link->set_stamps(r->kind == resp::Kind::kArray);
  }
  b.limits.stamps = link->stamps();
  const rt::Endpoint local = link->local();
  b.link = std::move(link);
  MigrationLink& l = *b.link;
  auto fenced = co_await kill_fences(s->env(), s->migrations(), l, timeout);
  if (b.cancelled) {
    co_return "";
  }
  if (!fenced.ok()) {
    s->migrations().add_fence(b.to, local);
    co_return io_error(b, fenced.error());
  }
  if (fenced->has_value()) {
    co_return "ERR target " + b.to.to_string() + " refused the keys: " + (*fenced)->str;
  }

  std::deque<size_t> sizes;  // of the messages not acknowledged yet, oldest first
  size_t unacked_bytes = 0;
  std::vector<std::string> msg;
  std::vector<std::string_view> argv;
  for (;;) {
    size_t round_msgs = 0, round_bytes = 0;
    const rt::MonoTime round_end = s->env().clock.mono() + kRoundTime;
    while (b.current < b.streams.size() && (b.sending == 0 || unacked_bytes < b.limits.maxbytes) &&
           round_msgs < kRoundMessages && round_bytes < kRoundBytes &&
           (round_msgs == 0 || s->env().clock.mono() < round_end)) {
      const int64_t now_ms = s->now_ms();
      KeyStream& ks = b.streams[b.current];
      if (!ks.next(s->db(b.db), now_ms, static_cast<uint32_t>(now_ms / 1000), b.limits, &msg)) {
        ++b.current;
        continue;
      }
      argv.assign(msg.begin(), msg.end());
      l.queue(argv);
      size_t bytes = 0;
      for (const auto& a : msg) {
        bytes += a.size();
      }
      sizes.push_back(bytes);
      unacked_bytes += bytes;
      round_bytes += bytes;
      ++round_msgs;
      ++b.sending;
      ++b.sent;
    }
    if (b.sending == 0) {
      co_return "";  // every message acknowledged
    }
    if (b.current == b.streams.size() && s->env().exec.planted("mgrt-async-end-before-acks")) {
      // The planted bug (codis-sim --bug): the batch ends once its last message is written, not acked.
      auto w = co_await l.flush(timeout);
      co_return w.ok() ? "" : io_error(b, w.error());
    }
    if (auto w = co_await l.flush(timeout); !w.ok()) {
      if (b.cancelled) {
        co_return "";
      }
      s->migrations().add_fence(b.to, local);
      co_return io_error(b, w.error());
    }
    auto r = co_await l.receive(timeout);
    if (b.cancelled) {
      co_return "";
    }
    if (!r.ok()) {
      s->migrations().add_fence(b.to, local);
      co_return r.error() == rt::Errc::kTimeout ? "ERR interrupted: migration timeout"
                                                : io_error(b, r.error());
    }
    std::optional<resp::Value> ack = std::move(*r);
    while (ack.has_value()) {
      if (std::string why = check_ack(*ack); !why.empty()) {
        // The target closes the link after a failed message; anything after it was not applied.
        l.abort();
        co_return "ERR target " + b.to.to_string() + " refused the keys: " + why;
      }
      --b.sending;
      unacked_bytes -= sizes.front();
      sizes.pop_front();
      b.lastuse_ms = s->now_ms();
      ack = b.sending == 0 ? std::nullopt : l.take_buffered();
    }
  }
}

rt::Task<void> run_batch(Server* s, std::shared_ptr<AsyncBatch> b) {
  const std::string error = co_await stream_batch(s, *b);
  if (b->cancelled) {
    b->link.reset();
    release_keys(s, *b);  // CANCEL answered the waiters and let another batch start
  } else {
    end_batch(s, *b, error);
  }
}

// The limits common to every form: host port timeout maxbulks maxbytes at argv[1..5].
bool parse_limits(CommandContext& ctx, rt::Endpoint* to, StreamLimits* lim) {
  int64_t port = 0, timeout = 0, maxbulks = 0, maxbytes = 0;
  if (!parse_arg(ctx, ctx.arg(2), "port", 1, 65535, &port) ||
      !parse_arg(ctx, ctx.arg(3), "timeout", 0, INT32_MAX, &timeout) ||
      !parse_arg(ctx, ctx.arg(4), "maxbulks", 0, INT32_MAX, &maxbulks) ||
      !parse_arg(ctx, ctx.arg(5), "maxbytes", 0, INT32_MAX, &maxbytes)) {
    return false;
  }
  *to = rt::Endpoint(std::string(ctx.arg(1)), static_cast<uint16_t>(port));
  lim->timeout_ms = timeout == 0 ? kDefaultTimeoutMs : timeout;
  lim->maxbulks = static_cast<size_t>(std::min(maxbulks == 0 ? kDefaultMaxBulks : maxbulks, kMaxMaxBulks));
  lim->maxbytes = static_cast<size_t>(std::min(maxbytes == 0 ? kDefaultMaxBytes : maxbytes, kMaxMaxBytes));
  lim->lfu = is_lfu(ctx.server.config().maxmemory_policy);
  lim->lfu_decay_minutes = ctx.server.config().lfu_decay_time;
  return true;
}

// SLOTSMGRT{ONE,TAGONE}-ASYNC host port timeout maxbulks maxbytes key [key ...]
// SLOTSMGRT{SLOT,TAGSLOT}-ASYNC host port timeout maxbulks maxbytes slot numkeys
void migrate_async(CommandContext& ctx, bool tag, bool by_slot) {
  auto b = std::make_shared<AsyncBatch>();
  if (!parse_limits(ctx, &b->to, &b->limits)) {
    return;
  }
  Server& s = ctx.server;
  const Db& db = ctx.db();
  b->db = ctx.client.db;
  b->by_slot = by_slot;
  int64_t slot = 0, numkeys = 0;
  if (by_slot && (!parse_arg(ctx, ctx.arg(6), "slot", 0, cmd::kSlots - 1, &slot) ||
                  !parse_arg(ctx, ctx.arg(7), "numkeys", 0, INT32_MAX, &numkeys))) {
    return;
  }
  if (s.migrations().async(b->db) != nullptr) {
    ctx.out.error("ERR the specified DB is being migrated");
    return;
  }
  if (ctx.client.in_exec) {
    ctx.out.error("ERR " + std::string(ctx.spec.name) + " cannot run inside MULTI");
    return;
  }
  if (by_slot) {
    b->slot = static_cast<uint32_t>(slot);
    b->keys = pick_slot_keys(s, b->db, ctx.now_ms, b->slot,
                             static_cast<size_t>(numkeys == 0 ? kDefaultNumKeys : numkeys), tag);
  } else {
    absl::flat_hash_set<std::string> seen;
    for (size_t i = 6; i < ctx.argv.size(); ++i) {
      add_key(db, ctx.now_ms, ctx.arg(i), tag, seen, b->keys);
    }
    b->slot = b->keys.empty() ? 0 : cmd::slot_of(b->keys.front());
  }
  for (const auto& k : b->keys) {
    if (s.migrations().in_flight(b->db, k)) {
      ctx.out.error("TRYAGAIN " + std::to_string(cmd::slot_of(k)) + " - 0 key '" + k +
                    "' is already being migrated");
      return;
    }
  }
  if (b->keys.empty()) {
    reply_result(ctx.out, *b, 0, by_slot ? db.slot_size(b->slot) : 0);
    return;
  }
  for (const auto& k : b->keys) {
    b->streams.emplace_back(k);
  }
  b->started_ms = b->lastuse_ms = ctx.now_ms;
  s.migrations().start_flight(b->db, b->keys);
  s.migrations().set_async(b->db, b);
  b->waiters.emplace_back(ctx.client.id, s.suspend(ctx.client));
  if (!s.spawn(run_batch(&s, b))) {
    s.migrations().end_flight(b->db, b->keys);
    s.migrations().set_async(b->db, nullptr);
    s.unblock(ctx.client);
    ctx.out.error("ERR the server is not running");
  }
}

// SLOTSMGRT{ONE,TAGONE}-ASYNC-DUMP timeout maxbulks key [key ...]: the messages that would move the keys.
void dump_async(CommandContext& ctx, bool tag) {
  int64_t timeout = 0, maxbulks = 0;
  if (!parse_arg(ctx, ctx.arg(1), "timeout", 0, INT32_MAX, &timeout) ||
      !parse_arg(ctx, ctx.arg(2), "maxbulks", 0, INT32_MAX, &maxbulks)) {
    return;
  }
  StreamLimits lim;
  lim.timeout_ms = timeout == 0 ? kDefaultTimeoutMs : timeout;
  lim.maxbulks = static_cast<size_t>(std::min(maxbulks == 0 ? kDefaultMaxBulks : maxbulks, kMaxMaxBulks));
  lim.maxbytes = SIZE_MAX;
  const Db& db = ctx.db();
  std::vector<std::string> keys;
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 3; i < ctx.argv.size(); ++i) {
    add_key(db, ctx.now_ms, ctx.arg(i), tag, seen, keys);
  }
  std::vector<std::vector<std::string>> messages;
  std::vector<std::string> msg;
  for (const auto& k : keys) {
    KeyStream ks(k);
    while (ks.next(db, ctx.now_ms, static_cast<uint32_t>(ctx.now_ms / 1000), lim, &msg)) {
      messages.push_back(std::move(msg));
    }
  }
  ctx.out.array(messages.size());
  for (const auto& m : messages) {
    ctx.out.array(m.size());
    for (const auto& a : m) {
      ctx.out.bulk(a);
    }
  }
}

// SLOTSMGRT-ASYNC-FENCE: waits for the db's batch and answers what its caller gets (+OK when none runs).
void cmd_fence(CommandContext& ctx) {
  auto b = ctx.server.migrations().async(ctx.client.db);
  if (b == nullptr) {
    ctx.out.ok();
    return;
  }
  if (ctx.client.in_exec) {
    ctx.out.error("ERR SLOTSMGRT-ASYNC-FENCE cannot wait inside MULTI");
    return;
  }
  b->waiters.emplace_back(ctx.client.id, ctx.server.suspend(ctx.client));
}

// SLOTSMGRT-ASYNC-CANCEL: ends the db's batch now (1) or finds none (0). The keys all stay here; those the
// target may hold copies of stay in flight until the copies are deleted there.
void cmd_cancel(CommandContext& ctx) {
  Server& s = ctx.server;
  auto b = s.migrations().async(ctx.client.db);
  if (b == nullptr) {
    ctx.out.integer(0);
    return;
  }
  b->cancelled = true;
  if (b->link != nullptr) {
    if (b->sending > 0) {
      s.migrations().add_fence(b->to, b->link->local());
    }
    b->link->abort();  // wakes the batch's task, which sees `cancelled` and leaves
  }
  // The batch's task wakes and hands its keys over (those sent wait until the target dropped its copies).
  s.migrations().set_async(b->db, nullptr);
  for (const auto& [client, ticket] : b->waiters) {
    s.finish(client, ticket, [](resp::ReplyWriter& out) { out.error("ERR interrupted: canceled"); });
  }
  ctx.out.integer(1);
}

// SLOTSMGRT-ASYNC-STATUS: nil, or a flat map of the db's batch (Codis's fields).
void cmd_status(CommandContext& ctx) {
  auto b = ctx.server.migrations().async(ctx.client.db);
  if (b == nullptr) {
    ctx.out.null();
    return;
  }
  auto& out = ctx.out;
  out.array(18);
  out.bulk("host");
  out.bulk(b->to.host);
  out.bulk("port");
  out.integer(b->to.port);
  out.bulk("used");
  out.integer(1);
  out.bulk("timeout");
  out.integer(b->limits.timeout_ms);
  out.bulk("lastuse");
  out.integer(b->lastuse_ms);
  out.bulk("since_lastuse");
  out.integer(ctx.now_ms - b->lastuse_ms);
  out.bulk("sending_msgs");
  out.integer(static_cast<int64_t>(b->sending));
  out.bulk("blocked_clients");
  out.integer(static_cast<int64_t>(b->waiters.size()));
  out.bulk("batched_iterator");
  size_t removed = 0, chunked = 0;
  for (const KeyStream& ks : b->streams) {
    removed += ks.moved() ? 1 : 0;
    chunked += ks.chunked() ? 1 : 0;
  }
  out.array(18);
  out.bulk("keys");
  out.array(b->keys.size());
  for (const auto& k : b->keys) {
    out.bulk(k);
  }
  out.bulk("timeout");
  out.integer(b->limits.timeout_ms);
  out.bulk("maxbulks");
  out.integer(static_cast<int64_t>(b->limits.maxbulks));
  out.bulk("maxbytes");
  out.integer(static_cast<int64_t>(b->limits.maxbytes));
  out.bulk("sent_msgs");
  out.integer(static_cast<int64_t>(b->sent));
  out.bulk("moved_keys");
  out.integer(static_cast<int64_t>(removed));
  out.bulk("chunked_vals");
  out.integer(static_cast<int64_t>(chunked));
  out.bulk("keys_left");
  out.integer(static_cast<int64_t>(b->streams.size() - std::min(b->current, b->streams.size())));
  out.bulk("iterator");
  if (b->current >= b->streams.size()) {
    out.null();
    return;
  }
  const KeyStream& ks = b->streams[b->current];
  out.array(12);
  out.bulk("key");
  out.bulk(ks.key());
  out.bulk("val.type");
  out.bulk(type_name(ks.type()));
  out.bulk("stage");
  out.bulk(KeyStream::stage_name(ks.stage()));
  out.bulk("cursor");
  out.integer(static_cast<int64_t>(ks.cursor()));
  out.bulk("index");
  out.integer(static_cast<int64_t>(ks.index()));
  out.bulk("chunked_msgs");
  out.integer(static_cast<int64_t>(ks.chunks()));
}

void cmd_slotsmgrtone_async(CommandContext& ctx) {
  migrate_async(ctx, false, false);
}
void cmd_slotsmgrttagone_async(CommandContext& ctx) {
  migrate_async(ctx, true, false);
}
void cmd_slotsmgrtslot_async(CommandContext& ctx) {
  migrate_async(ctx, false, true);
}
void cmd_slotsmgrttagslot_async(CommandContext& ctx) {
  migrate_async(ctx, true, true);
}
void cmd_slotsmgrtone_async_dump(CommandContext& ctx) {
  dump_async(ctx, false);
}
void cmd_slotsmgrttagone_async_dump(CommandContext& ctx) {
  dump_async(ctx, true);
}

}  // namespace

void register_slot_migration_async_family(Registry& r) {
  r.add("slotsmgrtone-async", cmd_slotsmgrtone_async);
  r.add("slotsmgrttagone-async", cmd_slotsmgrttagone_async);
  r.add("slotsmgrtslot-async", cmd_slotsmgrtslot_async);
  r.add("slotsmgrttagslot-async", cmd_slotsmgrttagslot_async);
  r.add("slotsmgrtone-async-dump", cmd_slotsmgrtone_async_dump);
  r.add("slotsmgrttagone-async-dump", cmd_slotsmgrttagone_async_dump);
  r.add("slotsmgrt-async-fence", cmd_fence);
  r.add("slotsmgrt-async-cancel", cmd_cancel);
  r.add("slotsmgrt-async-status", cmd_status);
}

}  // namespace codis::server
