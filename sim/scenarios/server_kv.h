// The server_kv scenario: codis-server on a simulated host, clients doing SET/GET/INCR/APPEND/DEL on keys
// of their own through real TCP under network and process faults. Invariant: a read returns exactly what
// the client's acknowledged writes imply, or either outcome of a write whose reply never came (the client
// fences the broken connection with CLIENT KILL before reusing its keys); a server restart wipes the keys
// (it keeps no data across a crash yet); after heal every client completes its quota and the server is
// left with no client connections.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace codis::sim {

std::unique_ptr<Scenario> make_server_kv_scenario(const ScenarioOptions& o);

}  // namespace codis::sim
