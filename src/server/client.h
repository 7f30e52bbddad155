// One client connection's state: selected db, protocol, authentication, name, MULTI queue and WATCHed keys.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "rt/event.h"
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
  bool killed = false;           // CLIENT KILL: the connection loop closes it at its next turn
  rt::Stream* stream = nullptr;  // closing it from elsewhere ends the client's pending read
  void kill() {
    killed = true;
    if (stream != nullptr) {
      stream->close();
    }
  }

  // MULTI/EXEC.
  bool in_multi = false;
  bool multi_dirty = false;  // a command was refused while queueing: EXEC aborts
  std::vector<QueuedCommand> queued;
  bool watch_dirty = false;
  std::vector<std::pair<int, std::string>> watched;  // (db, key)

  // Pub/sub: subscriptions, and messages other clients published, waiting to be sent by this client's loop.
  std::set<std::string, std::less<>> channels;
  std::set<std::string, std::less<>> patterns;
  std::string outbox;
  rt::Event* wakeup = nullptr;  // set when the outbox fills or the client is killed
  size_t subscriptions() const { return channels.size() + patterns.size(); }
};

}  // namespace codis::server
