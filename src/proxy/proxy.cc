#include "proxy/proxy.h"

#include <charconv>

#include "proxy/merge.h"
#include "proxy/router.h"
#include "proxy/session.h"
#include "resp/reply_writer.h"
#include "rt/sleep.h"

namespace codis::proxy {

namespace {

// A redirect or retry error of docs/slots.md: "-MOVED <slot> <addr> <epoch>", "-ASK <slot> <addr> <epoch>",
// "-TRYAGAIN <slot> <addr> <epoch> <text>".
struct Redirect {
  enum Kind { kNone, kMoved, kAsk, kTryAgain } kind = kNone;
  int32_t slot = -1;
  std::string addr;
};

Redirect parse_redirect(std::string_view reply) {
  Redirect r;
  if (reply.starts_with("-MOVED ")) {
    r.kind = Redirect::kMoved;
    reply.remove_prefix(7);
  } else if (reply.starts_with("-ASK ")) {
    r.kind = Redirect::kAsk;
    reply.remove_prefix(5);
  } else if (reply.starts_with("-TRYAGAIN")) {
    r.kind = Redirect::kTryAgain;
    return r;
  } else {
    return r;
  }
  if (reply.ends_with("\r\n")) {
    reply.remove_suffix(2);
  }
  const size_t sp = reply.find(' ');
  if (sp == std::string_view::npos) {
    r.kind = Redirect::kNone;
    return r;
  }
  int32_t slot = -1;
  auto [p, ec] = std::from_chars(reply.data(), reply.data() + sp, slot);
  reply.remove_prefix(sp + 1);
  const size_t sp2 = reply.find(' ');
  r.addr = std::string(reply.substr(0, sp2));
  if (ec != std::errc() || slot < 0 || slot >= static_cast<int32_t>(cmd::kSlots) || r.addr.empty()) {
    r.kind = Redirect::kNone;
  } else if (r.addr == "-") {
    r.kind = Redirect::kTryAgain;  // no owner known yet (the slot is being set up): ask again shortly
  }
  r.slot = slot;
  return r;
}

}  // namespace

Proxy::Proxy(rt::Env& env, ProxyConfig config, std::shared_ptr<const RoutingTable> table)
    : env_(env),
      config_(std::move(config)),
      table_(std::move(table)),
      started_(env.clock.mono()),
      bug_mget_order_(env.exec.planted("proxy-mget-order")),
      bug_retry_writes_(env.exec.planted("proxy-retry-writes")),
      scope_(env.exec) {
  if (config_.slowlog == nullptr) {
    config_.slowlog = std::make_shared<SharedSlowLog>(10000, 128);
  }
}

Proxy::~Proxy() = default;

void Proxy::set_table(std::shared_ptr<const RoutingTable> t) {
  table_ = std::move(t);
  moved_.clear();
  forget_slot_backends();
  for (Session* s : sessions_) {
    s->table_changed();
  }
}

void Proxy::set_peers(std::vector<const Proxy*> peers, size_t index) {
  peers_ = std::move(peers);
  index_ = index;
}

StatsSnapshot Proxy::totals() const {
  StatsSnapshot t;
  if (peers_.empty()) {
    t.add(stats_);
  }
  for (const Proxy* p : peers_) {
    t.add(p->stats_);
  }
  return t;
}

CommandTotals Proxy::command_totals(size_t index) const {
  CommandTotals t;
  if (peers_.empty()) {
    t.add(command_stats_.entry(index));
  }
  for (const Proxy* p : peers_) {
    t.add(p->command_stats_.entry(index));
  }
  return t;
}

void Proxy::forget_slot_backends() {
  for (auto& per_protocol : slot_backend_) {
    per_protocol.fill(nullptr);
  }
  for (auto& per_protocol : replica_backend_) {
    per_protocol.fill(nullptr);
  }
}

rt::Task<void> Proxy::give_back_memory_when_idle() {
  // After a burst (large values, many clients) the allocator keeps the freed memory; a proxy that then sits
  // idle should not. Once per quiet spell, checked every 2 s, it is given back to the system.
  uint64_t last = UINT64_MAX;
  bool purged = false;
  for (;;) {
    co_await rt::sleep_for(env_.exec, std::chrono::seconds(2));
    const uint64_t now = totals().commands;
    if (now != last) {
      last = now;
      purged = false;
    } else if (!purged) {
      env_.memory.purge();
      purged = true;
    }
  }
}

rt::Task<void> Proxy::serve(rt::ListenerPtr listener) {
  if (index_ == 0) {
    scope_.spawn(give_back_memory_when_idle());  // one loop does it for the process
  }
  for (;;) {
    auto s = co_await listener->accept();
    if (!s.ok()) {
      if (s.error() == rt::Errc::kCancelled) {
        co_return;
      }
      co_await rt::sleep_for(env_.exec, std::chrono::milliseconds(10));  // out of descriptors: retry soon
      continue;
    }
    if (stats_.sessions_opened.get() - stats_.sessions_closed.get() >= config_.maxclients) {
      scope_.spawn([](rt::StreamPtr st) -> rt::Task<void> {
        (void)co_await rt::write_all(*st, "-ERR max number of clients reached\r\n");
        st->close();
      }(std::move(*s)));
      continue;
    }
    scope_.spawn(session(std::move(*s)));
  }
}

rt::Task<void> Proxy::session(rt::StreamPtr s) {
  const uint64_t id = 1 + index_ + stats_.sessions_opened.get() * std::max<size_t>(1, peers_.size());
  stats_.sessions_opened.add();
  {
    Session session(*this, std::move(s), id);
    co_await session.run();
  }
  stats_.sessions_closed.add();
}

std::unique_ptr<Backend> Proxy::make_backend(const rt::Endpoint& addr, int protocol) {
  Backend::Options o;
  o.password = config_.backend_password;
  o.protocol = protocol;
  return std::make_unique<Backend>(
      env_, addr, o, [this](const JobPtr& j, size_t c, std::string_view r) { on_reply(j, c, r); },
      [this](const JobPtr& j, size_t c, bool sent, const std::string& why) { on_fail(j, c, sent, why); });
}

Backend& Proxy::backend(const rt::Endpoint& addr, int protocol) {
  const std::string key = addr.to_string() + (protocol == 3 ? "/3" : "");
  auto it = backends_.find(key);
  if (it != backends_.end()) {
    return *it->second;
  }
  auto b = make_backend(addr, protocol);
  Backend& ref = *b;
  backends_.emplace(key, std::move(b));
  scope_.spawn(ref.run());
  return ref;
}

Backend* Proxy::route_for(const JobPtr& job, const rt::Endpoint& addr) {
  if (!job->pinned) {
    return &backend(addr, job->protocol);
  }
  return job->pin != nullptr ? &job->pin->to(addr) : nullptr;
}

const rt::Endpoint* Proxy::owner_of(uint32_t slot) const {
  auto m = moved_.find(slot);
  return m != moved_.end() ? &m->second : table_->master_of(slot);
}

void Proxy::start(const JobPtr& job) {
  if (bug_mget_order_ && job->merge == cmd::Merge::kConcat && job->calls.size() >= 2) {
    // The planted bug proxy-mget-order (codis-sim --bug): two keys' replies trade places in the merge.
    std::swap(job->calls[0].key_positions[0], job->calls[1].key_positions[0]);
  }
  for (size_t i = 0; i < job->calls.size(); ++i) {
    if (!job->calls[i].done) {
      dispatch(job, i);
    }
  }
}

void Proxy::dispatch(const JobPtr& job, size_t i) {
  Call& c = job->calls[i];
  const rt::Endpoint* to = nullptr;
  if (c.slot >= 0 && c.step == Call::Step::kRoute && !c.keys.empty() && forward_at_source(job, i)) {
    return;
  }
  if (c.slot >= 0 && job->readonly && !job->pinned && config_.read_replicas && !c.no_replica) {
    if (Backend* r = replica_for(static_cast<uint32_t>(c.slot), job->protocol)) {
      r->send(job, i, false);
      return;
    }
  }
  if (c.slot >= 0 && !job->pinned) {
    // The common case: the slot's connection, remembered until the table or a MOVED changes the slot.
    Backend*& cached = slot_backend_[job->protocol == 3 ? 1 : 0][static_cast<size_t>(c.slot)];
    if (cached == nullptr) {
      const rt::Endpoint* owner = owner_of(static_cast<uint32_t>(c.slot));
      if (owner == nullptr) {
        call_done(job, i, "-ERR slot " + std::to_string(c.slot) + " is not served\r\n");
        return;
      }
      cached = &backend(*owner, job->protocol);
    }
    cached->send(job, i, false);
    return;
  }
  if (c.slot >= 0) {
    to = owner_of(static_cast<uint32_t>(c.slot));
    if (to == nullptr) {
      call_done(job, i, "-ERR slot " + std::to_string(c.slot) + " is not served\r\n");
      return;
    }
  } else if (c.group > 0) {
    const Group* g = table_->group(c.group);
    if (g == nullptr) {
      call_done(job, i, "-ERR codis-proxy: group " + std::to_string(c.group) + " is gone\r\n");
      return;
    }
    to = &g->master;
  } else {
    const auto& groups = table_->groups();
    if (groups.empty()) {
      call_done(job, i, "-ERR codis-proxy: no groups are configured\r\n");
      return;
    }
    auto it = groups.begin();
    std::advance(it, static_cast<long>(next_any_++ % groups.size()));
    to = &it->second.master;
  }
  Backend* b = route_for(job, *to);
  if (b == nullptr) {
    call_done(job, i, "-ERR codis-proxy: the client left\r\n");
    return;
  }
  b->send(job, i, false);
}

void Proxy::on_reply(const JobPtr& job, size_t i, std::string_view reply) {
  if (job->calls[i].step == Call::Step::kAtSource) {
    source_reply(job, i, reply);
    return;
  }
  if (!reply.empty() && reply[0] == '-' && follow(job, i, reply)) {
    return;
  }
  call_done(job, i, std::string(reply));
}

bool Proxy::gave_up(const JobPtr& job, size_t i, std::string_view said) {
  const rt::MonoTime now = env_.clock.mono();
  if (job->started == rt::MonoTime{}) {
    job->started = now;  // the deadline runs from the first redirect (reading the clock per command costs)
  }
  if (now - job->started <= config_.redirect_timeout) {
    return false;
  }
  // The move did not settle in time. A redirect or retry error means the server did not run the command;
  // the client hears that, in the proxy's words (it never sees the servers' redirects).
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(config_.redirect_timeout).count();
  call_done(job, i,
            resp::error_reply("ERR codis-proxy: slot " + std::to_string(job->calls[i].slot) +
                              " did not settle within " + std::to_string(ms) +
                              " ms; the command was not run (the server said: " + std::string(said) + ")"));
  return true;
}

bool Proxy::follow(const JobPtr& job, size_t i, std::string_view reply) {
  const Redirect r = parse_redirect(reply);
  if (r.kind == Redirect::kNone) {
    return false;
  }
  Call& c = job->calls[i];
  std::string_view said = reply.substr(1);
  if (said.ends_with("\r\n")) {
    said.remove_suffix(2);
  }
  if (gave_up(job, i, said)) {
    return true;
  }
  if (!job->follow_redirects) {
    // WATCH holds this connection: the transaction cannot follow the slot elsewhere. It was not run.
    call_done(job, i,
              "-ERR codis-proxy: the slot moved while the transaction was watched; it was not run (WATCH "
              "again)\r\n");
    return true;
  }
  ++c.redirects;
  switch (r.kind) {
    case Redirect::kMoved:
    case Redirect::kAsk: {
      auto addr = rt::Endpoint::parse(r.addr);
      if (!addr.ok()) {
        return false;
      }
      stats_.redirects.add();
      if (r.kind == Redirect::kMoved) {
        moved_[static_cast<uint32_t>(r.slot)] = *addr;
        slot_backend_[0][static_cast<size_t>(r.slot)] = nullptr;
        slot_backend_[1][static_cast<size_t>(r.slot)] = nullptr;
        replica_backend_[0][static_cast<size_t>(r.slot)] = nullptr;
        replica_backend_[1][static_cast<size_t>(r.slot)] = nullptr;
      }
      Backend* b = route_for(job, *addr);
      if (b == nullptr) {
        return false;
      }
      b->send(job, i, r.kind == Redirect::kAsk);
      return true;
    }
    case Redirect::kTryAgain:
      retry_soon(job, i);
      return true;
    case Redirect::kNone:
      break;
  }
  return false;
}

void Proxy::retry_soon(const JobPtr& job, size_t i) {
  stats_.retries.add();
  // 1, 2, 4 ... ms, at most 50 ms between tries: a batch in flight usually ends within milliseconds.
  const int shift = std::min(std::max(job->calls[i].redirects - 1, 0), 6);
  const auto delay =
      std::min<rt::Duration>(std::chrono::milliseconds(1) * (1 << shift), std::chrono::milliseconds(50));
  scope_.spawn(retry_later(job, i, delay));
}

rt::Task<void> Proxy::retry_later(JobPtr job, size_t i, rt::Duration delay) {
  co_await rt::sleep_for(env_.exec, delay);
  job->calls[i].step = Call::Step::kRoute;  // routed afresh: the slot may have settled meanwhile
  dispatch(job, i);
}

void Proxy::on_fail(const JobPtr& job, size_t i, bool sent, const std::string& why) {
  Call& c = job->calls[i];
  if (c.step == Call::Step::kAtSource) {
    // SLOTSMGRTTAGONE never runs the client's command: it was not sent, whatever became of the move.
    sent = sent && !c.forward_sync;
    take_back_request(c);
    c.step = Call::Step::kRoute;
  }
  if (config_.read_replicas && job->readonly && !job->pinned && c.slot >= 0 && !c.no_replica) {
    c.no_replica = true;  // a read has no effect to repeat: the master answers it (sent or not)
    dispatch(job, i);
    return;
  }
  // The planted bug proxy-retry-writes (codis-sim --bug) sends a write again too: it may run twice.
  if (sent && (job->readonly || bug_retry_writes_) && !c.retried) {
    c.retried = true;  // a read has no effect to repeat: one more try, on a fresh connection
    dispatch(job, i);
    return;
  }
  if (sent) {
    call_done(job, i, "-ERR backend connection lost, outcome unknown (" + why + ")\r\n");
  } else {
    call_done(job, i, "-ERR " + why + ", command not sent (safe to retry)\r\n");
  }
}

void Proxy::call_done(const JobPtr& job, size_t i, std::string reply) {
  Call& c = job->calls[i];
  if (c.done) {
    return;
  }
  c.reply = std::move(reply);
  c.done = true;
  if (--job->calls_left == 0) {
    if (job->merge_fn) {
      job->finish(job->merge_fn(*job));
    } else if (job->calls.size() == 1 && job->merge == cmd::Merge::kNone) {
      job->finish(std::move(job->calls[0].reply));
    } else {
      job->finish(merge_replies(*job));
    }
  }
}

// ---- slots being migrated between servers that do not enforce ownership (Codis's forwarding) ----

bool Proxy::forward_at_source(const JobPtr& job, size_t i) {
  Call& c = job->calls[i];
  const auto slot = static_cast<uint32_t>(c.slot);
  const Forward method = table_->forward(slot);
  const Group* source = table_->group(table_->migrating_from(slot));
  const Group* target = table_->group(table_->owner(slot));
  if (method == Forward::kNone || source == nullptr || target == nullptr || moved_.count(slot) != 0) {
    return false;
  }
  Backend* b = route_for(job, source->master);
  if (b == nullptr) {
    return false;
  }
  // The wrapper runs one command keyed by one hash key: it is exact when every key shares that key's hash
  // tag (they move together). Otherwise, and for pinned calls (a blocking pop must not block the source),
  // every key is moved first.
  bool one_tag = true;
  for (const std::string& k : c.keys) {
    one_tag = one_tag && cmd::hash_tag(k) == cmd::hash_tag(c.keys[0]);
  }
  c.forward_sync = method == Forward::kSync || !one_tag || job->pinned || c.extra_replies != 0;
  c.held_wire = std::move(c.wire);
  c.held_extra = c.extra_replies;
  c.wire.clear();
  if (c.forward_sync) {
    const std::string host = target->master.host;
    const std::string port = std::to_string(target->master.port);
    std::vector<std::string_view> seen;
    for (const std::string& k : c.keys) {
      if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
        continue;
      }
      seen.push_back(k);
      const std::string_view argv[] = {"SLOTSMGRTTAGONE", host, port, "3000", k};
      c.wire += encode_request(argv);
    }
    c.extra_replies = static_cast<uint32_t>(seen.size() - 1);
    c.fail_on_extra_error = true;
  } else {
    // SLOTSMGRT-EXEC-WRAPPER <hashkey> <the command>: the command's multibulk with two more arguments.
    const std::string_view w = c.held_wire;
    const size_t eol = w.find("\r\n");
    size_t n = 0;
    std::from_chars(w.data() + 1, w.data() + eol, n);
    c.wire =
        "*" + std::to_string(n + 2) + "\r\n$22\r\nSLOTSMGRT-EXEC-WRAPPER\r\n" + resp::bulk_reply(c.keys[0]);
    c.wire.append(w.substr(eol + 2));
    c.extra_replies = 0;
  }
  c.step = Call::Step::kAtSource;
  stats_.forwards.add();
  b->send(job, i, false);
  return true;
}

void Proxy::take_back_request(Call& c) {
  c.wire = std::move(c.held_wire);
  c.held_wire.clear();
  c.extra_replies = c.held_extra;
  c.fail_on_extra_error = false;
}

void Proxy::source_reply(const JobPtr& job, size_t i, std::string_view reply) {
  Call& c = job->calls[i];
  take_back_request(c);
  if (!reply.empty() && reply[0] == '-') {
    c.step = Call::Step::kRoute;
    call_done(job, i,
              std::string(reply));  // the source refused the move or the wrapper: the command did not run
    return;
  }
  if (c.forward_sync) {
    c.step = Call::Step::kToTarget;  // every key is on the target now (or was never anywhere)
    dispatch(job, i);
    return;
  }
  // [code, reply]: 0 the key is not here (go to the target), 1 it is being shipped and the command writes
  // (retry), 2 the command ran here (its reply), -1 the command was refused (its error).
  std::vector<std::string_view> parts;
  if (!split_array(reply, parts) || parts.size() != 2 || parts[0].size() < 4 || parts[0][0] != ':') {
    c.step = Call::Step::kRoute;
    call_done(job, i,
              resp::error_reply("ERR codis-proxy: unexpected SLOTSMGRT-EXEC-WRAPPER reply from a backend"));
    return;
  }
  const std::string_view code = parts[0].substr(1, parts[0].size() - 3);
  if (code == "0") {
    c.step = Call::Step::kToTarget;
    dispatch(job, i);
  } else if (code == "1") {
    c.step = Call::Step::kRoute;
    ++c.redirects;
    if (!gave_up(job, i, "the key is being migrated")) {
      retry_soon(job, i);
    }
  } else {
    c.step = Call::Step::kToTarget;
    on_reply(job, i, parts[1]);
  }
}

// ---- reads from replicas ----

Backend* Proxy::replica_for(uint32_t slot, int protocol) {
  Backend*& cached = replica_backend_[protocol == 3 ? 1 : 0][slot];
  if (cached == nullptr) {
    const Group* g = table_->group(table_->owner(slot));
    if (g == nullptr || g->replicas.empty() || table_->migrating(slot) || moved_.count(slot) != 0) {
      return nullptr;  // never for a slot on the move: a replica may lag behind the keys' new home
    }
    // Spread the slots of a group over its replicas.
    cached = &backend(g->replicas[slot % g->replicas.size()], protocol);
  }
  // A replica that cannot be reached is skipped; the master serves until it is back.
  return cached->down() ? nullptr : cached;
}

}  // namespace codis::proxy
