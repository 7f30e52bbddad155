// The simulated TCP network: ordered, randomly segmented byte streams with per-pair latency, clogs,
// partitions (one-way or both), resets, send-buffer caps, connect failures and powered-off hosts (whose
// connections are left half-open). Whole-world state lives in
// Network; each process reaches it through its own ProcessNet (its rt::Net), so crashes can reset exactly
// that process's connections.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "rt/net.h"
#include "rt/random.h"
#include "rt/wake.h"
#include "sim/host.h"
#include "sim/net_params.h"
#include "sim/scheduler.h"

namespace codis::sim {

class World;
class Process;
struct Conn;
class SimListener;

class Network {
 public:
  Network(World& w, rt::Random r, NetParams p);
  ~Network();

  const NetParams& params() const { return p_; }
  void set_params(const NetParams& p) { p_ = p; }

  // Faults. A blocked direction holds segments (and makes connects fail) until `until` or heal().
  void clog(HostId from, HostId to, rt::MonoTime until);
  void partition(HostId from, HostId to, rt::MonoTime until);
  void heal();
  bool partitioned(HostId from, HostId to) const;
  // Resets live connection number pick % (live connections), in creation order; false if there is none.
  bool reset_one(uint64_t pick);
  void reset_all();
  size_t live_connections() const;

  // Called by Process when it exits, is killed or loses power, before its frames are destroyed.
  void on_process_down(Process& p, ProcessExit how);
  // A powered-off host: nothing reaches it or leaves it (segments wait, as retransmissions would, and
  // connects hang) until it is up again, when the waiting segments flow.
  void set_host_down(HostId h, bool down);
  // Whether some process on h listens (a server: its peers are clients, which time out on their own).
  bool listening(HostId h) const;
  // Whether some process on h ever listened or connected. A host that never did has no peers a power loss
  // could leave with half-open connections.
  bool networked(HostId h) const { return networked_.count(h) != 0; }
  // RLIMIT_NOFILE for one run of p (0 = none): while p holds that many listeners and streams, its accept()
  // and connect() fail with kIoError (EMFILE; the pending connection stays queued).
  void set_fd_limit(const Process& p, size_t limit);
  size_t open_fds(const Process& p) const;
  bool out_of_fds(const Process& p) const;

  // Used by ProcessNet.
  rt::Result<rt::ListenerPtr> listen(Process& p, const rt::Endpoint& at);
  rt::Task<rt::Result<rt::StreamPtr>> connect(Process& p, rt::Endpoint to, rt::Duration timeout);

  // Used by streams and listeners.
  World& world() { return *w_; }
  rt::Duration latency(HostId from, HostId to);
  size_t segment_size(size_t remaining);
  rt::MonoTime blocked_until(HostId from, HostId to) const;  // MonoTime::min() when not blocked
  void pump(const std::shared_ptr<Conn>& c, int dir);
  void reset_conn(const std::shared_ptr<Conn>& c);
  void unregister_listener(HostId h, uint16_t port, SimListener* l);

 private:
  Host* resolve(const std::string& host) const;
  uint16_t ephemeral_port(HostId h);

  World* w_;
  rt::Random r_;
  NetParams p_;
  std::map<std::pair<HostId, HostId>, rt::MonoTime> clogs_;
  std::map<std::pair<HostId, HostId>, rt::MonoTime> partitions_;
  std::map<std::pair<HostId, HostId>, rt::Duration> pair_extra_;
  std::set<HostId> down_;
  std::set<HostId> networked_;
  std::map<std::pair<HostId, uint16_t>, SimListener*> listeners_;
  std::map<HostId, uint16_t> next_port_;
  std::map<const Process*, size_t> fd_limits_;     // looked up only, never iterated
  std::map<uint64_t, std::weak_ptr<Conn>> conns_;  // by id: iteration order is creation order
  uint64_t next_conn_id_ = 0;
  friend struct Conn;
};

// One process's view of the network (its rt::Net).
class ProcessNet final : public rt::Net {
 public:
  ProcessNet(Network& n, Process& p) : n_(&n), p_(&p) {}
  rt::Result<rt::ListenerPtr> listen(const rt::Endpoint& at) override { return n_->listen(*p_, at); }
  rt::Task<rt::Result<rt::StreamPtr>> connect(const rt::Endpoint& to, rt::Duration timeout) override {
    return n_->connect(*p_, to, timeout);
  }

 private:
  Network* n_;
  Process* p_;
};

}  // namespace codis::sim
