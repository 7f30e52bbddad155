// MEMORY USAGE/DOCTOR/STATS/MALLOC-STATS/PURGE/HELP (Redis 7.0 object.c memoryCommand), with codis-server's
// own numbers: MEMORY USAGE from memory_usage.h, STATS from the allocator (the runtime's rt::Memory).
#include <climits>
#include <string>

#include "server/families/intro_util.h"
#include "server/families/util.h"
#include "server/memory_usage.h"

namespace codis::server {

namespace {

// MEMORY USAGE key [SAMPLES count]: count 0 means every element; a missing key answers null.
void cmd_memory_usage(CommandContext& ctx) {
  int64_t samples = 5;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    if (iequals(ctx.arg(j), "samples") && j + 1 < ctx.argc()) {
      if (!parse_int(ctx, ctx.arg(j + 1), &samples)) {
        return;
      }
      if (samples < 0) {
        ctx.out.error(err::kSyntax);
        return;
      }
      ++j;
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  const Entry* e = ctx.db().peek(ctx.arg(2), ctx.now_ms);
  if (e == nullptr) {
    ctx.out.null();
    return;
  }
  ctx.out.integer(static_cast<int64_t>(memory_usage(ctx.arg(2), *e, static_cast<size_t>(samples))));
}

size_t total_keys(Server& s) {
  size_t n = 0;
  for (int i = 0; i < s.databases(); ++i) {
    n += s.db(i).size();
  }
  return n;
}

// Redis's doctor speaks only when there is enough data (5 MB) to judge; codis-server has no fragmentation
// or RSS analysis, so past that it reports nothing found.
void cmd_memory_doctor(CommandContext& ctx) {
  if (ctx.server.memory_facts().allocated < 5 * 1024 * 1024 || total_keys(ctx.server) == 0) {
    ctx.out.verbatim(
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
        "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam "
        "and I will be back to our programming as soon as I finished rebooting.\n");
    return;
  }
  ctx.out.verbatim(
      "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this "
      "base.\n");
}

// A subset of Redis's MEMORY STATS fields (same names and order), from glibc's counters.
void cmd_memory_stats(CommandContext& ctx) {
  Server& s = ctx.server;
  const rt::Memory::Stats mem = s.memory_facts();
  const size_t allocated = mem.allocated;
  const size_t active = mem.active;
  std::vector<int> dbs;
  size_t overhead = 0;
  for (int i = 0; i < s.databases(); ++i) {
    if (s.db(i).size() > 0) {
      dbs.push_back(i);
    }
  }
  size_t clients_bytes = 0;
  for (const auto& [id, c] : s.clients()) {
    clients_bytes += sizeof(Client) + c->name.size();
  }
  const size_t keys = total_keys(s);
  ctx.out.map(14 + dbs.size());
  auto field = [&](std::string_view name, int64_t v) {
    ctx.out.bulk(name);
    ctx.out.integer(v);
  };
  field("peak.allocated", static_cast<int64_t>(allocated));
  field("total.allocated", static_cast<int64_t>(allocated));
  field("startup.allocated", 0);
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", static_cast<int64_t>(clients_bytes));
  field("aof.buffer", 0);
  for (int i : dbs) {
    size_t main = 0;
    for (uint32_t slot = 0; slot < cmd::kSlots; ++slot) {
      main += s.db(i).slot_table(slot).overhead_bytes();
    }
    overhead += main;
    ctx.out.bulk("db." + std::to_string(i));
    ctx.out.map(2);
    field("overhead.hashtable.main", static_cast<int64_t>(main));
    field("overhead.hashtable.expires", static_cast<int64_t>(s.db(i).expires() * 4 * sizeof(void*)));
  }
  overhead += clients_bytes;
  field("overhead.total", static_cast<int64_t>(overhead));
  field("keys.count", static_cast<int64_t>(keys));
  field("keys.bytes-per-key", static_cast<int64_t>(keys == 0 ? 0 : allocated / keys));
  field("dataset.bytes", static_cast<int64_t>(allocated > overhead ? allocated - overhead : 0));
  field("allocator.allocated", static_cast<int64_t>(allocated));
  field("allocator.active", static_cast<int64_t>(active));
  field("allocator-fragmentation.bytes", static_cast<int64_t>(active > allocated ? active - allocated : 0));
}

void cmd_memory_malloc_stats(CommandContext& ctx) {
  ctx.out.bulk("Stats not supported for the current allocator");
}

void cmd_memory_purge(CommandContext& ctx) {
  ctx.server.env().memory.purge();
  ctx.out.ok();
}

void cmd_memory_help(CommandContext& ctx) {
  reply_help(
      ctx,
      {"MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "DOCTOR",
       "    Return memory problems reports.", "MALLOC-STATS",
       "    Return internal statistics report from the memory allocator.", "PURGE",
       "    Attempt to purge dirty pages for reclamation by the allocator.", "STATS",
       "    Return information about the memory usage of the server.", "USAGE <key> [SAMPLES <count>]",
       "    Return memory in bytes used by <key> and its value. Nested values are",
       "    sampled up to <count> times (default: 5, 0 means sample all).", "HELP", "    Prints this help."});
}

}  // namespace

void register_memory_commands(Registry& r) {
  r.add("memory|usage", cmd_memory_usage);
  r.add("memory|doctor", cmd_memory_doctor);
  r.add("memory|stats", cmd_memory_stats);
  r.add("memory|malloc-stats", cmd_memory_malloc_stats);
  r.add("memory|purge", cmd_memory_purge);
  r.add("memory|help", cmd_memory_help);
}

}  // namespace codis::server
