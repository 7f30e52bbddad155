// Introspection: OBJECT (object_cmds.cc), MEMORY (memory_cmds.cc), COMMAND INFO/DOCS/GETKEYS/LIST
// (command_cmds.cc), SLOWLOG (slowlog.cc), LATENCY (latency.cc).
#include "server/families/intro_util.h"

namespace codis::server {

void register_introspection_family(Registry& r) {
  register_object_commands(r);
  register_memory_commands(r);
  register_command_commands(r);
  register_slowlog_commands(r);
  register_latency_commands(r);
}

}  // namespace codis::server
