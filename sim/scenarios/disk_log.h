// The disk_log scenario: a durable append-only log on a simulated disk under every disk fault class; every
// acknowledged record survives every recovery unless the disk itself damaged it (sim/scenarios/disk_log.cc).
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace codis::sim {

std::unique_ptr<Scenario> make_disk_log_scenario(const ScenarioOptions& o);

}  // namespace codis::sim
