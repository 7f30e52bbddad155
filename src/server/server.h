// codis-server: the databases, the connected clients, statistics, and the loop that accepts connections,
// runs every complete command in each read synchronously and writes the replies back in one batch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "resp/reply_writer.h"
#include "rt/env.h"
#include "rt/event.h"
#include "rt/scope.h"
#include "server/client.h"
#include "server/config.h"
#include "server/keyspace.h"
#include "server/pubsub.h"
#include "server/registry.h"
#include "server/slots/migrations.h"
#include "server/slots/slot_states.h"
#include "server/slowlog.h"
#include "server/stats.h"

namespace codis::resp {
class IoBuf;
class RequestParser;
}  // namespace codis::resp

namespace codis::server {

using resp::IoBuf;
class Persistence;

class Server {
 public:
  Server(rt::Env& env, Config config, std::function<void()> on_shutdown = {});
  ~Server();

  // Listens and serves until cancelled. `ready` (optional) gets the bound endpoint once listening. When
  // the address cannot be bound, run() logs why, calls on_shutdown and returns; listen_error() says why.
  rt::Task<void> run(std::function<void(const rt::Endpoint&)> ready = {});
  const std::string& listen_error() const { return listen_error_; }

  // Runs one command and appends its reply (the entry point tests, fuzzers and the network share).
  void execute(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out);

  rt::Env& env() { return env_; }
  Config& config() { return config_; }
  Db& db(int i) { return dbs_[static_cast<size_t>(i)]; }
  int databases() const { return static_cast<int>(dbs_.size()); }
  Stats& stats() { return stats_; }
  const Registry& registry() const { return registry_; }
  int64_t now_ms() const { return rt::unix_ms(env_.clock.wall()); }
  int64_t now_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(env_.clock.wall().time_since_epoch())
        .count();
  }
  rt::MonoTime started() const { return started_; }
  const std::map<uint64_t, Client*>& clients() const { return clients_; }
  uint64_t next_client_id() { return ++last_client_id_; }
  void add_client(Client* c) { clients_[c->id] = c; }
  void remove_client(Client* c) {
    clients_.erase(c->id);
    stop_monitoring(*c);
    watchers_.erase(std::remove(watchers_.begin(), watchers_.end(), c), watchers_.end());
  }
  void shutdown();
  // MONITOR: c receives a line for each command run from now on (not paused, as Redis treats monitors as
  // replicas); stop_monitoring ends that (RESET, disconnect).
  void start_monitoring(Client& c);
  void stop_monitoring(Client& c);
  // Active expiry: deletes keys whose time has passed, a bounded amount per call; nothing while DEBUG
  // SET-ACTIVE-EXPIRE 0 has it off (keys then expire only when accessed, as Redis's tests rely on).
  void expire_cycle();
  void set_active_expire(bool on) { active_expire_ = on; }
  bool active_expire() const { return active_expire_; }
  // WATCH bookkeeping: a write to (db, key) makes every client watching it fail its EXEC.
  void touch_watched(int db, std::string_view key);
  void touch_watched_db(int db);
  // WATCH registers the client so that writes look at its watched keys.
  void watching(Client& c);
  uint16_t port() const { return port_; }
  PubSub& pubsub() { return pubsub_; }
  SlotStates& slot_states() { return slots_; }
  // RDB: load at start, SAVE/BGSAVE, save rules (persist/persistence.h).
  Persistence& persistence() { return *persistence_; }
  const Persistence& persistence() const { return *persistence_; }
  // The start-up failed (the RDB file could not be loaded): main exits non-zero.
  bool failed() const { return failed_; }
  Migrations& migrations() { return migrations_; }

  // A command that finishes later (SLOTSMGRT*): suspend() blocks the client (its later commands wait, as
  // behind a blocking pop) and returns a ticket; finish() writes the reply and lets the client go on, unless
  // it left or was unblocked meanwhile. spawn() runs the work in the server's scope (false when the server
  // is not running, e.g. an engine under a unit test).
  uint64_t suspend(Client& c);
  void finish(uint64_t client_id, uint64_t ticket, const std::function<void(resp::ReplyWriter&)>& reply);
  bool spawn(rt::Task<void> t);
  Slowlog& slowlog() { return slowlog_; }

  // CLIENT PAUSE and DEBUG SLEEP (Redis's pauseClients): until `until_ms` (unix ms) commands of every
  // client, or with writes_only those that may write, are postponed: they wait, in arrival order per
  // client, and run when the pause ends. A second pause keeps the later end and the wider mode.
  void pause_clients(int64_t until_ms, bool writes_only);
  void unpause_clients();
  bool paused() const { return pause_until_ms_ != 0; }
  // Whether c's command (spec) has to wait under the current pause.
  bool postpones(const Client& c, const cmd::CommandSpec& spec) const;
  bool refused_for_memory(const Client& c, const cmd::CommandSpec& spec);
  // cluster-mode: the redirect or retry error (docs/slots.md, without '-') for a keyed command this server
  // must not run now, "" to run it. EXEC is judged by all the commands it would run.
  std::string slot_refusal(const Client& c, const cmd::CommandSpec& spec,
                           std::span<const std::string_view> argv) const;
  void feed_monitors(const Client& c, std::span<const std::string_view> argv, const cmd::CommandSpec& spec);
  // Waits (in serve_client) until c's postponed command may run.
  rt::Task<void> wait_until_unpaused(const Client& c);

  // Blocking commands. A command that found nothing to serve calls block() instead of replying;
  // timeout_ms 0 blocks forever. Inside MULTI/EXEC it must reply at once instead (can_block() false).
  bool can_block(const Client& c) const { return !c.in_exec; }
  void block(CommandContext& ctx, std::span<const std::string_view> keys, int64_t timeout_ms, uint8_t type,
             bool null_array);
  void unblock(Client& c);
  // Ends c's wait on keys without serving it: writes its timeout reply (a null array or null, as its
  // command answers a timeout) or, with `error`, CLIENT UNBLOCK's UNBLOCKED error, to `out`, and unblocks
  // it. The connection loop's timeout, CLIENT UNBLOCK and the fuzz harness share it.
  void time_out(Client& c, resp::ReplyWriter& out, bool error = false);
  // A write to (db, key): blocked clients waiting on it get a chance to be served after this command.
  void signal_key(int db, std::string_view key);
  // SWAPDB: exchanges the contents of dbs a and b; clients blocked on a key the swap brings are served
  // after the command.
  void swap_dbs(int a, int b);
  size_t blocked_clients() const { return blocked_count_ + postponed_count_; }

  // What INFO server reports about the process, filled in by main (the simulator leaves it empty): pid,
  // "sysname release machine", absolute paths of the binary and of the config file ("" when none).
  struct ProcessFacts {
    int64_t pid = 0;
    size_t total_system_memory = 0;
    std::string os;
    std::string executable;
    std::string config_file;
  };
  void set_process_facts(ProcessFacts f) { facts_ = std::move(f); }
  const ProcessFacts& process_facts() const { return facts_; }
  // INFO's run_id: 40 hex digits drawn at start (from a fork of the runtime's random stream).
  const std::string& run_id() const { return run_id_; }

  // Bytes allocated by the process (INFO used_memory, maxmemory): the runtime's rt::Memory, unless a test
  // installed a probe of its own.
  size_t used_memory() const { return memory_probe_ ? memory_probe_() : env_.memory.stats().allocated; }
  void set_memory_probe(std::function<size_t()> probe) { memory_probe_ = std::move(probe); }
  // The most used_memory seen (sampled by the cron and by INFO), and what it was when the server started
  // listening (INFO used_memory_peak, used_memory_startup).
  size_t peak_memory();
  size_t startup_memory() const { return startup_memory_; }
  // The allocator's view (INFO allocator_*, MEMORY STATS: bytes handed out, bytes it holds from the system)
  // and the process's resident set, from the runtime's rt::Memory.
  rt::Memory::Stats memory_facts() const { return env_.memory.stats(); }
  // INFO replication's master_replid (a master of its own history: 40 hex digits drawn at start).
  const std::string& master_replid() const { return master_replid_; }
  // Unix seconds at start: LASTSAVE's answer while nothing has been saved.
  int64_t started_unix_s() const { return started_unix_s_; }
  // CPU seconds used by the process (system, user) for INFO cpu; zeros when no probe is installed.
  std::pair<double, double> cpu_seconds() const {
    return cpu_probe_ ? cpu_probe_() : std::pair<double, double>{};
  }
  void set_cpu_probe(std::function<std::pair<double, double>()> probe) { cpu_probe_ = std::move(probe); }
  // CONFIG SET maxclients: the client limit that fits the process's descriptor limit once raised as far as it
  // goes (the real runtime's fit_open_files_limit); with no fitter installed (the simulator) any limit fits.
  int64_t fit_maxclients(int64_t wanted) const {
    return maxclients_fitter_ ? maxclients_fitter_(wanted) : wanted;
  }
  void set_maxclients_fitter(std::function<int64_t(int64_t)> f) { maxclients_fitter_ = std::move(f); }
  // io-idle-nap: hands the setting to the runtime's event loops (the real runtime installs this; the
  // simulator has no idle to choose). Called at start and by CONFIG SET.
  void apply_io_idle_nap() const {
    if (idle_control_) {
      idle_control_(config_.io_idle_nap);
    }
  }
  void set_idle_control(std::function<void(std::string_view)> f) { idle_control_ = std::move(f); }
  // maxmemory: evicts per maxmemory-policy until under the limit; false when a write must be refused.
  bool make_room();
  // The (db, key) maxmemory-policy evicts next, or nothing when no key qualifies.
  std::optional<std::pair<int, std::string>> eviction_candidate();

 private:
  void dispatch(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out);
  void dispatch_command(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out);
  void serve_ready_keys();
  CommandStats& command_stats(const cmd::CommandSpec* spec);
  bool serve_blocked(Client& c, const std::string& key);
  rt::Task<void> serve_client(rt::StreamPtr s);
  bool run_buffered(Client& c, resp::RequestParser& parser, IoBuf& in, resp::ReplyWriter& writer,
                    const std::string& out);
  rt::Task<void> cron();
  rt::Task<void> accept_failed(rt::Errc e);

  rt::Env& env_;
  Config config_;
  SlotStates slots_;
  Migrations migrations_;
  bool skip_ownership_check_ = false;  // the planted bug slot-skip-ownership-check (codis-sim --bug)
  rt::Scope* tasks_ = nullptr;         // run()'s scope while it runs
  uint64_t last_ticket_ = 0;
  std::function<void()> on_shutdown_;
  std::vector<Db> dbs_;
  Registry registry_;
  PubSub pubsub_;
  Slowlog slowlog_;
  Stats stats_;
  uint32_t lru_clock_ = 0;  // seconds of the wall clock at the current command; entries stamp it on access
  // Off after DEBUG SET-ACTIVE-EXPIRE 0.
  bool active_expire_ = true;
  std::map<uint64_t, Client*> clients_;
  std::vector<Client*> watchers_;
  std::vector<Client*> monitors_;  // clients that watched keys (some may have unwatched since)
  uint64_t last_client_id_ = 0;
  rt::MonoTime started_{};
  uint16_t port_ = 0;
  std::string listen_error_;    // why run() could not listen
  int depth_ = 0;               // nesting of dispatch (EXEC runs commands inside EXEC)
  int64_t pause_until_ms_ = 0;  // 0: not paused
  bool pause_writes_only_ = false;
  std::unique_ptr<rt::Event> pause_changed_;  // set when a pause ends early (CLIENT UNPAUSE)
  size_t postponed_count_ = 0;                // clients waiting on a pause (counted as blocked, as in Redis)
  bool in_batch_ = false;
  // While serve_client runs one read's commands back to back (no suspension in between), the last
  // command's end time, reused as the next one's start; -1 outside such a batch.
  int64_t batch_clock_us_ = -1;
  struct BatchScope {
    explicit BatchScope(Server& s) : s(&s) { s.in_batch_ = true; }
    ~BatchScope() {
      s->in_batch_ = false;
      s->batch_clock_us_ = -1;
    }
    Server* s;
  };
  // Blocked clients by (db, key), first blocked first served; keys written since the last command.
  std::map<std::pair<int, std::string>, std::vector<Client*>, std::less<>> blocking_;
  std::vector<std::pair<int, std::string>> ready_;
  size_t blocked_count_ = 0;
  std::function<size_t()> memory_probe_;
  rt::Random lfu_random_{0};  // LFU counter increments (a fork of the runtime's stream)
  size_t peak_memory_ = 0;
  size_t startup_memory_ = 0;
  std::string master_replid_;
  int64_t started_unix_s_ = 0;
  ProcessFacts facts_;
  std::string run_id_;
  std::function<std::pair<double, double>()> cpu_probe_;
  std::function<int64_t(int64_t)> maxclients_fitter_;
  std::function<void(std::string_view)> idle_control_;
  uint64_t accept_failures_ = 0;  // accept() errors since the last accepted connection
  size_t starting_clients_ = 0;   // accepted, serve_client not started yet
  std::unordered_map<const cmd::CommandSpec*, CommandStats*> stats_by_spec_;  // looked up only
  std::unique_ptr<Persistence> persistence_;
  bool failed_ = false;
};

// A connection's place in the server's lists (CLIENT LIST, blocked keys, pub/sub, MONITOR, WATCH): taken
// when the connection starts and given up by destruction, however its task ends (closed, killed,
// cancelled). Declare it after everything the Client points at, so those outlive the unregistering.
class ClientRegistration {
 public:
  ClientRegistration(Server& s, Client& c) : s_(&s), c_(&c) { s.add_client(&c); }
  ~ClientRegistration() {
    s_->unblock(*c_);
    s_->pubsub().drop(*c_);
    s_->remove_client(c_);
  }
  ClientRegistration(const ClientRegistration&) = delete;
  ClientRegistration& operator=(const ClientRegistration&) = delete;

 private:
  Server* s_;
  Client* c_;
};

}  // namespace codis::server
