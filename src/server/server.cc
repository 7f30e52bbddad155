#include "server/server.h"

#include <algorithm>

#include "cmd/table.h"
#include "resp/request_parser.h"
#include "rt/combinators.h"
#include "rt/sleep.h"
#include "server/errors.h"
#include "server/iobuf.h"

namespace codis::server {

Db& CommandContext::db() {
  return server.db(client.db);
}
void CommandContext::touched(std::string_view key) {
  ++server.stats().dirty;
  server.touch_watched(client.db, key);
}
void CommandContext::touched_db() {
  ++server.stats().dirty;
  server.touch_watched_db(client.db);
}

Server::Server(rt::Env& env, Config config, std::function<void()> on_shutdown)
    : env_(env), config_(std::move(config)), on_shutdown_(std::move(on_shutdown)) {
  dbs_ = std::vector<Db>(static_cast<size_t>(std::max<int64_t>(1, config_.databases)));
  register_all_families(registry_);
  started_ = env_.clock.mono();
}

Server::~Server() = default;

void Server::shutdown() {
  if (on_shutdown_) {
    on_shutdown_();
  }
}

rt::Task<void> Server::run(std::function<void(const rt::Endpoint&)> ready) {
  const rt::Endpoint at(config_.bind, static_cast<uint16_t>(config_.port));
  auto l = env_.net.listen(at);
  if (!l.ok()) {
    env_.log.warning("Could not create server TCP listening socket " + at.to_string() + ": " +
                     std::string(rt::errc_name(l.error())));
    shutdown();
    co_return;
  }
  port_ = (*l)->local().port;
  env_.log.notice("Ready to accept connections tcp on " + (*l)->local().to_string());
  if (ready) {
    ready((*l)->local());
  }
  rt::Scope scope(env_.exec);
  scope.spawn(cron());
  for (;;) {
    auto s = co_await (*l)->accept();
    if (!s.ok()) {
      co_return;
    }
    ++stats_.connections_received;
    if (static_cast<int64_t>(clients_.size()) >= config_.maxclients) {
      ++stats_.rejected_connections;
      static constexpr std::string_view kMax = "-ERR max number of clients reached\r\n";
      scope.spawn([](rt::StreamPtr s) -> rt::Task<void> {
        (void)co_await rt::write_all(*s, kMax);
        s->close();
      }(std::move(*s)));
      continue;
    }
    scope.spawn(serve_client(std::move(*s)));
  }
}

rt::Task<void> Server::cron() {
  for (;;) {
    co_await rt::sleep_for(env_.exec, rt::milliseconds(1000 / std::clamp<int64_t>(config_.hz, 1, 500)));
    expire_cycle();
  }
}

void Server::expire_cycle() {
  const int64_t now = now_ms();
  for (auto& db : dbs_) {
    // The expiry index is ordered by time, so this deletes exactly the expired keys, oldest first; the cap
    // keeps one cycle short (a backlog is worked off over the next cycles).
    stats_.expired_keys += db.expire_some(now, 20000);
  }
}

void Server::touch_watched(int db, std::string_view key) {
  for (auto& [id, c] : clients_) {
    if (c->watched.empty() || c->watch_dirty) {
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
  for (auto& [id, c] : clients_) {
    for (const auto& w : c->watched) {
      if (db < 0 || w.first == db) {
        c->watch_dirty = true;
        break;
      }
    }
  }
}

namespace {

// Redis: "unknown command '%.128s', with args beginning with: 'a' 'b' ".
std::string unknown_command(std::span<const std::string_view> argv) {
  std::string s =
      "ERR unknown command '" + std::string(argv[0].substr(0, 128)) + "', with args beginning with: ";
  for (size_t i = 1; i < argv.size() && s.size() < 128 + 64; ++i) {
    s += "'" + std::string(argv[i].substr(0, 128 - std::min<size_t>(128, s.size() / 2))) + "' ";
  }
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool allowed_in_multi(std::string_view name) {
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" || name == "quit" ||
         name == "reset";
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

void Server::dispatch(Client& c, std::span<const std::string_view> argv, resp::ReplyWriter& out) {
  if (argv.empty()) {
    return;
  }
  const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
  auto reject = [&](std::string_view msg) {
    if (c.in_multi) {
      c.multi_dirty = true;
    }
    out.error(msg);
  };
  if (spec == nullptr) {
    reject(unknown_command(argv));
    return;
  }
  if (spec->is_container()) {
    if (argv.size() < 2) {
      reject("ERR wrong number of arguments for '" + std::string(spec->name) + "' command");
      return;
    }
    const cmd::CommandSpec* sub = cmd::lookup_subcommand(*spec, argv[1]);
    if (sub == nullptr) {
      reject("ERR unknown subcommand '" + std::string(argv[1].substr(0, 128)) + "'. Try " +
             upper(spec->name) + " HELP.");
      return;
    }
    spec = sub;
  }
  Handler h = registry_.find(spec);
  if (h == nullptr) {
    reject(unknown_command(argv));
    return;
  }
  if (!cmd::check_arity(*spec, argv.size())) {
    reject("ERR wrong number of arguments for '" + std::string(spec->name) + "' command");
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
  c.last_command = std::string(spec->name);
  CommandContext ctx{*this, c, argv, *spec, out, now_ms()};
  const rt::MonoTime t0 = env_.clock.mono();
  const size_t before = out.out().size();
  h(ctx);
  const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(env_.clock.mono() - t0).count();
  ++stats_.commands_processed;
  auto& cs = stats_.commands[std::string(spec->name)];
  ++cs.calls;
  cs.usec += static_cast<uint64_t>(usec);
  if (out.out().size() > before && out.out()[before] == '-') {
    ++cs.failed;
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
  rt::Event wake(env_.exec);
  c.wakeup = &wake;
  add_client(&c);
  struct Unregister {
    Server* s;
    Client* c;
    ~Unregister() {
      s->pubsub().drop(*c);
      s->remove_client(c);
    }
  } unregister{this, &c};

  resp::RequestLimits limits;
  limits.max_bulk_len = config_.proto_max_bulk_len;
  resp::RequestParser parser(limits);
  parser.set_authenticated(c.authenticated);
  IoBuf in;
  std::string out;
  resp::ReplyWriter writer(&out, 2);
  constexpr size_t kReadChunk = 16 * 1024;
  for (;;) {
    // Run every complete command already buffered, then send all their replies in one write.
    for (;;) {
      resp::ParseResult r = parser.parse(in.data());
      in.consume(r.consumed);
      if (r.status == resp::ParseStatus::kOk) {
        writer.set_protocol(c.protocol);
        dispatch(c, parser.args(), writer);
        parser.set_authenticated(c.authenticated);
        if (c.close_after_reply) {
          break;
        }
        continue;
      }
      if (r.status == resp::ParseStatus::kError) {
        writer.error("ERR " + std::string(parser.error_message()));
        c.close_after_reply = true;
      }
      break;
    }
    if (!c.outbox.empty()) {
      out.append(c.outbox);  // messages published to this client
      c.outbox.clear();
    }
    wake.reset();
    if (!out.empty()) {
      stats_.net_output_bytes += out.size();
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
    in.shrink_if_idle(1024 * 1024);
    auto tail = in.tail(std::max(kReadChunk, std::min<size_t>(parser.want(), 64 * 1024 * 1024)));
    rt::Result<size_t> n = size_t{0};
    if (c.subscriptions() == 0) {
      n = co_await s->read(tail);
    } else {
      // A subscriber also wakes up when a message is published to it. A cancelled read consumes nothing.
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
    c.last_interaction = env_.clock.mono();
  }
}

}  // namespace codis::server
