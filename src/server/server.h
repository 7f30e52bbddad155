// codis-server: the databases, the connected clients, statistics, and the loop that accepts connections,
// runs every complete command in each read synchronously and writes the replies back in one batch.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "resp/reply_writer.h"
#include "rt/env.h"
#include "rt/scope.h"
#include "server/client.h"
#include "server/config.h"
#include "server/keyspace.h"
#include "server/pubsub.h"
#include "server/registry.h"

namespace codis::server {

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected = 0;
  uint64_t failed = 0;
};

struct Stats {
  uint64_t connections_received = 0;
  uint64_t commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t dirty = 0;                            // changes since start (for INFO persistence)
  std::map<std::string, CommandStats> commands;  // by name, sorted for INFO commandstats
};

class Server {
 public:
  Server(rt::Env& env, Config config, std::function<void()> on_shutdown = {});
  ~Server();

  // Listens and serves until cancelled. `ready` (optional) gets the bound endpoint once listening.
  rt::Task<void> run(std::function<void(const rt::Endpoint&)> ready = {});

  // Runs one command and appends its reply (the entry point tests, fuzzers and the network share).
  void execute(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out);

  rt::Env& env() { return env_; }
  Config& config() { return config_; }
  Db& db(int i) { return dbs_[static_cast<size_t>(i)]; }
  int databases() const { return static_cast<int>(dbs_.size()); }
  Stats& stats() { return stats_; }
  const Registry& registry() const { return registry_; }
  int64_t now_ms() const { return rt::unix_ms(env_.clock.wall()); }
  rt::MonoTime started() const { return started_; }
  const std::map<uint64_t, Client*>& clients() const { return clients_; }
  uint64_t next_client_id() { return ++last_client_id_; }
  void add_client(Client* c) { clients_[c->id] = c; }
  void remove_client(Client* c) { clients_.erase(c->id); }
  void shutdown();
  // Active expiry: deletes keys whose time has passed, a bounded amount per call.
  void expire_cycle();
  // WATCH bookkeeping: a write to (db, key) makes every client watching it fail its EXEC.
  void touch_watched(int db, std::string_view key);
  void touch_watched_db(int db);
  uint16_t port() const { return port_; }
  PubSub& pubsub() { return pubsub_; }

 private:
  void dispatch(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out);
  rt::Task<void> serve_client(rt::StreamPtr s);
  rt::Task<void> cron();

  rt::Env& env_;
  Config config_;
  std::function<void()> on_shutdown_;
  std::vector<Db> dbs_;
  Registry registry_;
  PubSub pubsub_;
  Stats stats_;
  std::map<uint64_t, Client*> clients_;
  uint64_t last_client_id_ = 0;
  rt::MonoTime started_{};
  uint16_t port_ = 0;
};

}  // namespace codis::server
