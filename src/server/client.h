// One client connection's state: selected db, protocol, authentication, name, MULTI queue and WATCHed keys.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "rt/event.h"
#include "rt/net.h"
#include "rt/time.h"

namespace codis::cmd {
struct CommandSpec;
}

namespace codis::resp {
class IoBuf;
}

namespace codis::server {

using resp::IoBuf;

struct QueuedCommand {
  std::vector<std::string> argv;
};

// A command blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...): registered on its keys until one of them is
// written and can serve it (then the command runs again, as Redis reprocesses it), its timeout passes, or
// the connection ends.
struct BlockState {
  bool active = false;
  int db = 0;
  std::vector<std::string> argv;  // run again when a key is ready
  std::vector<std::string> keys;
  int64_t deadline_ms = 0;  // unix ms; 0 blocks forever
  uint8_t type = 0;         // ObjType of the keys that can serve it (Redis 7.0 leaves it blocked otherwise)
  bool null_array = true;   // the timeout reply: a null array (BLPOP...) or a null bulk (BLMOVE...)
  // While the command runs again: the key whose turn it is. Redis 7.0 serves a waiter on several keys from
  // the key that became ready, not from the first non-empty one in its arguments.
  std::string serving_key;
  // Not 0: the command finishes later, off the keyspace (a migration's round trip); Server::finish with this
  // ticket delivers its reply. Such a client has no keys and no timeout, and CLIENT UNBLOCK leaves it.
  uint64_t ticket = 0;
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
  std::string_view last_command = "NULL";  // a command table name (static), as Redis keeps c->lastcmd
  bool killed = false;                     // CLIENT KILL: the connection loop closes it at its next turn
  rt::Stream* stream = nullptr;            // closing it from elsewhere ends the client's pending read
  void kill() {
    killed = true;
    if (stream != nullptr) {
      stream->close();
    }
  }

  // Blocking commands. `reprocessing` is set while a blocked command runs again: blocking once more then
  // keeps its place in the queues.
  BlockState block;
  bool reprocessing = false;
  bool in_exec = false;  // running EXEC's commands: blocking commands answer at once
  // ASKING was sent: the next command (or the transaction it opens) may use an importing slot.
  bool asking = false;
  // On a migration link (SLOTSRESTORE-ASYNC): the key its last `del` removed, which the key's first chunk
  // may create. A chunk for any other missing key fails: its copy expired half way (a temporary TTL), and
  // appending to nothing would leave a value without its first chunks.
  std::string restore_fresh;

  // MULTI/EXEC.
  bool in_multi = false;
  bool multi_dirty = false;  // a command was refused while queueing: EXEC aborts
  std::vector<QueuedCommand> queued;
  bool watch_dirty = false;
  std::vector<std::pair<int, std::string>> watched;  // (db, key)

  // Pub/sub: subscriptions, and messages other clients published, waiting to be sent by this client's loop.
  std::set<std::string, std::less<>> channels;
  std::set<std::string, std::less<>> patterns;
  std::set<std::string, std::less<>> shard_channels;  // SSUBSCRIBE
  std::string outbox;
  // CLIENT PAUSE / DEBUG SLEEP: a command that arrived while it had to wait (run when the pause ends), and
  // the time (unix ms) before which this client's replies are held back (the DEBUG SLEEP caller).
  std::vector<std::string> postponed;
  const cmd::CommandSpec* postponed_spec = nullptr;  // its (sub)command, as dispatch resolved it
  // Never postponed: Redis does not pause replicas or monitors; here also out-of-band checkers (the
  // fuzzer's oracle).
  bool never_paused = false;
  bool monitor = false;  // MONITOR: receives a line for every command the server runs
  // CLIENT REPLY: OFF drops every reply; SKIP drops the next command's reply (reply_skip_next until that
  // command starts, reply_skip while it runs). Pub/sub pushes (confirmations, messages) still go out, as
  // Redis's CLIENT_PUSHING lets them through in RESP2 and RESP3 alike; MONITOR lines do not.
  bool reply_off = false;
  bool reply_skip = false;
  bool reply_skip_next = false;
  // Set by a command whose reply is push data (SUBSCRIBE and the like): REPLY OFF/SKIP keep it.
  bool replied_push = false;
  int64_t hold_replies_until_ms = 0;
  rt::Event* wakeup = nullptr;  // set when the outbox fills or the client is killed
  // The connection loop's buffers (CLIENT LIST qbuf/omem, INFO's client figures); null outside it.
  const IoBuf* query_buf = nullptr;
  const std::string* reply_buf = nullptr;
  // All subscriptions (the subscribed context); SUBSCRIBE's and SSUBSCRIBE's confirmations count apart.
  size_t subscriptions() const { return channels.size() + patterns.size() + shard_channels.size(); }
  size_t plain_subscriptions() const { return channels.size() + patterns.size(); }
};

}  // namespace codis::server
