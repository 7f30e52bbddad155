// Introspection: OBJECT, MEMORY, SLOWLOG, LATENCY, COMMAND INFO/DOCS/GETKEYS.
#include "server/registry.h"

namespace codis::server {

void register_introspection_family(Registry&) {}

}  // namespace codis::server
