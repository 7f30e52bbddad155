// Which generated commands a stream sends when the subject is codis-proxy in front of several servers
// (server_diff --proxy). The proxy is one Redis only where docs/proxy.md says so: it serves database 0,
// refuses some commands by design, and answers a command whose keys span slots (or a transaction that
// spans slots) with CROSSSLOT instead of running it. Those commands are left out of the stream, not
// compared with a relaxed mode: the reference would run them and the two data sets would part ways.
// The decisions use the command table (src/cmd), the same one the proxy routes by, so a command the
// table declares wrongly still shows up as a mismatch of the proxy's reply or of the data set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace codis::diff {

class ProxyFilter {
 public:
  // False: leave this command out. Called in stream order; it follows WATCH/MULTI/EXEC itself.
  bool keep(const std::vector<std::string>& argv);

 private:
  // The slot a transaction (from WATCH or MULTI to EXEC/DISCARD) is bound to, once a key named it.
  std::optional<uint32_t> tx_slot_;
  bool in_multi_ = false;
};

}  // namespace codis::diff
