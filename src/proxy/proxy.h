// codis-proxy on one event loop: its sessions, its backend connections (one per server address), the
// routing table, and the following of the servers' redirect and retry errors (docs/slots.md) so that
// clients never see them. Loops share nothing: each has its own Proxy, listening on the same port.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "proxy/backend.h"
#include "proxy/command_stats.h"
#include "proxy/job.h"
#include "proxy/routing_table.h"
#include "proxy/slowlog.h"
#include "proxy/stats.h"
#include "rt/env.h"
#include "rt/scope.h"

namespace codis::proxy {

struct ProxyConfig {
  std::string password;          // clients must AUTH with it (empty: no password)
  std::string backend_password;  // the proxy's AUTH to every server
  // Redirects (MOVED/ASK) and retries (TRYAGAIN) are followed for this long; then the client gets an error.
  rt::Duration redirect_timeout = std::chrono::seconds(5);
  // A client with this many commands whose replies are not written yet, or this many bytes of their
  // requests, stops being read until they drain (backpressure; Codis disconnects such a client instead). A
  // client that writes its whole pipeline before reading any reply must stay under both.
  size_t max_pipeline = 65536;
  size_t max_pipeline_bytes = 64 << 20;
  int64_t idle_timeout_s = 0;  // 0: never close idle clients
  // Reads (commands flagged readonly) go to a replica of the slot's group when it has one and the slot is
  // not migrating; the master serves them while the replica is unreachable.
  bool read_replicas = false;
  size_t maxclients = 10000;
  // Redis's client-output-buffer-limit pubsub: a subscriber whose unwritten messages reach the hard limit,
  // or stay at or over the soft limit for the soft time, is disconnected (0: no limit).
  size_t pubsub_hard_limit = 32 << 20;
  size_t pubsub_soft_limit = 8 << 20;
  rt::Duration pubsub_soft_time = std::chrono::seconds(60);
  // The slow log every loop records into (null: the Proxy makes its own, Redis's defaults 10 ms, 128).
  std::shared_ptr<SharedSlowLog> slowlog;
};

class Session;

class Proxy {
 public:
  Proxy(rt::Env& env, ProxyConfig config, std::shared_ptr<const RoutingTable> table);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Accepts clients until cancelled.
  rt::Task<void> serve(rt::ListenerPtr listener);
  void set_table(std::shared_ptr<const RoutingTable> t);
  const RoutingTable& table() const { return *table_; }
  const ProxyConfig& config() const { return config_; }
  ProxyStats& stats() { return stats_; }
  const ProxyStats& stats() const { return stats_; }
  // Every loop's Proxy (this one included), set by main before the loops run: INFO and the admin port sum
  // their counters. Session ids are unique across them (loop index + n * loops).
  void set_peers(std::vector<const Proxy*> peers, size_t index);
  StatsSnapshot totals() const;
  CommandStats& command_stats() { return command_stats_; }
  SharedSlowLog& slowlog() { return *config_.slowlog; }
  // Command number `index` (CommandStats::commands()) summed over the loops.
  CommandTotals command_totals(size_t index) const;
  rt::Env& env() { return env_; }
  rt::MonoTime started() const { return started_; }

  // The sessions of this loop (they register themselves), told when the table changes.
  void add_session(Session* s) { sessions_.insert(s); }
  void remove_session(Session* s) { sessions_.erase(s); }

  // Sends every call of a job that is not done yet (a session calls it once per routed command).
  void start(const JobPtr& job);
  // A connection of the proxy's kind that the caller owns (a session's pinned connection); its run() must
  // be spawned by the owner.
  std::unique_ptr<Backend> make_backend(const rt::Endpoint& addr, int protocol);
  // Where a slot's calls go now: a MOVED-learned owner or the table's; nullptr when the slot has no owner.
  const rt::Endpoint* owner_of(uint32_t slot) const;
  // The backend connections (health for INFO and the admin port).
  const std::map<std::string, std::unique_ptr<Backend>>& backends() const { return backends_; }

 private:
  rt::Task<void> session(rt::StreamPtr s);
  rt::Task<void> give_back_memory_when_idle();
  void dispatch(const JobPtr& job, size_t call);
  Backend& backend(const rt::Endpoint& addr, int protocol);
  // The connection a job's call goes over: the shared one, or the session's own; nullptr when the session
  // that owned a pinned job is gone.
  Backend* route_for(const JobPtr& job, const rt::Endpoint& addr);
  void on_reply(const JobPtr& job, size_t call, std::string_view reply);
  void on_fail(const JobPtr& job, size_t call, bool sent, const std::string& why);
  // A redirect or retry error: follows it (true) or, past the deadline, leaves it to be the reply (false).
  bool follow(const JobPtr& job, size_t call, std::string_view reply);
  void call_done(const JobPtr& job, size_t call, std::string reply);
  rt::Task<void> retry_later(JobPtr job, size_t call, rt::Duration delay);
  // Sends the call again after a short backoff (a retry error, or a key in flight at the source).
  void retry_soon(const JobPtr& job, size_t call);
  // Past the redirect deadline: the call is finished with the proxy's error (true).
  bool gave_up(const JobPtr& job, size_t call, std::string_view said);
  // A slot migrating with forwarding: sends the call's forwarding request to the source (true), or leaves
  // the call to the normal route (false).
  bool forward_at_source(const JobPtr& job, size_t call);
  void source_reply(const JobPtr& job, size_t call, std::string_view reply);
  static void take_back_request(Call& c);
  // The replica connection a read of `slot` goes to, or nullptr for the master.
  Backend* replica_for(uint32_t slot, int protocol);

  rt::Env& env_;
  ProxyConfig config_;
  std::shared_ptr<const RoutingTable> table_;
  // Slots whose owner a MOVED named, until the next table: where their calls go meanwhile.
  std::map<uint32_t, rt::Endpoint> moved_;
  std::map<std::string, std::unique_ptr<Backend>> backends_;  // by "host:port" (+ "/3" for RESP3)
  // Per RESP version and slot, the shared connection its calls go over (null: look it up again).
  std::array<std::array<Backend*, cmd::kSlots>, 2> slot_backend_{};
  std::array<std::array<Backend*, cmd::kSlots>, 2> replica_backend_{};
  void forget_slot_backends();
  size_t next_any_ = 0;
  std::set<Session*> sessions_;
  ProxyStats stats_;
  CommandStats command_stats_;
  std::vector<const Proxy*> peers_;
  size_t index_ = 0;
  rt::MonoTime started_;
  bool bug_mget_order_;  // planted bugs, simulator only
  bool bug_retry_writes_;
  rt::Scope scope_;  // last: destroyed first, while everything its tasks use is still there
};

}  // namespace codis::proxy
