// Hash commands (being written; registered through register_hash_family).
#include "server/families/util.h"

namespace codis::server {

void register_hash_family(Registry&) {}

}  // namespace codis::server
