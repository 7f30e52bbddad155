// HyperLogLog commands: PFADD PFCOUNT PFMERGE (and PFDEBUG/PFSELFTEST) on ds::hll.
#include "server/registry.h"

namespace codis::server {

void register_hll_family(Registry&) {}

}  // namespace codis::server
