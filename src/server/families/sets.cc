// Set commands (being written; registered through register_set_family).
#include "server/families/util.h"

namespace codis::server {

void register_set_family(Registry&) {}

}  // namespace codis::server
