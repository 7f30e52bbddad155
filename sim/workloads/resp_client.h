// A minimal RESP client over rt::Stream for simulator workloads: send one command and read its reply, or
// pipeline (send several, then read replies and pushes one at a time).
// Workloads use it against codis-server (and later codis-proxy) running on simulated hosts.
#pragma once

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

  // Pipelining: queue() adds a command to the outgoing batch, flush() writes the batch, read() waits for the
  // next reply or push (kTimeout after `timeout`; a timed-out read consumes nothing, the stream stays
  // usable).
  void queue(const std::vector<std::string>& args);
  rt::Task<rt::Result<void>> flush();
  rt::Task<rt::Result<resp::Value>> read(rt::Env& env, rt::Duration timeout);
  // Whether a whole reply is already buffered (read() would not wait).
  bool buffered();

  // This end's address: what the server sees as the client's peer (CLIENT KILL ADDR, CLIENT LIST addr).
  rt::Endpoint local() const { return s_->local(); }
  void close() { s_->close(); }

 private:
  rt::Task<rt::Result<resp::Value>> call_inner(std::vector<std::string> args);
  rt::Task<rt::Result<resp::Value>> read_inner();

  rt::StreamPtr s_;
  std::string in_;
  std::string out_;
  resp::ReplyParser parser_;
  bool have_parsed_ = false;
  resp::Value parsed_;
};

// A reply as one line for violation messages.
std::string describe(const resp::Value& v);

}  // namespace codis::sim
