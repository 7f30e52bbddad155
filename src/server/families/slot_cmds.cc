// Codis's slot commands that need no link to another server (codis.md section 3) and the ownership
// commands of our own (docs/slots.md): SLOTSHASHKEY, SLOTSINFO, SLOTSSCAN, SLOTSDEL, SLOTSCHECK,
// SLOTSRESTORE, SLOTSSETSTATE, SLOTSSTATE and ASKING.
#include <cstdint>
#include <string>
#include <vector>

#include "cmd/slot.h"
#include "server/families/dump_value.h"
#include "server/families/expire_args.h"
#include "server/families/util.h"
#include "server/registry.h"
#include "server/server.h"
#include "server/slots/slot_states.h"

namespace codis::server {
namespace {

// A slot number argument, as Codis's parse_slot reads it.
bool parse_slot(CommandContext& ctx, std::string_view s, uint32_t* out) {
  int64_t v = 0;
  if (!parse_int(ctx, s, &v)) {
    return false;
  }
  if (v < 0 || v >= cmd::kSlots) {
    ctx.out.error("ERR invalid slot number = " + std::to_string(v));
    return false;
  }
  *out = static_cast<uint32_t>(v);
  return true;
}

// Every argument from `first` on as a slot number.
bool parse_slots(CommandContext& ctx, size_t first, std::vector<uint32_t>* out) {
  for (size_t i = first; i < ctx.argc(); ++i) {
    uint32_t s = 0;
    if (!parse_slot(ctx, ctx.arg(i), &s)) {
      return false;
    }
    out->push_back(s);
  }
  return true;
}

// SLOTSHASHKEY key [key ...]
void cmd_slotshashkey(CommandContext& ctx) {
  ctx.out.array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.out.integer(cmd::slot_of(ctx.arg(i)));
  }
}

// SLOTSINFO [start] [count]: [slot, keys] for every non-empty slot of [start, start+count).
void cmd_slotsinfo(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.out.error("ERR wrong number of arguments for 'slotsinfo' command");
    return;
  }
  uint32_t start = 0;
  int64_t count = cmd::kSlots;
  if (ctx.argc() >= 2 && !parse_slot(ctx, ctx.arg(1), &start)) {
    return;
  }
  if (ctx.argc() == 3) {
    if (!parse_int(ctx, ctx.arg(2), &count)) {
      return;
    }
    if (count < 0) {
      ctx.out.error("ERR invalid slot count = " + std::to_string(count));
      return;
    }
  }
  const uint32_t end = static_cast<uint32_t>(std::min<int64_t>(cmd::kSlots, start + count));
  Db& db = ctx.db();
  std::vector<std::pair<uint32_t, size_t>> rows;
  for (uint32_t s = start; s < end; ++s) {
    if (db.slot_size(s) != 0) {
      rows.emplace_back(s, db.slot_size(s));
    }
  }
  ctx.out.array(rows.size());
  for (const auto& [slot, n] : rows) {
    ctx.out.array(2);
    ctx.out.integer(slot);
    ctx.out.integer(static_cast<int64_t>(n));
  }
}

// SLOTSSCAN slot cursor [COUNT n]: SCAN over one slot's keys (expired ones are left out, not deleted).
void cmd_slotsscan(CommandContext& ctx) {
  uint32_t slot = 0;
  if (!parse_slot(ctx, ctx.arg(1), &slot)) {
    return;
  }
  uint64_t cursor = 0;
  if (!parse_scan_cursor(ctx.arg(2), &cursor)) {
    ctx.out.error("ERR invalid cursor");
    return;
  }
  int64_t count = 10;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    if (i + 1 < ctx.argc() && iequals(ctx.arg(i), "count")) {
      if (!parse_int(ctx, ctx.arg(i + 1), &count)) {
        return;
      }
      if (count < 1) {
        ctx.out.error(err::kSyntax);
        return;
      }
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  Db& db = ctx.db();
  const SlotTable& t = db.slot_table(slot);
  std::vector<std::string> keys;
  // As Redis's SCAN: about `count` keys, visiting at most 10x as many buckets so a sparse table answers.
  int64_t buckets = count * 10;
  do {
    cursor = t.scan(cursor, [&](const Entry& e) {
      if (!db.is_expired(e, ctx.now_ms)) {
        keys.emplace_back(e.key());
      }
    });
  } while (cursor != 0 && static_cast<int64_t>(keys.size()) < count && --buckets > 0);
  ctx.out.array(2);
  ctx.out.bulk(std::to_string(cursor));
  ctx.out.array(keys.size());
  for (const auto& k : keys) {
    ctx.out.bulk(k);
  }
}

// SLOTSDEL slot [slot ...]: deletes every key of each slot; [slot, keys left] each (0 unless a key
// reappears, which a single-threaded server never lets happen).
void cmd_slotsdel(CommandContext& ctx) {
  std::vector<uint32_t> slots;
  if (!parse_slots(ctx, 1, &slots)) {
    return;
  }
  Db& db = ctx.db();
  // A key on its way to another server is not deleted under the migration's feet: its move decides.
  for (uint32_t s : slots) {
    for (const Entry& e : db.slot_table(s)) {
      if (ctx.server.migrations().in_flight(ctx.client.db, e.key())) {
        ctx.out.error("TRYAGAIN " + std::to_string(s) +
                      " - 0 keys of the slot are being migrated, retry later");
        return;
      }
    }
  }
  ctx.out.array(slots.size());
  for (uint32_t s : slots) {
    std::vector<std::string> keys;
    for (const Entry& e : db.slot_table(s)) {
      keys.emplace_back(e.key());
    }
    for (const auto& k : keys) {
      if (db.remove(k)) {
        ctx.touched(k);
      }
    }
    ctx.out.array(2);
    ctx.out.integer(s);
    ctx.out.integer(static_cast<int64_t>(db.slot_size(s)));
  }
}

// SLOTSCHECK: every key of every database sits in the table of its own slot.
void cmd_slotscheck(CommandContext& ctx) {
  for (int d = 0; d < ctx.server.databases(); ++d) {
    Db& db = ctx.server.db(d);
    size_t seen = 0;
    for (uint32_t s = 0; s < cmd::kSlots; ++s) {
      for (const Entry& e : db.slot_table(s)) {
        ++seen;
        if (cmd::slot_of(e.key()) != s) {
          ctx.out.error("ERR db " + std::to_string(d) + " slot " + std::to_string(s) + " holds key '" +
                        std::string(e.key()) + "' of slot " + std::to_string(cmd::slot_of(e.key())));
          return;
        }
      }
    }
    if (seen != db.size()) {
      ctx.out.error("ERR db " + std::to_string(d) + " counts " + std::to_string(db.size()) +
                    " keys but its slots hold " + std::to_string(seen));
      return;
    }
  }
  ctx.out.ok();
}

// SLOTSRESTORE key ttl payload [key ttl payload ...]: every payload is decoded before any key changes, so
// the batch lands whole or not at all; each key is then replaced. ttl is milliseconds, 0 for none.
void cmd_slotsrestore(CommandContext& ctx) {
  if ((ctx.argc() - 1) % 3 != 0) {
    ctx.out.error("ERR wrong number of arguments for 'slotsrestore' command");
    return;
  }
  struct Item {
    std::string_view key;
    int64_t expire = -1;
    Object value;
  };
  // In cluster mode keys land only in slots this server owns or imports: the source deletes what the
  // target acknowledged, so keys accepted into a slot served elsewhere would be lost.
  const SlotStates& states = ctx.server.slot_states();
  for (size_t i = 1; i < ctx.argc(); i += 3) {
    const uint32_t slot = cmd::slot_of(ctx.arg(i));
    if (ctx.server.migrations().in_flight(ctx.client.db, ctx.arg(i))) {
      // This server is moving the key elsewhere: replacing it now would be lost or overwritten.
      ctx.out.error("TRYAGAIN " + std::to_string(slot) + " - 0 key '" + std::string(ctx.arg(i)) +
                    "' is being migrated, retry later");
      return;
    }
    const SlotState st = states.at(slot).state;
    if (st != SlotState::kOwned && st != SlotState::kImporting) {
      ctx.out.error("ERR slot " + std::to_string(slot) + " is " + std::string(SlotStates::name(st)) +
                    " here: it takes no keys");
      return;
    }
  }
  std::vector<Item> items;
  for (size_t i = 1; i < ctx.argc(); i += 3) {
    Item it;
    it.key = ctx.arg(i);
    int64_t ttl = 0;
    if (!parse_int(ctx, ctx.arg(i + 1), &ttl)) {
      return;
    }
    if (ttl < 0) {
      ctx.out.error("ERR invalid ttl value, must be >= 0");
      return;
    }
    if (ttl > INT64_MAX - ctx.now_ms) {  // now + ttl would overflow
      ctx.out.error(invalid_expire("slotsrestore"));
      return;
    }
    if (std::string error = restore_value(ctx, ctx.arg(i + 2), &it.value); !error.empty()) {
      ctx.out.error(error);
      return;
    }
    it.expire = ttl > 0 ? ctx.now_ms + ttl : -1;
    items.push_back(std::move(it));
  }
  Db& db = ctx.db();
  for (Item& it : items) {
    db.remove(it.key);
    db.set(it.key, std::move(it.value), it.expire);
    ctx.touched(it.key);
  }
  ctx.out.ok();
}

// SLOTSSETSTATE slot|first-last owned|migrating|importing|not-owned addr|- epoch
bool keys_in_flight(Server& server, uint32_t slot) {
  for (int d = 0; d < server.databases(); ++d) {
    for (const Entry& e : server.db(d).slot_table(slot)) {
      if (server.migrations().in_flight(d, e.key())) {
        return true;
      }
    }
  }
  return false;
}

// Keys a server holds in a slot it does not own are left over from a batch that was cancelled or failed
// after the target applied it (the source kept its copy). Before the slot is imported again they go: a key
// deleted on the source meanwhile would otherwise come back to life when this server takes the slot.
void drop_stale_keys(Server& server, uint32_t slot) {
  for (int d = 0; d < server.databases(); ++d) {
    Db& db = server.db(d);
    std::vector<std::string> keys;
    for (const Entry& e : db.slot_table(slot)) {
      keys.emplace_back(e.key());
    }
    for (const auto& k : keys) {
      if (!server.migrations().in_flight(d, k) && db.remove(k)) {
        server.touch_watched(d, k);
      }
    }
  }
}

void cmd_slotssetstate(CommandContext& ctx) {
  const std::string_view range = ctx.arg(1);
  const size_t dash = range.find('-', 1);
  uint32_t first = 0, last = 0;
  if (!parse_slot(ctx, range.substr(0, dash), &first) ||
      !parse_slot(ctx, dash == std::string_view::npos ? range : range.substr(dash + 1), &last)) {
    return;
  }
  if (last < first) {
    ctx.out.error("ERR invalid slot range " + std::string(range));
    return;
  }
  const auto state = SlotStates::parse(ctx.arg(2));
  if (!state) {
    ctx.out.error("ERR invalid slot state '" + std::string(ctx.arg(2)) +
                  "': expected owned, migrating, importing or not-owned");
    return;
  }
  int64_t epoch = 0;
  if (!parse_int(ctx, ctx.arg(4), &epoch)) {
    return;
  }
  if (epoch < 0) {
    ctx.out.error("ERR invalid epoch " + std::to_string(epoch));
    return;
  }
  SlotInfo info{*state, static_cast<uint64_t>(epoch), ctx.arg(3) == "-" ? "" : std::string(ctx.arg(3))};
  SlotStates& states = ctx.server.slot_states();
  // Checked for every slot first, so a refused range changes nothing.
  for (uint32_t s = first; s <= last; ++s) {
    if (std::string error = states.check(s, info); !error.empty()) {
      ctx.out.error("ERR " + error);
      return;
    }
    // A migration's keys in flight (a batch, or copies being deleted on the target after a failed one) keep
    // their slot migrating: the target would otherwise serve, or send back, copies that do not count.
    const SlotInfo& now = states.at(s);
    if (now.state == SlotState::kMigrating && !(info.state == now.state && info.peer == now.peer) &&
        keys_in_flight(ctx.server, s)) {
      ctx.out.error("TRYAGAIN " + std::to_string(s) + " - " + std::to_string(now.epoch) +
                    " keys of the slot are being migrated, retry later");
      return;
    }
  }
  for (uint32_t s = first; s <= last; ++s) {
    const SlotState before = states.at(s).state;
    (void)states.set(s, info);
    if (before == SlotState::kNotOwned && info.state == SlotState::kImporting) {
      drop_stale_keys(ctx.server, s);
    }
  }
  ctx.out.ok();
}

// SLOTSSTATE [slot ...]: [slot, state, addr, epoch] for each slot given, or for all 1024.
void cmd_slotsstate(CommandContext& ctx) {
  std::vector<uint32_t> slots;
  if (!parse_slots(ctx, 1, &slots)) {
    return;
  }
  if (slots.empty()) {
    for (uint32_t s = 0; s < cmd::kSlots; ++s) {
      slots.push_back(s);
    }
  }
  const SlotStates& states = ctx.server.slot_states();
  ctx.out.array(slots.size());
  for (uint32_t s : slots) {
    const SlotInfo& info = states.at(s);
    ctx.out.array(4);
    ctx.out.integer(s);
    ctx.out.bulk(SlotStates::name(info.state));
    ctx.out.bulk(info.peer);
    ctx.out.integer(static_cast<int64_t>(info.epoch));
  }
}

// ASKING: the next command may use an importing slot (the proxy sends it after an -ASK).
void cmd_asking(CommandContext& ctx) {
  if (!ctx.server.slot_states().cluster_mode()) {
    ctx.out.error("ERR This instance has cluster support disabled");
    return;
  }
  ctx.client.asking = true;
  ctx.out.ok();
}

}  // namespace

void register_slot_family(Registry& r) {
  r.add("slotshashkey", cmd_slotshashkey);
  r.add("slotsinfo", cmd_slotsinfo);
  r.add("slotsscan", cmd_slotsscan);
  r.add("slotsdel", cmd_slotsdel);
  r.add("slotscheck", cmd_slotscheck);
  r.add("slotsrestore", cmd_slotsrestore);
  r.add("slotssetstate", cmd_slotssetstate);
  r.add("slotsstate", cmd_slotsstate);
  r.add("asking", cmd_asking);
}

}  // namespace codis::server
