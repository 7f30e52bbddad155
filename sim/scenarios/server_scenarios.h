// The server scenarios beyond server_kv, one file each: pub/sub, blocking pops, transactions, expiry under
// clock faults, limits (maxclients, CLIENT KILL, maxmemory), and slot migration between two cluster-mode
// servers. Each checks its invariants through real
// connections to codis-server on a simulated host, under every network and process fault.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace codis::sim {

std::unique_ptr<Scenario> make_server_pubsub_scenario(const ScenarioOptions& o);
std::unique_ptr<Scenario> make_server_blocking_scenario(const ScenarioOptions& o);
std::unique_ptr<Scenario> make_server_tx_scenario(const ScenarioOptions& o);
std::unique_ptr<Scenario> make_server_expiry_scenario(const ScenarioOptions& o);
std::unique_ptr<Scenario> make_server_limits_scenario(const ScenarioOptions& o);
std::unique_ptr<Scenario> make_slot_migration_scenario(const ScenarioOptions& o);
// slot_migration with the writers going through two codis-proxy processes (stale routing file, crashable).
std::unique_ptr<Scenario> make_proxy_migration_scenario(const ScenarioOptions& o);

}  // namespace codis::sim
