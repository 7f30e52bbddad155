// What the migration tests share: a codis-server process with extra options, and key names of one slot.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cmd/slot.h"
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

}  // namespace codis::server::testing
