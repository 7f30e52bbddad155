// The slow log store (server/slowlog.h) and SLOWLOG GET/LEN/RESET/HELP.
#include "server/slowlog.h"

#include <climits>
#include <map>
#include <memory>

#include "server/families/intro_util.h"
#include "server/families/util.h"
#include "server/registry.h"

namespace codis::server {

void Slowlog::record(const Config& c, int64_t duration_us, std::span<const std::string_view> argv,
                     std::string_view peer, std::string_view name, int64_t now_unix_s) {
  if (c.slowlog_log_slower_than < 0) {
    return;
  }
  if (duration_us >= c.slowlog_log_slower_than) {
    SlowlogEntry e;
    e.id = next_id_++;
    e.time = now_unix_s;
    e.duration_us = duration_us;
    const size_t argc = std::min(argv.size(), kMaxArgc);
    e.argv.reserve(argc);
    for (size_t j = 0; j < argc; ++j) {
      if (argc != argv.size() && j == argc - 1) {
        e.argv.push_back("... (" + std::to_string(argv.size() - argc + 1) + " more arguments)");
      } else if (argv[j].size() > kMaxString) {
        std::string s(argv[j].substr(0, kMaxString));
        s += "... (" + std::to_string(argv[j].size() - kMaxString) + " more bytes)";
        e.argv.push_back(std::move(s));
      } else {
        e.argv.emplace_back(argv[j]);
      }
    }
    e.peer.assign(peer);
    e.name.assign(name);
    entries_.push_front(std::move(e));
  }
  while (static_cast<int64_t>(entries_.size()) > c.slowlog_max_len) {
    entries_.pop_back();
  }
}

Slowlog& slowlog_of(Server& s) {
  return s.slowlog();
}

namespace {

// SLOWLOG GET [count]: newest first; count -1 means all.
void cmd_slowlog_get(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.out.error("ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.");
    return;
  }
  const Slowlog& log = slowlog_of(ctx.server);
  int64_t count = 10;
  if (ctx.argc() == 3) {
    if (!resp::parse_ll(ctx.arg(2), &count) || count < -1) {
      ctx.out.error("ERR count should be greater than or equal to -1");
      return;
    }
    if (count == -1) {
      count = static_cast<int64_t>(log.size());
    }
  }
  const size_t n = std::min(static_cast<size_t>(count), log.size());
  ctx.out.array(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = log.entries()[i];
    ctx.out.array(6);
    ctx.out.integer(e.id);
    ctx.out.integer(e.time);
    ctx.out.integer(e.duration_us);
    ctx.out.array(e.argv.size());
    for (const auto& a : e.argv) {
      ctx.out.bulk(a);
    }
    ctx.out.bulk(e.peer);
    ctx.out.bulk(e.name);
  }
}

void cmd_slowlog_len(CommandContext& ctx) {
  ctx.out.integer(static_cast<int64_t>(slowlog_of(ctx.server).size()));
}

void cmd_slowlog_reset(CommandContext& ctx) {
  slowlog_of(ctx.server).reset();
  ctx.out.ok();
}

void cmd_slowlog_help(CommandContext& ctx) {
  reply_help(ctx, {"SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GET [<count>]",
                   "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                   "    Entries are made of:",
                   "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                   "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
                   "    Reset the slowlog.", "HELP", "    Prints this help."});
}

}  // namespace

void register_slowlog_commands(Registry& r) {
  r.add("slowlog|get", cmd_slowlog_get);
  r.add("slowlog|len", cmd_slowlog_len);
  r.add("slowlog|reset", cmd_slowlog_reset);
  r.add("slowlog|help", cmd_slowlog_help);
}

}  // namespace codis::server
