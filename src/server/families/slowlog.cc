// SLOWLOG GET/LEN/RESET/HELP over the server's slow log (server/slowlog.h).
#include "server/slowlog.h"

#include <algorithm>

#include "server/families/intro_util.h"
#include "server/families/util.h"
#include "server/registry.h"

namespace codis::server {

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
  cmd::write_slowlog_entries(ctx.out, log, static_cast<size_t>(count));
}

void cmd_slowlog_len(CommandContext& ctx) {
  ctx.out.integer(static_cast<int64_t>(slowlog_of(ctx.server).size()));
}

void cmd_slowlog_reset(CommandContext& ctx) {
  slowlog_of(ctx.server).reset();
  ctx.out.ok();
}

void cmd_slowlog_help(CommandContext& ctx) {
  const auto lines = cmd::slowlog_help_lines();
  ctx.out.array(lines.size());
  for (std::string_view l : lines) {
    ctx.out.simple(l);
  }
}

}  // namespace

void register_slowlog_commands(Registry& r) {
  r.add("slowlog|get", cmd_slowlog_get);
  r.add("slowlog|len", cmd_slowlog_len);
  r.add("slowlog|reset", cmd_slowlog_reset);
  r.add("slowlog|help", cmd_slowlog_help);
}

}  // namespace codis::server
