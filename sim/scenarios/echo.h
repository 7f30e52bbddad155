// The echo scenario: clients on several hosts talk to an echo service on another host under every network
// and process fault. Invariant: on every connection, what came back is exactly a prefix of what was sent
// (acknowledged bytes arrived exactly once and in order) or the connection was reported broken; after heal
// every client completes whole sessions and no connection or task is left behind.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace codis::sim {

std::unique_ptr<Scenario> make_echo_scenario(const ScenarioOptions& o);

}  // namespace codis::sim
