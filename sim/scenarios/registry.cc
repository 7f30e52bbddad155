// Every scenario codis-sim knows, as data: name, what it checks, how to make it, the bugs it can plant.
#include "sim/scenario.h"
#include "sim/scenarios/echo.h"
#include "sim/scenarios/server_kv.h"

namespace codis::sim {

const std::vector<ScenarioEntry>& scenarios() {
  static const std::vector<ScenarioEntry> kAll = {
      {"echo",
       "clients and an echo service on different hosts under every network and process fault; per connection "
       "the echo is an exact prefix of what was sent or the connection is reported broken; no leaks after "
       "heal",
       make_echo_scenario,
       {"echo-drop-byte"}},
      {"server_kv",
       "codis-server on a simulated host and clients doing SET/GET/APPEND/DEL/STRLEN on their own keys under "
       "network and process faults; every read matches the acknowledged writes of the same server life",
       make_server_kv_scenario,
       {"kv-model-drops-append"}},
  };
  return kAll;
}

}  // namespace codis::sim
