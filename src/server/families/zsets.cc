// Sorted-set commands (ZADD ... ZSCAN) on ds::ZSet, and the family's registration.
#include "server/registry.h"

namespace codis::server {

void register_zset_family(Registry&) {}

}  // namespace codis::server
