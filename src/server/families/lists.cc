// List commands (being written; registered through register_list_family).
#include "server/families/util.h"

namespace codis::server {

void register_list_family(Registry&) {}

}  // namespace codis::server
