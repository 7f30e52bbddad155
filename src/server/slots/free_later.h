// Hands a value a migration removed to the server's lazy free (slots/lazy_free.h), starting the task that
// frees it bit by bit when none runs (or freeing it at once when the server is not running).
#pragma once

#include "server/object.h"

namespace codis::server {

class Server;

void free_later(Server& s, Object o);

}  // namespace codis::server
