// A RESP client for a cluster-mode group of codis-servers that routes by slot and follows the redirects the
// way the proxy will (docs/slots.md): -MOVED updates its table and resends, -ASK sends ASKING and the
// command to the target on the same connection, -TRYAGAIN waits a few ms and routes again. It keeps one
// connection per server. Its table starts with every slot on one server and, to play a proxy with a stale
// table, sometimes sends a command to a random server instead.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "resp/value.h"
#include "rt/env.h"
#include "rt/net.h"
#include "sim/workloads/resp_client.h"

namespace codis::sim {

struct Routed {
  enum class Outcome : uint8_t {
    kReply,    // `reply` is the final answer (neither a redirect nor a retry)
    kUnknown,  // the command was sent and no answer came: it may or may not have run
    kGaveUp,   // too many redirects or retries, or no server reachable: it did not run
  };
  Outcome outcome = Outcome::kGaveUp;
  resp::Value reply;
  int redirects = 0;
};

class SlotClient {
 public:
  // servers: "host:port" of every server; the table starts with every slot on servers[0].
  SlotClient(std::vector<std::string> servers, double wrong_server_chance);

  // Sends args (whose keys are all in `slot`) to the server the table names and follows redirects.
  rt::Task<Routed> call(rt::Env& env, const std::vector<std::string>& args, uint32_t slot,
                        rt::Duration timeout);
  void close_all();

 private:
  rt::Task<RespClient*> conn(rt::Env& env, const std::string& addr);
  void drop(const std::string& addr);

  std::vector<std::string> servers_;
  double wrong_server_chance_;
  std::map<uint32_t, std::string> table_;  // slot -> server, when learned from a MOVED
  std::map<std::string, std::unique_ptr<RespClient>> conns_;
};

// "host:port" as an endpoint (port 0 when malformed).
rt::Endpoint parse_addr(const std::string& addr);

}  // namespace codis::sim
