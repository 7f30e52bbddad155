// SORT and SORT_RO.
#include "server/registry.h"

namespace codis::server {

void register_sort_family(Registry&) {}

}  // namespace codis::server
