// One client connection's state: selected db, protocol, authentication, name, MULTI queue and WATCHed keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rt/net.h"
#include "rt/time.h"

namespace codis::server {

struct QueuedCommand {
  std::vector<std::string> argv;
};

struct Client {
  uint64_t id = 0;
  rt::Endpoint peer;
  rt::Endpoint local;
  std::string name;
  int db = 0;
  int protocol = 2;
  bool authenticated = false;
  bool close_after_reply = false;
  rt::MonoTime created{};
  rt::MonoTime last_interaction{};
  std::string last_command = "NULL";
  bool killed = false;  // CLIENT KILL: the connection loop closes it at its next turn

  // MULTI/EXEC.
  bool in_multi = false;
  bool multi_dirty = false;  // a command was refused while queueing: EXEC aborts
  std::vector<QueuedCommand> queued;
  bool watch_dirty = false;
  std::vector<std::pair<int, std::string>> watched;  // (db, key)
};

}  // namespace codis::server
