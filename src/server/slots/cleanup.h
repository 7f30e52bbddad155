// After a batch fails or is cancelled the target may hold copies of its keys: whole ones (it applied the
// batch but the acknowledgement was lost) or chunks. Such a copy must never be served or moved back in place
// of the source's, which stays the one that counts. So the keys stay in flight here (reads served, writes
// TRYAGAIN) until their copies are deleted on the target (SLOTSRESTORE-ASYNC del over a fresh link, after
// the fences); the task retries while the target cannot be reached. Meanwhile their slot stays migrating
// here (SLOTSSETSTATE refuses to change it), so the target never serves those copies or sends them back.
#pragma once

#include <string>
#include <vector>

#include "rt/net.h"
#include "rt/time.h"

namespace codis::server {

class Server;

// Takes over `keys` (in flight on `db`): ends their flight once their copies on `to` are gone. Under the
// planted bug mgrt-skip-cleanup (codis-sim --bug) it ends their flight at once.
void clean_up_copies(Server& s, rt::Endpoint to, int db, std::vector<std::string> keys, rt::Duration timeout);

}  // namespace codis::server
