// What the migration tests share: a codis-server process with extra options, and key names of one slot.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cmd/slot.h"
#include "tests/server/redis_client.h"
#include "tests/server/server_process.h"

namespace codis::server::testing {

inline ServerProcess start_server(std::vector<std::string> extra = {}) {
  return ServerProcess(CODIS_SERVER_BIN, std::move(extra));
}

// `n` keys named prefix<i> that all hash to `slot`.
inline std::vector<std::string> keys_in_slot(uint32_t slot, const std::string& prefix, size_t n) {
  std::vector<std::string> out;
  for (int i = 0; out.size() < n; ++i) {
    std::string k = prefix + std::to_string(i);
    if (cmd::slot_of(k) == slot) {
      out.push_back(k);
    }
  }
  return out;
}

// Two cluster-mode servers as a migration test starts them: A owns every slot at epoch 1, B owns none and
// names A as their owner.
struct ClusterPair {
  ClusterPair()
      : a(start_server({"--cluster-mode", "yes"})),
        b(start_server({"--cluster-mode", "yes"})),
        aaddr("127.0.0.1:" + std::to_string(a.port())),
        baddr("127.0.0.1:" + std::to_string(b.port())),
        admin_a(connect(a.port())),
        admin_b(connect(b.port())) {
    own_a = call(admin_a.get(), {"SLOTSSETSTATE", "0-1023", "owned", "-", "1"});
    disown_b = call(admin_b.get(), {"SLOTSSETSTATE", "0-1023", "not-owned", aaddr, "1"});
  }
  ServerProcess a, b;
  std::string aaddr, baddr;
  Conn admin_a, admin_b;
  std::string own_a, disown_b;  // the replies to the two SLOTSSETSTATE: +OK each
};

}  // namespace codis::server::testing
