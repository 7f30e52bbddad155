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
#include "resp/reply_writer.h"
#include "resp/request_parser.h"
#include "rt/combinators.h"

namespace codis::proxy {

namespace {

constexpr size_t kReadChunk = 16 * 1024;

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
      room_(proxy.env().exec) {
  proxy_.add_session(this);
}

Session::~Session() {
  proxy_.remove_session(this);
  // Jobs still waiting for shared backends outlive the session; they must not reach it.
  for (const JobPtr& j : jobs_) {
    j->notify = nullptr;
    j->reply_bytes = nullptr;
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
  return jobs_.size() >= proxy_.config().max_pipeline ||
         pending_bytes_ + reply_bytes_ >= proxy_.config().max_pipeline_bytes;
}

void Session::push(JobPtr job) {
  job->notify = &job_done_;
  job->reply_bytes = &reply_bytes_;
  if (job->done) {
    reply_bytes_ += job->reply.size();
  }
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
        push_done(resp::error_reply("ERR " + std::string(parser.error_message())), true);
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
        if (proxy_.slowlog().wants(us) && !j->spec->has(cmd::flag::kSkipSlowlog)) {
          proxy_.slowlog().record(*j, us, stream_->peer().to_string(), name_,
                                  rt::unix_ms(proxy_.env().clock.wall()) / 1000);
        }
      }
      out.append(j->reply);
      close = j->close_after;
      j->notify = nullptr;
      pending_bytes_ -= j->request_bytes;
      reply_bytes_ -= j->reply.size();
      j->reply_bytes = nullptr;
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
      writing_bytes_ = out.size();
      if (!(co_await rt::write_all(*stream_, out)).ok()) {
        co_return;
      }
      writing_bytes_ = 0;
      out.clear();
      if (out.capacity() > 1024 * 1024) {
        std::string().swap(out);
      }
    }
    if (close || (input_closed_ && jobs_.empty())) {
      co_return;
    }
    // A barrier that finished while this loop was writing set job_done_ then: its held commands start here,
    // or the reset below would lose that and they would never start.
    pump();
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
    push_done(resp::error_reply(err));
    return;
  }
  const std::string_view name = spec->name;
  last_spec_ = spec;
  if (!authenticated_ && name != "auth" && name != "hello" && name != "quit") {
    push_done(resp::error_reply("NOAUTH Authentication required."));
    return;
  }
  if (protocol_ == 2 && subscriptions() + shards_.size() > 0 && !allowed_while_subscribed(name)) {
    push_done(resp::error_reply(
        "ERR Can't execute '" + std::string(name) +
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
      push_done(resp::error_reply("ERR command 'copy' with DB " + std::string(db) +
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
    push_done(
        resp::error_reply("ERR command '" + std::string(name) + "' is not supported by codis-proxy: " + why));
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

}  // namespace codis::proxy
