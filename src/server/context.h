// What a command handler gets: the server, the calling client, the arguments (views into the read buffer,
// valid during the call), the command's table entry, where to write the reply, and the time of the call.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "cmd/spec.h"
#include "resp/reply_writer.h"
#include "server/client.h"
#include "server/keyspace.h"

namespace codis::server {

class Server;

struct CommandContext {
  Server& server;
  Client& client;
  std::span<const std::string_view> argv;
  const cmd::CommandSpec& spec;
  resp::ReplyWriter& out;
  int64_t now_ms;

  Db& db();
  size_t argc() const { return argv.size(); }
  std::string_view arg(size_t i) const { return argv[i]; }
  // Whether a pop may take from `key`: any key, except while a blocked command runs again for the key
  // whose turn it is (BlockState::serving_key).
  bool may_serve_from(std::string_view key) const {
    return !client.reprocessing || client.block.serving_key.empty() || key == client.block.serving_key;
  }
  // Marks keys changed: WATCH invalidation and the dirty counter.
  void touched(std::string_view key);
  void touched_db();
};

using Handler = void (*)(CommandContext&);

}  // namespace codis::server
