#include "proxy/session.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "cmd/ascii.h"
#include "cmd/errors.h"
#include "cmd/keys.h"
#include "cmd/table.h"
#include "proxy/backend.h"
#include "proxy/merge.h"
#include "proxy/proxy.h"
#include "proxy/router.h"
#include "resp/request_parser.h"
#include "rt/combinators.h"

namespace codis::proxy {

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr std::string_view kMulti = "*1\r\n$5\r\nMULTI\r\n";
constexpr std::string_view kExec = "*1\r\n$4\r\nEXEC\r\n";
constexpr std::string_view kUnwatch = "*1\r\n$7\r\nUNWATCH\r\n";

std::string error(std::string_view text) {
  return "-" + std::string(text) + "\r\n";
}

// The slot every key of argv hashes to: -1 without keys, -2 when they span slots; `err` gets the Redis
// error of a malformed key list, whose slot is then that of the keys that can still be found.
int32_t slot_of_keys(const cmd::CommandSpec& spec, std::span<const std::string_view> argv, std::string& err) {
  cmd::KeyList keys;
  const cmd::KeysError e = cmd::extract_keys(spec, argv, keys);
  if (e != cmd::KeysError::kNone) {
    // PFMERGE dest without sources still writes dest.
    err = cmd::keys_error_text(spec, e);
    cmd::extract_partial_keys(spec, argv, keys);
  }
  int32_t slot = -1;
  for (const cmd::KeyPos& k : keys) {
    const auto s = static_cast<int32_t>(cmd::slot_of(argv[k.index]));
    if (slot >= 0 && s != slot) {
      return -2;
    }
    slot = s;
  }
  return slot;
}

bool allowed_while_subscribed(std::string_view name) {
  return name == "subscribe" || name == "psubscribe" || name == "ssubscribe" || name == "unsubscribe" ||
         name == "punsubscribe" || name == "sunsubscribe" || name == "ping" || name == "quit" ||
         name == "reset";
}

bool is_transaction_command(std::string_view name) {
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" || name == "quit" ||
         name == "reset";
}

// COPY's destination database when it is not 0, read as Redis's copyCommand reads the options (REPLACE,
// DB n, the last DB winning); empty when the copy stays in database 0 or the options are ones the server
// refuses with its own error (a syntax error, DB abc, DB beyond an int).
std::string_view copy_to_other_db(std::span<const std::string_view> argv) {
  std::string_view db = "0";
  for (size_t j = 3; j < argv.size(); ++j) {
    if (cmd::iequals(argv[j], "replace")) {
      continue;
    }
    if (!cmd::iequals(argv[j], "db") || j + 1 == argv.size()) {
      return {};
    }
    const std::optional<int64_t> n = cmd::parse_int64(argv[++j]);
    if (!n || *n < INT32_MIN || *n > INT32_MAX) {
      return {};
    }
    db = argv[j];
  }
  return db == "0" ? std::string_view() : db;
}

}  // namespace

Session::Session(Proxy& proxy, rt::StreamPtr stream, uint64_t id)
    : proxy_(proxy),
      stream_(std::move(stream)),
      id_(id),
      authenticated_(proxy.config().password.empty()),
      job_done_(proxy.env().exec),
      room_(proxy.env().exec) {}

Session::~Session() {
  // Jobs still waiting for shared backends outlive the session; they must not reach it.
  for (const JobPtr& j : jobs_) {
    j->notify = nullptr;
    j->pin = nullptr;
  }
  for (auto& [addr, p] : pins_) {
    p.scope.reset();  // stops the connection's task before the connection goes
  }
  drop_subscriptions();
}

Backend& Session::to(const rt::Endpoint& addr) {
  const std::string key = addr.to_string();
  auto it = pins_.find(key);
  if (it == pins_.end()) {
    Pinned p;
    p.conn = proxy_.make_backend(addr, protocol_);
    p.scope = std::make_unique<rt::Scope>(proxy_.env().exec);
    p.scope->spawn(p.conn->run());
    it = pins_.emplace(key, std::move(p)).first;
  }
  return *it->second.conn;
}

rt::Task<void> Session::run() {
  co_await rt::when_any(proxy_.env().exec, read_loop(), write_loop());
  stream_->close();
}

bool Session::full() const {
  return jobs_.size() >= proxy_.config().max_pipeline || pending_bytes_ >= proxy_.config().max_pipeline_bytes;
}

void Session::push(JobPtr job) {
  job->notify = &job_done_;
  jobs_.push_back(std::move(job));
  if (jobs_.back()->done) {
    job_done_.set();
  }
}

void Session::push_done(std::string reply, bool close_after) {
  auto job = std::make_shared<Job>();
  job->close_after = close_after;
  job->finish(std::move(reply));
  push(std::move(job));
}

rt::Task<void> Session::read_loop() {
  resp::IoBuf in;
  resp::RequestParser parser;
  parser.set_authenticated(authenticated_);
  for (;;) {
    if (stop_reading_) {
      rt::Event never(proxy_.env().exec);
      co_await never.wait();  // the writer ends the session
    }
    // Backpressure: a client with this much unanswered waits before sending more.
    while (full()) {
      room_.reset();
      co_await room_.wait();
    }
    in.shrink_if_idle(1024 * 1024);
    auto tail = in.tail(std::max(kReadChunk, std::min<size_t>(parser.want(), 64 * 1024 * 1024)));
    rt::Result<size_t> n = size_t{0};
    if (proxy_.config().idle_timeout_s > 0) {
      n = co_await rt::with_timeout(proxy_.env().exec, std::chrono::seconds(proxy_.config().idle_timeout_s),
                                    stream_->read(tail));
    } else {
      n = co_await stream_->read(tail);
    }
    if (!n.ok() || *n == 0) {
      // The client closed (or shut down its writing side, as `redis-cli < file` does): the replies of what
      // it sent are still written.
      input_closed_ = true;
      job_done_.set();
      rt::Event never(proxy_.env().exec);
      co_await never.wait();
    }
    in.commit(*n);
    const rt::MonoTime arrived = proxy_.env().clock.mono();  // one clock read per read, not per command
    while (!stop_reading_ && !full()) {
      resp::ParseResult r = parser.parse(in.data());
      if (r.error()) {
        push_done(error("ERR " + std::string(parser.error_message())), true);
        stop_reading_ = true;
        break;
      }
      if (!r.ok()) {
        break;
      }
      // The request's own bytes go to the backend when they are a multibulk (inline commands are encoded).
      const std::string_view raw = in.data().substr(0, r.consumed);
      last_spec_ = nullptr;
      handle(parser.args(), !raw.empty() && raw[0] == '*' ? raw : std::string_view());
      jobs_.back()->request_bytes = r.consumed;
      jobs_.back()->spec = last_spec_;
      jobs_.back()->arrived = arrived;
      pending_bytes_ += r.consumed;
      in.consume(r.consumed);
      parser.set_authenticated(authenticated_);
    }
  }
}

rt::Task<void> Session::write_loop() {
  std::string out;
  for (;;) {
    bool close = false;
    size_t popped = 0;
    const rt::MonoTime now =
        !jobs_.empty() && jobs_.front()->done ? proxy_.env().clock.mono() : rt::MonoTime{};
    while (!jobs_.empty() && jobs_.front()->done) {
      JobPtr& j = jobs_.front();
      const bool failed = !j->reply.empty() && j->reply[0] == '-';
      if (failed) {
        proxy_.stats().errors.add();
      }
      if (j->spec != nullptr) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - j->arrived).count();
        proxy_.command_stats().record(j->spec, static_cast<uint64_t>(std::max<int64_t>(0, us)), failed);
      }
      out.append(j->reply);
      close = j->close_after;
      j->notify = nullptr;
      pending_bytes_ -= j->request_bytes;
      jobs_.pop_front();
      ++popped;
      if (close) {
        break;
      }
    }
    if (popped > 0) {
      room_.set();
    }
    if (!pushes_.empty()) {
      out.append(pushes_);  // published messages, between whole replies
      pushes_.clear();
    }
    if (!out.empty()) {
      if (!(co_await rt::write_all(*stream_, out)).ok()) {
        co_return;
      }
      out.clear();
      if (out.capacity() > 1024 * 1024) {
        std::string().swap(out);
      }
    }
    if (close || (input_closed_ && jobs_.empty())) {
      co_return;
    }
    if ((!jobs_.empty() && jobs_.front()->done) || !pushes_.empty()) {
      continue;
    }
    job_done_.reset();
    co_await job_done_.wait();
    pump();  // a finished barrier lets held commands start
  }
}

void Session::handle(std::span<const std::string_view> argv, std::string_view raw) {
  proxy_.stats().commands.add();
  const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
  std::string err;
  if (spec == nullptr) {
    err = cmd::unknown_command_error(argv);
  } else if (spec->is_container() && argv.size() >= 2) {
    const cmd::CommandSpec* sub = cmd::lookup_subcommand(*spec, argv[1]);
    if (sub == nullptr) {
      err = cmd::unknown_subcommand_error(*spec, argv[1]);
    } else {
      spec = sub;
    }
  }
  if (err.empty() && !cmd::check_arity(*spec, argv.size())) {
    err = cmd::arity_error(*spec);
  }
  if (!err.empty()) {
    tx_failed_ = tx_failed_ || in_multi_;  // as Redis: EXEC then answers EXECABORT
    push_done(error(err));
    return;
  }
  const std::string_view name = spec->name;
  last_spec_ = spec;
  if (!authenticated_ && name != "auth" && name != "hello" && name != "quit") {
    push_done(error("NOAUTH Authentication required."));
    return;
  }
  if (protocol_ == 2 && subscriptions() + shards_.size() > 0 && !allowed_while_subscribed(name)) {
    push_done(
        error("ERR Can't execute '" + std::string(name) +
              "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
    return;
  }
  if (protocol_ == 2 && name == "ping" && subscriptions() + shards_.size() > 0) {
    push_done("*2\r\n$4\r\npong\r\n" +
              (argv.size() > 1 ? "$" + std::to_string(argv[1].size()) + "\r\n" + std::string(argv[1]) + "\r\n"
                               : std::string("$0\r\n\r\n")));
    return;
  }
  if (name == "copy") {
    // The proxy serves database 0 only (as for MOVE and SWAPDB): a copy into another database of one
    // backend would be a key no client of the proxy can reach.
    if (const std::string_view db = copy_to_other_db(argv); !db.empty()) {
      tx_failed_ = tx_failed_ || in_multi_;
      push_done(error("ERR command 'copy' with DB " + std::string(db) +
                      " is not supported by codis-proxy: the proxy serves database 0 only"));
      return;
    }
  }
  if (in_multi_ && !is_transaction_command(name)) {
    queue_in_transaction(argv, *spec);
    return;
  }
  if (transaction(argv, *spec) || (spec->group == "pubsub" && pubsub(argv, name))) {
    return;
  }
  auto job = std::make_shared<Job>();
  if (local(argv, *spec, *job)) {
    push(std::move(job));
    return;
  }
  if (name == "keys" || name == "scan" || name == "randomkey") {
    fan_out(argv, name);
    return;
  }
  const bool to_any = name == "command" || name.starts_with("command|");
  if (spec->policy.route == cmd::Route::kRefused ||
      (spec->policy.route == cmd::Route::kProxyLocal && !to_any)) {
    const std::string why =
        spec->policy.route == cmd::Route::kRefused ? std::string(spec->policy.reason) : "not implemented yet";
    push_done(error("ERR command '" + std::string(name) + "' is not supported by codis-proxy: " + why));
    return;
  }
  job = route(argv, *spec, proxy_.table(), raw);
  job->readonly = spec->has(cmd::flag::kReadonly) && !spec->has(cmd::flag::kWrite);
  job->protocol = protocol_;
  bool blocks = spec->has(cmd::flag::kBlocking);
  if (name == "xread" || name == "xreadgroup") {
    for (size_t i = 1; i < argv.size() && !blocks; ++i) {
      blocks = cmd::iequals(argv[i], "block");
    }
  }
  if (blocks) {
    // A blocking command waits on a connection of this client's own, never on one other clients share.
    job->pinned = true;
    job->pin = this;
  }
  push(job);
  if (!job->done) {
    launch_shared(job);
  }
}

// ---- the order in which a client's commands run ----

void Session::launch_shared(const JobPtr& job) {
  if (held_.empty() && barrier_ == nullptr && !job->pinned) {
    proxy_.start(job);  // the common case: nothing to wait behind
    return;
  }
  launch(job, [this, job] { proxy_.start(job); });
}

void Session::launch(const JobPtr& job, std::function<void()> go) {
  held_.push_back(Held{job, std::move(go)});
  pump();
}

void Session::pump() {
  // Commands on shared connections to different servers run in parallel, as Codis runs them. A command on
  // the client's own connection (a blocking pop, WATCH, a watched EXEC) is a barrier: it starts once every
  // earlier command is done, and later ones start once it is done, so the client's commands keep their
  // order around it (BLPOP then SET: the SET runs after the pop returns).
  while (!held_.empty()) {
    if (barrier_ && !barrier_->done) {
      return;
    }
    barrier_ = nullptr;
    Held& next = held_.front();
    if (next.job->pinned) {
      for (const JobPtr& j : jobs_) {
        if (j == next.job) {
          break;
        }
        if (!j->done) {
          return;  // an earlier command is still running
        }
      }
      barrier_ = next.job;
    }
    auto go = std::move(next.go);
    held_.pop_front();
    go();
  }
}

// ---- transactions ----

bool Session::transaction(std::span<const std::string_view> argv, const cmd::CommandSpec& spec) {
  const std::string_view name = spec.name;
  if (name == "multi") {
    if (in_multi_) {
      push_done(error("ERR MULTI calls can not be nested"));
    } else {
      in_multi_ = true;
      push_done("+OK\r\n");
    }
    return true;
  }
  if (name == "exec") {
    exec();
    return true;
  }
  if (name == "discard") {
    if (!in_multi_) {
      push_done(error("ERR DISCARD without MULTI"));
      return true;
    }
    end_transaction_and_unwatch("+OK\r\n");  // DISCARD forgets the watched keys too
    return true;
  }
  if (name == "reset") {
    // Back to a fresh connection's state.
    drop_subscriptions();
    protocol_ = 2;
    name_.clear();
    authenticated_ = proxy_.config().password.empty();
    end_transaction_and_unwatch("+RESET\r\n");
    return true;
  }
  if (name == "watch") {
    if (in_multi_) {
      push_done(error("ERR WATCH inside MULTI is not allowed"));
    } else {
      watch(argv, spec);
    }
    return true;
  }
  if (name == "unwatch") {
    end_transaction_and_unwatch("+OK\r\n");  // outside MULTI: only the WATCH ends
    return true;
  }
  return false;
}

void Session::queue_in_transaction(std::span<const std::string_view> argv, const cmd::CommandSpec& spec) {
  const cmd::Route route = spec.policy.route;
  const std::string_view name = spec.name;
  const bool server_can_run = route == cmd::Route::kSingleSlot || route == cmd::Route::kSplitByKey ||
                              route == cmd::Route::kAnyGroup || name == "ping" || name == "echo";
  if (!server_can_run) {
    tx_failed_ = true;
    push_done(
        error("ERR codis-proxy: '" + std::string(name) +
              "' cannot be part of a transaction through the proxy (a transaction runs on one server)"));
    return;
  }
  // A malformed key list (ZDIFF -1 k) is queued as Redis queues it (Redis checks only the arity then): the
  // server replies the command's own error inside EXEC's reply and runs the rest. It binds the transaction
  // to the slot of the keys that can still be found (PFMERGE dest), if any.
  std::string malformed;
  const int32_t slot = slot_of_keys(spec, argv, malformed);
  const int32_t bound = tx_slot_ >= 0 ? tx_slot_ : (watching_ ? watch_slot_ : -1);
  if (slot == -2 || (slot >= 0 && bound >= 0 && slot != bound)) {
    tx_failed_ = true;
    push_done(
        error("ERR codis-proxy: a transaction runs on one server, so all its keys (and WATCHed keys) must "
              "hash to one slot; this command's keys " +
              (slot == -2 ? std::string("span slots") : "are in slot " + std::to_string(slot)) +
              (bound >= 0 ? ", the transaction's in slot " + std::to_string(bound) : std::string())));
    return;
  }
  if (slot >= 0) {
    tx_slot_ = slot;
  }
  tx_.push_back(encode_request(argv));
  push_done("+QUEUED\r\n");
}

void Session::exec() {
  if (!in_multi_) {
    push_done(error("ERR EXEC without MULTI"));
    return;
  }
  if (tx_failed_) {
    push_done(error("EXECABORT Transaction discarded because of previous errors."));
    end_transaction();
    return;
  }
  if (tx_.empty() && !watching_) {
    push_done("*0\r\n");
    end_transaction();
    return;
  }
  auto job = std::make_shared<Job>();
  job->calls.resize(1);
  Call& c = job->calls[0];
  c.wire.append(kMulti);
  for (const std::string& w : tx_) {
    c.wire.append(w);
  }
  c.wire.append(kExec);
  c.extra_replies = static_cast<uint32_t>(tx_.size() + 1);
  c.slot = tx_slot_;
  job->calls_left = 1;
  job->protocol = protocol_;
  const bool watched = watching_;
  const rt::Endpoint addr = watch_addr_;
  end_transaction();
  push(job);
  if (watched) {
    // The EXEC must run where, and on the connection where, WATCH ran; a redirect means it did not run.
    job->pinned = true;
    job->pin = this;
    job->follow_redirects = false;
    launch(job, [this, job, addr] {
      job->calls[0].need_connection = watch_connection_;
      to(addr).send(job, 0, false);
    });
  } else {
    launch_shared(job);
  }
}

void Session::end_transaction_and_unwatch(std::string reply) {
  const bool was_watching = watching_;
  const rt::Endpoint addr = watch_addr_;
  end_transaction();
  if (!was_watching) {
    push_done(std::move(reply));
    return;
  }
  // The server holding the watched keys hears UNWATCH on the connection that ran WATCH; the client gets
  // `reply` once it is done.
  auto job = std::make_shared<Job>();
  job->calls.resize(1);
  job->calls[0].wire = std::string(kUnwatch);
  job->calls_left = 1;
  job->merge_fn = [reply](const Job&) { return reply; };
  job->pinned = true;
  job->pin = this;
  push(job);
  launch(job, [this, job, addr] { to(addr).send(job, 0, false); });
}

void Session::end_transaction() {
  in_multi_ = false;
  tx_.clear();
  tx_slot_ = -1;
  tx_failed_ = false;
  watching_ = false;  // EXEC and DISCARD end WATCH too
  watch_slot_ = -1;
}

void Session::watch(std::span<const std::string_view> argv, const cmd::CommandSpec& spec) {
  std::string err;
  const int32_t slot = slot_of_keys(spec, argv, err);
  if (!err.empty()) {
    push_done(error(err));
    return;
  }
  if (slot == -2 || (watching_ && slot != watch_slot_)) {
    push_done(
        error("ERR codis-proxy: WATCHed keys must all hash to one slot (the transaction runs on one "
              "server)"));
    return;
  }
  const rt::Endpoint* owner = proxy_.owner_of(static_cast<uint32_t>(slot));
  if (owner == nullptr) {
    push_done(error("ERR slot " + std::to_string(slot) + " is not served"));
    return;
  }
  if (watching_ && !(*owner == watch_addr_)) {
    push_done(error("ERR codis-proxy: the slot of the WATCHed keys moved; UNWATCH and start again"));
    return;
  }
  auto job = std::make_shared<Job>();
  job->calls.resize(1);
  job->calls[0].wire = encode_request(argv);
  job->calls[0].slot = slot;
  job->calls_left = 1;
  job->pinned = true;
  job->pin = this;
  job->follow_redirects = false;
  job->protocol = protocol_;
  const bool first = !watching_;
  watching_ = true;
  watch_slot_ = slot;
  watch_addr_ = *owner;
  push(job);
  launch(job, [this, job, first, addr = *owner] {
    Backend& b = to(addr);
    if (first) {
      watch_connection_ = b.connection_for_send();  // the EXEC must go out on this very connection
    }
    job->calls[0].need_connection = watch_connection_;
    b.send(job, 0, false);
  });
}

// ---- commands over every group ----

void Session::fan_out(std::span<const std::string_view> argv, std::string_view name) {
  const RoutingTable& table = proxy_.table();
  if (table.groups().empty()) {
    push_done(error("ERR codis-proxy: no groups are configured"));
    return;
  }
  auto job = std::make_shared<Job>();
  job->protocol = protocol_;
  job->readonly = true;
  if (name == "scan") {
    // The client's cursor is (server cursor << 8) | group index (groups in id order): each group is walked
    // to its end in turn, so a full iteration returns every key once while nothing moves.
    // The cursor is read as Redis reads it (so -1 is 2^64 - 1, and 2^64 is invalid).
    uint64_t cursor = 0;
    const size_t ngroups = table.groups().size();
    if (!cmd::parse_scan_cursor(argv[1], &cursor) || ngroups > 256) {
      push_done(error("ERR invalid cursor"));
      return;
    }
    const size_t gi = cursor & 0xFF;
    // A cursor naming no group (-1, say) ends the walk: Redis answers any cursor with a page and the next
    // cursor, and a walk from such a cursor promises nothing. The first group still checks the options.
    const bool past_end = gi >= ngroups;
    auto it = table.groups().begin();
    std::advance(it, past_end ? 0 : static_cast<long>(gi));
    std::vector<std::string_view> args(argv.begin(), argv.end());
    const std::string server_cursor = std::to_string(cursor >> 8);
    args[1] = server_cursor;
    Call c;
    c.wire = encode_request(args);
    c.group = it->first;
    job->calls.push_back(std::move(c));
    job->merge_fn = [gi, ngroups, past_end](const Job& j) -> std::string {
      const std::string& r = j.calls[0].reply;
      std::vector<std::string_view> parts;
      if (!r.empty() && r[0] == '-') {
        return r;
      }
      if (past_end) {
        return "*2\r\n$1\r\n0\r\n*0\r\n";
      }
      uint64_t next = 0;
      if (!split_array(r, parts) || parts.size() != 2 || parts[0].size() < 4 || parts[0][0] != '$') {
        return "-ERR codis-proxy: unexpected SCAN reply from a backend\r\n";
      }
      const std::string_view digits = parts[0].substr(parts[0].find("\r\n") + 2);
      auto [q, e] = std::from_chars(digits.data(), digits.data() + digits.size() - 2, next);
      if (e != std::errc() || next >= (uint64_t{1} << 56)) {
        return "-ERR codis-proxy: a backend's SCAN cursor does not fit the proxy's cursor\r\n";
      }
      uint64_t out = 0;
      if (next != 0) {
        out = (next << 8) | gi;
      } else if (gi + 1 < ngroups) {
        out = gi + 1;
      }
      const std::string cur = std::to_string(out);
      return "*2\r\n$" + std::to_string(cur.size()) + "\r\n" + cur + "\r\n" + std::string(parts[1]);
    };
  } else {
    const std::string wire = encode_request(argv);
    for (const auto& [id, g] : table.groups()) {
      Call c;
      c.wire = wire;
      c.group = id;
      job->calls.push_back(std::move(c));
    }
    if (name == "keys") {
      job->merge_fn = concat_arrays;
    } else {
      // RANDOMKEY: a random key of a random group that has one.
      const uint64_t pick = proxy_.env().random.next_u64();
      job->merge_fn = [pick](const Job& j) -> std::string {
        std::vector<const std::string*> found;
        for (const Call& c : j.calls) {
          if (!c.reply.empty() && c.reply[0] == '-') {
            return c.reply;
          }
          if (!c.reply.empty() && c.reply[0] == '$' && c.reply[1] != '-') {
            found.push_back(&c.reply);
          }
        }
        return found.empty() ? j.calls[0].reply : *found[pick % found.size()];
      };
    }
  }
  job->calls_left = job->calls.size();
  push(job);
  launch_shared(job);
}

}  // namespace codis::proxy
