#include "server/server.h"

#include <algorithm>

#include "cmd/errors.h"
#include "cmd/table.h"
#include "resp/io_buf.h"
#include "resp/request_parser.h"
#include "rt/combinators.h"
#include "rt/event.h"
#include "rt/sleep.h"
#include "server/errors.h"
#include "server/lfu.h"
#include "server/monitor.h"
#include "server/persist/persistence.h"

namespace codis::server {

Db& CommandContext::db() {
  return server.db(client.db);
}
void CommandContext::touched(std::string_view key) {
  ++server.stats().dirty;
  server.touch_watched(client.db, key);
  server.signal_key(client.db, key);
}
void CommandContext::touched_db() {
  ++server.stats().dirty;
  server.touch_watched_db(client.db);
}

Server::Server(rt::Env& env, Config config, std::function<void()> on_shutdown)
    : env_(env),
      config_(std::move(config)),
      slots_(config_.cluster_mode, PlantedSlotBugs{env.exec.planted("slot-accept-stale-epoch"),
                                                   env.exec.planted("slot-importing-without-asking")}),
      on_shutdown_(std::move(on_shutdown)),
      pubsub_(&env.exec) {
  dbs_ = std::vector<Db>(static_cast<size_t>(std::max<int64_t>(1, config_.databases)));
  skip_ownership_check_ = env_.exec.planted("slot-skip-ownership-check");
  lfu_random_ = env_.random.fork("lfu");
  rt::Random ids = env_.random.fork("run_id");  // leaves the main stream as it was
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; ++i) {
    run_id_.push_back(kHex[ids.next_u64() & 15]);
  }
  rt::Random repl = env_.random.fork("master_replid");
  for (int i = 0; i < 40; ++i) {
    master_replid_.push_back(kHex[repl.next_u64() & 15]);
  }
  for (size_t i = 0; i < dbs_.size(); ++i) {
    dbs_[i].set_index(static_cast<int>(i));
    dbs_[i].use_lru_clock(&lru_clock_);
    dbs_[i].use_access_policy(&config_, &lfu_random_);
    // Redis touches the watchers of a key that expires (EXEC then fails) and counts it.
    dbs_[i].on_expired([this, i](std::string_view key) {
      ++stats_.expired_keys;
      touch_watched(static_cast<int>(i), key);
    });
    dbs_[i].on_stored([this, i](std::string_view key) { signal_key(static_cast<int>(i), key); });
  }
  register_all_families(registry_);
  started_ = env_.clock.mono();
  started_unix_s_ = now_ms() / 1000;
  pause_changed_ = std::make_unique<rt::Event>(env_.exec);
  persistence_ = std::make_unique<Persistence>(*this);
}

// The persistence goes first: a snapshot still watching the dbs lets go of them.
Server::~Server() {
  persistence_.reset();
}

void Server::shutdown() {
  if (on_shutdown_) {
    on_shutdown_();
  }
}

rt::Task<void> Server::run(std::function<void(const rt::Endpoint&)> ready) {
  // Redis loads before it serves; a file that cannot be loaded stops the start (never a half-loaded
  // keyspace served as if it were whole).
  if (!co_await persistence_->load_at_startup()) {
    failed_ = true;
    shutdown();
    co_return;
  }
  const rt::Endpoint at(config_.bind, static_cast<uint16_t>(config_.port));
  auto l = env_.net.listen(at);
  if (!l.ok()) {
    listen_error_ = std::string(rt::errc_name(l.error()));
    env_.log.warning("Could not create server TCP listening socket " + at.to_string() + ": " + listen_error_);
    shutdown();
    co_return;
  }
  port_ = (*l)->local().port;
  startup_memory_ = peak_memory_ = used_memory();
  env_.log.notice("Ready to accept connections tcp on " + (*l)->local().to_string());
  if (ready) {
    ready((*l)->local());
  }
  rt::Scope scope(env_.exec);
  // Work that outlives a command (SLOTSMGRT*) runs here, ending with the server.
  tasks_ = &scope;
  struct Unpublish {
    rt::Scope** tasks;
    ~Unpublish() { *tasks = nullptr; }
  } unpublish{&tasks_};
  scope.spawn(cron());
  for (;;) {
    auto s = co_await (*l)->accept();
    if (!s.ok()) {
      if (s.error() == rt::Errc::kCancelled) {
        co_return;
      }
      co_await accept_failed(s.error());
      continue;
    }
    accept_failures_ = 0;
    ++stats_.connections_received;
    // Clients accepted in this turn have not registered yet (spawn starts them on a later event): count them,
    // or a burst of connections would overshoot maxclients (and the descriptors reserved for it).
    if (static_cast<int64_t>(clients_.size() + starting_clients_) >= config_.maxclients) {
      ++stats_.rejected_connections;
      static constexpr std::string_view kMax = "-ERR max number of clients reached\r\n";
      scope.spawn([](rt::StreamPtr s) -> rt::Task<void> {
        (void)co_await rt::write_all(*s, kMax);
        s->close();
      }(std::move(*s)));
      continue;
    }
    ++starting_clients_;
    scope.spawn([](Server* self, rt::StreamPtr s) -> rt::Task<void> {
      --self->starting_clients_;  // serve_client registers the client before it first suspends
      co_await self->serve_client(std::move(s));
    }(this, std::move(*s)));
  }
}

// Out of descriptors, memory or socket buffers (see rt::Listener::accept): the connection waits in the
// kernel's queue and the listener stays open. Redis logs and retries on the next event-loop turn; a short
// pause instead keeps a lasting shortage from spinning the loop, and one log line per second is enough.
rt::Task<void> Server::accept_failed(rt::Errc e) {
  static constexpr int64_t kRetryMs = 10;
  if (accept_failures_++ % (1000 / kRetryMs) == 0) {
    env_.log.warning("Cannot accept new clients (" + std::string(rt::errc_name(e)) + "), retrying every " +
                     std::to_string(kRetryMs) + " ms; " + std::to_string(accept_failures_) +
                     " failed attempts in a row");
  }
  co_await rt::sleep_for(env_.exec, rt::milliseconds(kRetryMs));
}

rt::Task<void> Server::cron() {
  for (uint64_t loops = 0;; ++loops) {
    const int64_t period_ms = 1000 / std::clamp<int64_t>(config_.hz, 1, 500);
    co_await rt::sleep_for(env_.exec, rt::milliseconds(period_ms));
    const rt::MonoTime t0 = env_.clock.mono();
    expire_cycle();
    persistence_->cron();
    stats_.expire_cycle_us +=
        static_cast<uint64_t>(std::chrono::duration_cast<rt::microseconds>(env_.clock.mono() - t0).count());
    // Redis's run_with_period(100): the instantaneous rates are sampled every 100 ms.
    if (loops % static_cast<uint64_t>(std::max<int64_t>(1, 100 / period_ms)) == 0) {
      const int64_t now = now_ms();
      stats_.ops_per_sec.sample(now, stats_.commands_processed);
      stats_.input_bytes_per_sec.sample(now, stats_.net_input_bytes);
      stats_.output_bytes_per_sec.sample(now, stats_.net_output_bytes);
    }
    // Once a second: glibc's mallinfo2 walks the free lists (Redis reads a counter here, every tick). Not
    // while a moved value is freed bit by bit: the lists then hold millions of blocks, and one walk of them
    // would stall the server for hundreds of milliseconds (freeing never raises the peak anyway).
    if (loops % static_cast<uint64_t>(std::max<int64_t>(1, 1000 / period_ms)) == 0 &&
        !migrations_.lazy_free().running) {
      peak_memory();
    }
  }
}

size_t Server::peak_memory() {
  peak_memory_ = std::max(peak_memory_, used_memory());
  return peak_memory_;
}

void Server::expire_cycle() {
  // The planted bug server-expire-early (codis-sim --bug) deletes keys 30 ms before their time.
  const int64_t now = now_ms() + (env_.exec.planted("server-expire-early") ? 30 : 0);
  if (pause_until_ms_ != 0 && pause_until_ms_ <= now) {
    unpause_clients();  // the pause ran out (Redis's checkClientPauseTimeoutAndReturnIfPaused)
  }
  // While clients are paused the data set stays still: nothing expires (lookups see expired keys as
  // missing without deleting them, see Db::keep_expired) and nothing is evicted.
  if (!active_expire_ || pause_until_ms_ != 0) {
    return;
  }
  for (auto& db : dbs_) {
    // The expiry index is ordered by time, so this deletes exactly the expired keys, oldest first; the cap
    // keeps one cycle short (a backlog is worked off over the next cycles).
    constexpr size_t kCap = 20000;
    if (db.expire_some(now, kCap) == kCap) {
      ++stats_.expired_time_cap_reached;
    }
  }
}

void Server::watching(Client& c) {
  if (std::find(watchers_.begin(), watchers_.end(), &c) == watchers_.end()) {
    watchers_.push_back(&c);
  }
}

// Only clients that ever watched are looked at (a write must not walk every connection); those whose
// watches are gone (EXEC, DISCARD, UNWATCH, RESET) drop out here.
void Server::touch_watched(int db, std::string_view key) {
  if (env_.exec.planted("server-skip-watch-invalidate")) {
    return;  // the planted bug (codis-sim --bug): a write leaves its watchers' EXEC free to succeed
  }
  for (size_t i = 0; i < watchers_.size();) {
    Client* c = watchers_[i];
    if (c->watched.empty()) {
      watchers_[i] = watchers_.back();
      watchers_.pop_back();
      continue;
    }
    ++i;
    if (c->watch_dirty) {
      continue;
    }
    for (const auto& [wdb, wkey] : c->watched) {
      if (wdb == db && wkey == key) {
        c->watch_dirty = true;
        break;
      }
    }
  }
}

void Server::touch_watched_db(int db) {
  for (Client* c : watchers_) {
    for (const auto& w : c->watched) {
      if (db < 0 || w.first == db) {
        c->watch_dirty = true;
        break;
      }
    }
  }
}

namespace {

bool allowed_in_multi(std::string_view name) {
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" || name == "quit" ||
         name == "reset";
}

// Whether a command queued by MULTI has any of these flags (what EXEC counts as, for pauses and maxmemory).
bool queued_has(const Client& c, uint32_t flags) {
  for (const QueuedCommand& q : c.queued) {
    const cmd::CommandSpec* qs = q.argv.empty() ? nullptr : cmd::lookup(q.argv[0]);
    if (qs != nullptr && qs->has(flags)) {
      return true;
    }
  }
  return false;
}

bool allowed_when_subscribed(std::string_view name) {
  return name == "ping" || name == "subscribe" || name == "unsubscribe" || name == "psubscribe" ||
         name == "punsubscribe" || name == "ssubscribe" || name == "sunsubscribe" || name == "quit" ||
         name == "reset";
}

}  // namespace

void Server::execute(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out) {
  dispatch(c, argv, out);
}

// CLIENT REPLY OFF/SKIP: the command runs, its reply (errors included) is dropped, as Redis's
// prepareClientToWrite refuses to queue it, unless the reply is push data (pub/sub confirmations, Redis's
// CLIENT_PUSHING). SKIP covers the one command after CLIENT REPLY SKIP; a command postponed by a pause has
// not run yet, so the skip waits for it. What reaches the outbox later (a served blocked command's reply,
// a timeout, MONITOR lines) is dropped where it is written; published messages are pushes and are not.
void Server::dispatch(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out) {
  if (depth_ != 0 || (!c.reply_off && !c.reply_skip_next)) {
    dispatch_command(c, argv, out);
    return;
  }
  c.reply_skip = c.reply_skip_next;
  c.reply_skip_next = false;
  const size_t mark = out.out().size();
  c.replied_push = false;
  dispatch_command(c, argv, out);
  if ((c.reply_off || c.reply_skip) && !c.replied_push) {
    out.out().resize(mark);
  }
  c.replied_push = false;
  if (!c.postponed.empty()) {
    c.reply_skip_next = c.reply_skip_next || c.reply_skip;
  }
  c.reply_skip = false;
}

void Server::dispatch_command(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out) {
  if (argv.empty()) {
    return;
  }
  out.set_double_format(resp::DoubleFormat::kRedis70);  // doubles as Redis 7.0 prints them (%.17g)
  const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
  const cmd::CommandSpec* resolved = nullptr;  // set once the (sub)command is known
  // ASKING covers the one command after it, or the transaction that command opens (Redis's resetClient
  // keeps CLIENT_ASKING while in MULTI), whatever becomes of that command.
  struct AskingLapse {
    Client& c;
    const cmd::CommandSpec*& spec;
    bool nested;
    ~AskingLapse() {
      if (!nested && !c.in_multi && (spec == nullptr || spec->name != "asking")) {
        c.asking = false;
      }
    }
  } asking_lapse{c, spec, depth_ != 0};
  auto reject = [&](std::string_view msg) {
    if (resolved != nullptr) {
      ++command_stats(resolved).rejected;  // Redis's rejectCommand counts against the command it found
    }
    if (c.in_multi && spec != nullptr && spec->name == "exec") {
      // Redis's execCommandAbort: a refused EXEC ends the transaction.
      std::string_view why = msg.substr(0, 4) == "ERR " ? msg.substr(4) : msg;
      out.error("EXECABORT Transaction discarded because of: " + std::string(why));
      stats_.count_error("EXECABORT Transaction discarded");
      c.in_multi = c.multi_dirty = c.watch_dirty = false;
      c.queued.clear();
      c.watched.clear();
      return;
    }
    if (c.in_multi) {
      c.multi_dirty = true;
    }
    out.error(msg);
    stats_.count_error(msg);
  };
  if (spec == nullptr) {
    reject(cmd::unknown_command_error(argv));
    return;
  }
  if (spec->is_container()) {
    // A container with a reply of its own (plain COMMAND) runs as itself when given no subcommand.
    const bool runs_alone = argv.size() < 2 && registry_.find(spec) != nullptr && cmd::check_arity(*spec, 1);
    if (!runs_alone) {
      if (argv.size() < 2) {
        resolved = spec;
        reject(cmd::arity_error(*spec));
        return;
      }
      const cmd::CommandSpec* sub = cmd::lookup_subcommand(*spec, argv[1]);
      if (sub == nullptr) {
        reject(cmd::unknown_subcommand_error(*spec, argv[1]));
        return;
      }
      spec = sub;
    }
  }
  Handler h = registry_.find(spec);
  if (h == nullptr) {
    reject(cmd::unknown_command_error(argv));
    return;
  }
  resolved = spec;
  if (!cmd::check_arity(*spec, argv.size())) {
    reject(cmd::arity_error(*spec));
    return;
  }
  if (c.monitor && (spec->has(cmd::flag::kReadonly) || spec->has(cmd::flag::kWrite) ||
                    spec->has(cmd::flag::kMayReplicate))) {
    // Redis marks monitors as replicas, which must not touch the keyspace (they are exempt from pauses).
    reject("ERR Replica can't interact with the keyspace");
    return;
  }
  if (c.protocol == 2 && c.subscriptions() > 0 && !allowed_when_subscribed(spec->name)) {
    reject("ERR Can't execute '" + std::string(spec->name) +
           "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
    return;
  }
  if (!config_.requirepass.empty() && !c.authenticated && !spec->has(cmd::flag::kNoAuth)) {
    reject(err::kNoAuth);
    return;
  }
  if ((slots_.cluster_mode() || migrations_.any_in_flight()) && depth_ == 0) {
    if (std::string why = slot_refusal(c, *spec, argv); !why.empty()) {
      if (c.in_multi && spec->name == "exec") {
        // Redis discards the transaction and answers with the redirect itself, not EXECABORT.
        ++command_stats(spec).rejected;
        c.in_multi = c.multi_dirty = c.watch_dirty = false;
        c.queued.clear();
        c.watched.clear();
        out.error(why);
        stats_.count_error(why);
        return;
      }
      reject(why);
      return;
    }
  }
  // stop-writes-on-bgsave-error (Redis's writeCommandsDeniedByDiskError): writes and PING are refused
  // while the last background save failed.
  if (depth_ == 0 &&
      (spec->has(cmd::flag::kWrite) || spec->name == "ping" ||
       (spec->name == "exec" && queued_has(c, cmd::flag::kWrite))) &&
      persistence_->refuses_writes()) {
    reject(
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
        "Commands that may modify the data set are disabled, because this instance is configured to report "
        "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check "
        "the Redis logs for details about the RDB error.");
    return;
  }
  if (config_.maxmemory > 0 && depth_ == 0 && refused_for_memory(c, *spec)) {
    reject("OOM command not allowed when used memory > 'maxmemory'.");
    return;
  }
  if (pause_until_ms_ != 0 && depth_ == 0 && !c.reprocessing) {
    if (pause_until_ms_ <= now_ms()) {
      unpause_clients();  // the pause ran out
    } else if (postpones(c, *spec)) {
      c.postponed.assign(argv.begin(), argv.end());  // run by serve_client when the pause ends
      c.postponed_spec = spec;
      return;
    }
  }
  if (c.in_multi && !allowed_in_multi(spec->name)) {
    if (spec->has(cmd::flag::kNoMulti)) {
      reject("ERR Command not allowed inside a transaction");
      return;
    }
    QueuedCommand q;
    q.argv.assign(argv.begin(), argv.end());
    c.queued.push_back(std::move(q));
    out.simple("QUEUED");
    return;
  }
  c.last_command = spec->name;
  // Like Redis, the wall clock both dates the command and times it (ustime()). In a pipelined batch the
  // previous command's end reading is this one's start, so each command costs one clock reading.
  const int64_t t0 = batch_clock_us_ >= 0 ? batch_clock_us_ : now_us();
  CommandContext ctx{*this, c, argv, *spec, out, t0 / 1000};
  lru_clock_ = static_cast<uint32_t>(ctx.now_ms / 1000);
  const size_t before = out.out().size();
  ++depth_;
  h(ctx);
  --depth_;
  // Redis feeds monitors after the command ran (so SELECT shows its new db, EXEC after its commands),
  // leaving out administrative commands and those flagged skip_monitor.
  if (!monitors_.empty() && !spec->has(cmd::flag::kAdmin) && !spec->has(cmd::flag::kSkipMonitor)) {
    feed_monitors(c, argv, *spec);
  }
  const int64_t t1 = now_us();
  const int64_t usec = std::max<int64_t>(0, t1 - t0);
  if (in_batch_ && depth_ == 0) {
    batch_clock_us_ = t1;
  }
  if (!spec->has(cmd::flag::kSkipSlowlog) && Slowlog::wants(config_, usec)) {
    slowlog_.record(config_, usec, argv, c.peer.to_string(), c.name, ctx.now_ms / 1000);
  }
  ++stats_.commands_processed;
  auto& cs = command_stats(spec);
  ++cs.calls;
  cs.usec += static_cast<uint64_t>(usec);
  if (config_.latency_tracking) {
    cs.latency.record(usec * 1000);
  }
  if (out.out().size() > before && out.out()[before] == '-') {
    ++cs.failed;
    const std::string_view reply = std::string_view(out.out()).substr(before + 1);
    stats_.count_error(reply.substr(0, reply.find('\r')));
  }
  if (depth_ == 0 && !ready_.empty()) {
    serve_ready_keys();
  }
}

namespace {

// A rough size of a value for eviction's accounting (the allocator is asked again afterwards).
size_t estimate_value_bytes(const Object& o) {
  switch (o.type()) {
    case ObjType::kString:
      return o.block_bytes();
    case ObjType::kList:
      return o.block_bytes() + o.list_value().size() * 48;
    case ObjType::kHash:
      return o.block_bytes() + o.hash_value().size() * 96;
    case ObjType::kSet:
      return o.block_bytes() + o.set_value().size() * 64;
    case ObjType::kZSet:
      return o.block_bytes() + o.zset_value().memory_usage();
  }
  return 0;
}

}  // namespace

// Redis's processCommand over maxmemory: commands that may grow memory (deny-oom, EXEC of a transaction
// holding one) and anything queued inside MULTI (queueing itself takes memory; EXEC, DISCARD, QUIT and
// RESET are let through) are refused when eviction cannot get under the limit. Commands run by EXEC are
// not checked again.
bool Server::refused_for_memory(const Client& c, const cmd::CommandSpec& spec) {
  const bool may_grow = spec.has(cmd::flag::kDenyOom) ||
                        (spec.name == "exec" && c.in_multi && queued_has(c, cmd::flag::kDenyOom));
  const bool queues = c.in_multi && spec.name != "exec" && spec.name != "discard" && spec.name != "quit" &&
                      spec.name != "reset";
  return (may_grow || queues) && !make_room();
}

// maxmemory: evicts eviction_candidate() after eviction_candidate() until the estimate of freed bytes
// covers the excess; the allocator is asked again on the next command.
bool Server::make_room() {
  if (pause_until_ms_ > now_ms()) {
    return true;  // paused: Redis evicts nothing (isSafeToPerformEvictions) and lets the command run
  }
  const auto limit = static_cast<size_t>(config_.maxmemory);
  size_t used = used_memory();
  if (used <= limit) {
    return true;
  }
  if (config_.maxmemory_policy == EvictionPolicy::kNoEviction) {
    return false;
  }
  size_t freed = 0;
  while (used > limit + freed) {
    auto victim = eviction_candidate();
    if (!victim) {
      return false;  // nothing the policy may evict (e.g. volatile-* and no key has an expiry)
    }
    auto& [d, key] = *victim;
    Db& db = dbs_[static_cast<size_t>(d)];
    if (const Entry* e = db.slot_table(cmd::slot_of(key)).find(key)) {
      freed += sizeof(Entry) + key.size() + 16 + estimate_value_bytes(e->value);
    }
    db.remove(key);
    ++stats_.evicted_keys;
    touch_watched(d, key);
  }
  return true;
}

// Redis's performEvictions in outline: *-random takes one random key, volatile-ttl the key that expires
// first (exactly, where Redis samples), *-lru and *-lfu the best of maxmemory-samples sampled keys (the most
// idle, the least frequently used); volatile-* look only at keys with an expiry.
std::optional<std::pair<int, std::string>> Server::eviction_candidate() {
  const EvictionPolicy policy = config_.maxmemory_policy;
  const bool volatile_only = is_volatile(policy);
  const int64_t now = now_ms();
  if (policy == EvictionPolicy::kVolatileTtl) {
    std::optional<std::pair<int, std::string>> best;
    int64_t best_at = INT64_MAX;
    for (size_t d = 0; d < dbs_.size(); ++d) {
      if (dbs_[d].expires() == 0) {
        continue;
      }
      std::string k = dbs_[d].soonest_expiring_key();  // may be "", a valid key name
      const Entry* e = dbs_[d].slot_table(cmd::slot_of(k)).find(k);
      const int64_t at = e ? dbs_[d].expire_of(*e) : INT64_MAX;
      if (at < best_at) {
        best_at = at;
        best.emplace(static_cast<int>(d), std::move(k));
      }
    }
    return best;
  }
  rt::Random& r = env_.random;
  auto pick = [&r](uint64_t n) { return r.uniform(0, n - 1); };
  auto population = [&](const Db& db) { return volatile_only ? db.expires() : db.size(); };
  size_t total = 0;
  for (const auto& db : dbs_) {
    total += population(db);
  }
  if (total == 0) {
    return std::nullopt;
  }
  const bool random_policy =
      policy == EvictionPolicy::kAllKeysRandom || policy == EvictionPolicy::kVolatileRandom;
  const int samples =
      random_policy ? 1 : static_cast<int>(std::clamp<int64_t>(config_.maxmemory_samples, 1, 1024));
  std::optional<std::pair<int, std::string>> best;
  int64_t best_score = 0;  // higher evicts first: idle seconds, or 255 - the LFU counter
  for (int i = 0; i < samples; ++i) {
    uint64_t target = r.uniform(0, total - 1);
    size_t d = 0;
    while (target >= population(dbs_[d])) {
      target -= population(dbs_[d]);
      ++d;
    }
    std::string k = volatile_only ? dbs_[d].random_volatile_key(pick) : dbs_[d].random_key(pick);
    const Entry* e = dbs_[d].slot_table(cmd::slot_of(k)).find(k);  // k may be "", a valid key name
    if (e == nullptr) {
      continue;
    }
    // A wall clock stepped back makes idle times negative; the first sample still counts.
    const int64_t score = is_lfu(policy) ? 255 - lfu::counter(e->lru, now, config_.lfu_decay_time)
                                         : now / 1000 - static_cast<int64_t>(e->lru);
    if (!best || score > best_score) {
      best_score = score;
      best.emplace(static_cast<int>(d), std::move(k));
    }
  }
  return best;
}

CommandStats& Server::command_stats(const cmd::CommandSpec* spec) {
  auto it = stats_by_spec_.find(spec);
  if (it != stats_by_spec_.end()) {
    return *it->second;
  }
  CommandStats* cs = &stats_.commands[std::string(spec->name)];
  stats_by_spec_.emplace(spec, cs);
  return *cs;
}

void Server::signal_key(int db, std::string_view key) {
  if (blocking_.empty()) {
    return;
  }
  std::pair<int, std::string> k(db, std::string(key));
  if (blocking_.count(k) != 0 && std::find(ready_.begin(), ready_.end(), k) == ready_.end()) {
    ready_.push_back(std::move(k));
  }
}

// Redis's swapdb -> scanDatabaseForReadyKeys: a key a blocked client waits on may now exist in its db.
void Server::swap_dbs(int a, int b) {
  dbs_[static_cast<size_t>(a)].swap(dbs_[static_cast<size_t>(b)]);
  for (int d : {a, b}) {
    for (auto it = blocking_.lower_bound(std::pair<int, std::string>(d, std::string()));
         it != blocking_.end() && it->first.first == d; ++it) {
      signal_key(d, it->first.second);
    }
  }
}

void Server::block(CommandContext& ctx, std::span<const std::string_view> keys, int64_t timeout_ms,
                   uint8_t type, bool null_array) {
  Client& c = ctx.client;
  if (c.reprocessing) {
    return;  // still nothing to serve: stays blocked where it was
  }
  BlockState& b = c.block;
  b.active = true;
  b.db = c.db;
  b.argv.assign(ctx.argv.begin(), ctx.argv.end());
  b.keys.clear();
  for (auto k : keys) {
    if (std::find(b.keys.begin(), b.keys.end(), k) == b.keys.end()) {
      b.keys.emplace_back(k);
      blocking_[{c.db, std::string(k)}].push_back(&c);
    }
  }
  b.deadline_ms = timeout_ms > 0 ? ctx.now_ms + timeout_ms : 0;
  b.type = type;
  b.null_array = null_array;
  ++blocked_count_;
}

uint64_t Server::suspend(Client& c) {
  c.block = BlockState{};
  c.block.active = true;
  c.block.db = c.db;
  c.block.ticket = ++last_ticket_;
  ++blocked_count_;
  return c.block.ticket;
}

void Server::finish(uint64_t client_id, uint64_t ticket,
                    const std::function<void(resp::ReplyWriter&)>& reply) {
  const auto it = clients_.find(client_id);
  if (it == clients_.end() || !it->second->block.active || it->second->block.ticket != ticket) {
    return;  // gone, or no longer waiting for this
  }
  Client& c = *it->second;
  std::string dropped;
  resp::ReplyWriter out(c.reply_off ? &dropped : &c.outbox, c.protocol);
  out.set_double_format(resp::DoubleFormat::kRedis70);
  reply(out);
  unblock(c);
  if (c.wakeup != nullptr) {
    c.wakeup->set();
  }
}

bool Server::spawn(rt::Task<void> t) {
  if (tasks_ == nullptr || tasks_->cancelled()) {
    return false;
  }
  tasks_->spawn(std::move(t));
  return true;
}

void Server::unblock(Client& c) {
  if (!c.block.active) {
    return;
  }
  for (const auto& k : c.block.keys) {
    auto it = blocking_.find(std::pair<int, std::string>(c.block.db, k));
    if (it == blocking_.end()) {
      continue;
    }
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), &c), v.end());
    if (v.empty()) {
      blocking_.erase(it);
    }
  }
  c.block = BlockState{};
  --blocked_count_;
}

// Redis's handleClientsBlockedOnKeys: after a command, every key it made ready serves its blocked clients
// in the order they blocked, each by running its command again; serving may make more keys ready.
void Server::serve_ready_keys() {
  while (!ready_.empty()) {
    auto ready = std::move(ready_);
    ready_.clear();
    for (const auto& k : ready) {
      auto it = blocking_.find(k);
      if (it == blocking_.end()) {
        continue;
      }
      std::vector<Client*> waiters = it->second;  // serving unblocks, which edits the queue
      if (env_.exec.planted("server-wake-wrong-client")) {
        std::reverse(waiters.begin(), waiters.end());  // the planted bug: the last to block is served first
      }
      for (Client* c : waiters) {
        if (!c->block.active) {
          continue;
        }
        const Entry* e = dbs_[static_cast<size_t>(k.first)].peek(k.second, now_ms());
        if (e == nullptr) {
          break;  // the key is gone: the rest stay blocked
        }
        if (static_cast<uint8_t>(e->value.type()) != c->block.type) {
          continue;  // waits for another type (BZPOPMIN behind a list): the next in line may be served
        }
        serve_blocked(*c, k.second);
      }
    }
    if (env_.exec.planted("server-move-no-wake")) {
      ready_.clear();  // the planted bug (codis-sim --bug): a BLMOVE served here wakes no one at its
                       // destination
    }
  }
}

// Runs a blocked client's command again, for the ready `key`, with its reply going to the client's outbox.
// True when served.
bool Server::serve_blocked(Client& c, const std::string& key) {
  const cmd::CommandSpec* spec = cmd::lookup(c.block.argv[0]);
  Handler h = spec == nullptr ? nullptr : registry_.find(spec);
  if (h == nullptr) {
    return false;
  }
  std::vector<std::string> argv = c.block.argv;
  std::vector<std::string_view> views(argv.begin(), argv.end());
  const int saved_db = c.db;
  c.db = c.block.db;
  resp::ReplyWriter w(&c.outbox, c.protocol);
  w.set_double_format(resp::DoubleFormat::kRedis70);
  const size_t before = c.outbox.size();
  CommandContext ctx{*this, c, views, *spec, w, now_ms()};
  c.reprocessing = true;
  c.block.serving_key = key;
  ++depth_;
  h(ctx);
  --depth_;
  c.reprocessing = false;
  c.block.serving_key.clear();
  c.db = saved_db;
  if (c.outbox.size() == before) {
    return false;  // nothing to serve after all: still blocked
  }
  if (c.reply_off) {
    c.outbox.resize(before);  // CLIENT REPLY OFF: served, but the reply is not sent
  }
  unblock(c);
  ++stats_.commands_processed;
  ++command_stats(spec).calls;
  if (c.wakeup != nullptr) {
    c.wakeup->set();
  }
  return true;
}

void Server::pause_clients(int64_t until_ms, bool writes_only) {
  if (pause_until_ms_ == 0) {
    pause_writes_only_ = writes_only;
  } else {
    pause_writes_only_ = pause_writes_only_ && writes_only;
  }
  pause_until_ms_ = std::max(pause_until_ms_, until_ms);
  pause_changed_->reset();
  for (auto& db : dbs_) {
    db.keep_expired(true);
  }
}

void Server::unpause_clients() {
  pause_until_ms_ = 0;
  pause_writes_only_ = false;
  pause_changed_->set();
  for (auto& db : dbs_) {
    db.keep_expired(false);
  }
}

void Server::start_monitoring(Client& c) {
  c.monitor = true;
  c.never_paused = true;
  monitors_.push_back(&c);
}

void Server::stop_monitoring(Client& c) {
  if (!c.monitor) {
    return;
  }
  c.monitor = false;
  c.never_paused = false;
  monitors_.erase(std::remove(monitors_.begin(), monitors_.end(), &c), monitors_.end());
}

void Server::feed_monitors(const Client& c, std::span<const std::string_view> argv,
                           const cmd::CommandSpec& spec) {
  const std::string line = monitor_line(now_us(), c.db, c.peer.to_string(), spec.name, argv);
  for (Client* m : monitors_) {
    if (m->killed || m->reply_off) {
      continue;  // leaves the list when its connection closes; CLIENT REPLY OFF drops monitor lines
    }
    m->outbox.append(line);
    if (config_.obuf_normal_hard > 0 && static_cast<int64_t>(m->outbox.size()) > config_.obuf_normal_hard) {
      m->kill();  // client-output-buffer-limit normal: a monitor that does not keep up is disconnected
      continue;
    }
    if (m->wakeup != nullptr) {
      m->wakeup->set();
    }
  }
}

// Redis postpones every command of a normal client under a full pause, and under a write pause those that
// may write or be replicated, EXEC counting as such when one of its queued commands is.
bool Server::postpones(const Client& c, const cmd::CommandSpec& spec) const {
  if (c.never_paused || pause_until_ms_ <= now_ms()) {
    return false;
  }
  if (!pause_writes_only_) {
    return true;
  }
  constexpr uint32_t kMayWrite = cmd::flag::kWrite | cmd::flag::kMayReplicate;
  return spec.name == "exec" ? queued_has(c, kMayWrite) : spec.has(kMayWrite);
}

namespace {

// Waits for the event (true) or, unless forever, for d to pass (false).
rt::Task<bool> wait_wake(rt::Executor& ex, rt::Event* e, rt::Duration d, bool forever) {
  auto waiter = [](rt::Event* ev) -> rt::Task<void> { co_await ev->wait(); };
  if (forever) {
    auto w = waiter(e);
    co_await std::move(w);
    co_return true;
  }
  auto w = waiter(e);
  auto sleeper = [](rt::Executor& x, rt::Duration dd) -> rt::Task<void> { co_await rt::sleep_for(x, dd); };
  auto t = sleeper(ex, d);
  auto r = co_await rt::when_any(ex, std::move(w), std::move(t));
  co_return r.index() == 0;
}

}  // namespace

// One read's worth of commands, run back to back without suspending (so a pipelined batch shares clock
// readings, see dispatch). False when the client must be dropped.
bool Server::run_buffered(Client& c, resp::RequestParser& parser, IoBuf& in, resp::ReplyWriter& writer,
                          const std::string& out) {
  const BatchScope batch(*this);
  while (!c.block.active) {
    resp::ParseResult r = parser.parse(in.data());
    in.consume(r.consumed);
    if (r.status == resp::ParseStatus::kOk) {
      writer.set_protocol(c.protocol);
      dispatch(c, parser.args(), writer);
      parser.set_authenticated(c.authenticated);
      if (config_.obuf_normal_hard > 0 && c.subscriptions() == 0 &&
          static_cast<int64_t>(out.size()) > config_.obuf_normal_hard) {
        // client-output-buffer-limit normal: this client alone is disconnected, its replies dropped.
        env_.log.warning("Client id=" + std::to_string(c.id) +
                         " scheduled to be closed ASAP for overcoming of output buffer limits.");
        return false;
      }
      if (c.close_after_reply || !c.postponed.empty() || c.hold_replies_until_ms != 0) {
        break;
      }
      continue;
    }
    if (r.status == resp::ParseStatus::kError) {
      writer.error("ERR " + std::string(parser.error_message()));
      stats_.count_error("ERR Protocol error");
      c.close_after_reply = true;
    }
    break;
  }
  return true;
}

void Server::time_out(Client& c, resp::ReplyWriter& out, bool error) {
  std::string dropped;
  resp::ReplyWriter sink(&dropped, c.protocol);
  resp::ReplyWriter& w = c.reply_off ? sink : out;  // CLIENT REPLY OFF: the client is not told
  if (error) {
    constexpr std::string_view kUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
    w.error(kUnblocked);
    stats_.count_error(kUnblocked);
  } else if (c.block.null_array) {
    w.null_array();
  } else {
    w.null();
  }
  unblock(c);
}

rt::Task<void> Server::wait_until_unpaused(const Client& c) {
  for (;;) {
    if (pause_until_ms_ == 0 || !postpones(c, *c.postponed_spec)) {
      if (pause_until_ms_ != 0 && pause_until_ms_ <= now_ms()) {
        unpause_clients();  // the pause ran out
      }
      co_return;
    }
    co_await wait_wake(env_.exec, pause_changed_.get(), rt::ms_saturating(pause_until_ms_ - now_ms()), false);
  }
}

rt::Task<void> Server::serve_client(rt::StreamPtr s) {
  Client c;
  c.id = next_client_id();
  c.peer = s->peer();
  c.local = s->local();
  c.created = c.last_interaction = env_.clock.mono();
  c.authenticated = config_.requirepass.empty();
  c.stream = s.get();
  // Everything the client points at is declared before the registration below, so it is still there while
  // the client leaves the server's lists (C++ destroys locals in reverse order).
  rt::Event wake(env_.exec);
  c.wakeup = &wake;
  IoBuf in;
  std::string out;
  c.query_buf = &in;
  c.reply_buf = &out;
  const ClientRegistration registration(*this, c);

  resp::RequestLimits limits;
  limits.max_bulk_len = config_.proto_max_bulk_len;
  resp::RequestParser parser(limits);
  parser.set_authenticated(c.authenticated);
  resp::ReplyWriter writer(&out, 2);
  constexpr size_t kReadChunk = 16 * 1024;
  for (;;) {
    if (!c.outbox.empty()) {
      out.append(c.outbox);  // e.g. the reply of a blocked command just served, before later replies
      c.outbox.clear();
    }
    // Run every complete command already buffered, then send all their replies in one write. A blocked
    // client runs nothing more until it is served (its later commands wait in the buffer, as in Redis).
    if (!c.postponed.empty()) {
      // Paused (CLIENT PAUSE, DEBUG SLEEP): this client's next command waits, and so does everything after
      // it.
      ++postponed_count_;
      co_await wait_until_unpaused(c);
      --postponed_count_;
      std::vector<std::string> argv = std::move(c.postponed);
      c.postponed.clear();
      std::vector<std::string_view> views(argv.begin(), argv.end());
      writer.set_protocol(c.protocol);
      {
        const BatchScope batch(*this);
        dispatch(c, views, writer);
      }
      parser.set_authenticated(c.authenticated);
    }
    if (c.postponed.empty() && !run_buffered(c, parser, in, writer, out)) {
      co_return;
    }
    if (c.hold_replies_until_ms != 0) {
      // DEBUG SLEEP: the server is paused until then; the caller's reply waits too.
      const int64_t left = c.hold_replies_until_ms - now_ms();
      c.hold_replies_until_ms = 0;
      if (left > 0) {
        co_await rt::sleep_for(env_.exec, rt::ms_saturating(left));
      }
    }
    if (!c.outbox.empty()) {
      out.append(c.outbox);  // messages published to this client
      c.outbox.clear();
    }
    wake.reset();
    if (!out.empty()) {
      stats_.net_output_bytes += out.size();
      ++stats_.writes_processed;
      if (!(co_await rt::write_all(*s, out)).ok()) {
        co_return;
      }
      out.clear();
      if (out.capacity() > 1024 * 1024) {
        std::string().swap(out);
      }
    }
    if (c.close_after_reply || c.killed) {
      s->close();
      co_return;
    }
    if (static_cast<int64_t>(in.size()) > config_.client_query_buffer_limit) {
      env_.log.warning("Closing client that reached max query buffer length");
      co_return;
    }
    if (!c.postponed.empty()) {
      continue;  // waits for the pause to end at the top of the loop
    }
    if (c.block.active) {
      // Blocked: keep reading (to see the connection close) while waiting to be served or timed out.
      auto tail = in.tail(kReadChunk);
      const int64_t deadline = c.block.deadline_ms;
      const rt::Duration left =
          rt::ms_saturating(deadline == 0 ? 0 : std::max<int64_t>(0, deadline - now_ms()));
      auto rd = s->read(tail);
      auto wt = wait_wake(env_.exec, &wake, left, deadline == 0);
      auto r = co_await rt::when_any(env_.exec, std::move(rd), std::move(wt));
      if (r.index() == 0) {
        rt::Result<size_t>& n = std::get<0>(r);
        if (!n.ok() || *n == 0) {
          co_return;
        }
        in.commit(*n);
        stats_.net_input_bytes += *n;
        ++stats_.reads_processed;
      } else if (!std::get<1>(r) && c.block.active) {
        writer.set_protocol(c.protocol);
        time_out(c, writer);
      }
      continue;
    }
    in.shrink_if_idle(1024 * 1024);
    auto tail = in.tail(std::max(kReadChunk, std::min<size_t>(parser.want(), 64 * 1024 * 1024)));
    rt::Result<size_t> n = size_t{0};
    // Subscribers and monitors also wake up when something is pushed to them; they are exempt from
    // `timeout`, as are blocked clients.
    const bool receives_pushes = c.subscriptions() > 0 || c.monitor;
    if (!receives_pushes && config_.timeout > 0) {
      // `timeout`: a client idle that long is closed.
      auto rd = s->read(tail);
      n = co_await rt::with_timeout(env_.exec, rt::seconds_saturating(config_.timeout), std::move(rd));
      if (!n.ok() && n.error() == rt::Errc::kTimeout) {
        env_.log.verbose("Closing idle client");
        co_return;
      }
    } else if (!receives_pushes) {
      n = co_await s->read(tail);
    } else {
      // A cancelled read consumes nothing.
      auto r = co_await rt::when_any(env_.exec, s->read(tail),
                                     [](rt::Event* e) -> rt::Task<void> { co_await e->wait(); }(&wake));
      if (r.index() == 1) {
        continue;
      }
      n = std::move(std::get<0>(r));
    }
    if (!n.ok() || *n == 0) {
      co_return;
    }
    in.commit(*n);
    stats_.net_input_bytes += *n;
    ++stats_.reads_processed;
    c.last_interaction = env_.clock.mono();
  }
}

}  // namespace codis::server
