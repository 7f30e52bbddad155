// Shared by the introspection families (object_cmds.cc, memory_cmds.cc, command_cmds.cc, slowlog.cc,
// latency.cc): Redis's HELP reply and each file's registration function.
#pragma once

#include <initializer_list>
#include <string_view>

#include "server/context.h"
#include "server/registry.h"

namespace codis::server {

// addReplyHelp: one status line per entry.
inline void reply_help(CommandContext& ctx, std::initializer_list<std::string_view> lines) {
  ctx.out.array(lines.size());
  for (std::string_view l : lines) {
    ctx.out.simple(l);
  }
}

void register_object_commands(Registry& r);
void register_memory_commands(Registry& r);
void register_command_commands(Registry& r);
void register_slowlog_commands(Registry& r);
void register_latency_commands(Registry& r);

}  // namespace codis::server
