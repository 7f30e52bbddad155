// A minimal RESP client over rt::Stream for simulator workloads: send one command, read one reply.
// Workloads use it against codis-server (and later codis-proxy) running on simulated hosts.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_parser.h"
#include "resp/value.h"
#include "rt/env.h"
#include "rt/net.h"

namespace codis::sim {

class RespClient {
 public:
  explicit RespClient(rt::StreamPtr s) : s_(std::move(s)) {}

  // Sends args as one command and waits for its reply (kTimeout after `timeout`). After any error the
  // connection is unusable: the outcome of the command is unknown.
  rt::Task<rt::Result<resp::Value>> call(rt::Env& env, std::vector<std::string> args, rt::Duration timeout);

 private:
  rt::Task<rt::Result<resp::Value>> call_inner(std::vector<std::string> args);

  rt::StreamPtr s_;
  std::string in_;
  resp::ReplyParser parser_;
};

}  // namespace codis::sim
