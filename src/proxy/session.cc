#include "proxy/session.h"

#include <algorithm>

#include "cmd/ascii.h"
#include "cmd/errors.h"
#include "cmd/table.h"
#include "proxy/proxy.h"
#include "proxy/router.h"
#include "resp/request_parser.h"
#include "rt/combinators.h"

namespace codis::proxy {

namespace {

constexpr size_t kReadChunk = 16 * 1024;

std::string error(std::string_view text) {
  return "-" + std::string(text) + "\r\n";
}

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

bool equals(std::string_view a, std::string_view lower) {
  return cmd::iequals(a, lower);
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
  // Jobs still waiting for backends outlive the session; they must not wake it.
  for (const JobPtr& j : jobs_) {
    j->notify = nullptr;
  }
}

rt::Task<void> Session::run() {
  co_await rt::when_any(proxy_.env().exec, read_loop(), write_loop());
  stream_->close();
}

bool Session::full() const {
  return jobs_.size() >= proxy_.config().max_pipeline || pending_bytes_ >= proxy_.config().max_pipeline_bytes;
}

void Session::push_done(std::string reply, bool close_after) {
  auto job = std::make_shared<Job>();
  job->close_after = close_after;
  job->finish(std::move(reply));
  jobs_.push_back(std::move(job));
  job_done_.set();
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
    // Backpressure: a client that has this many replies unwritten waits before sending more.
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
      handle(parser.args());
      jobs_.back()->request_bytes = r.consumed;
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
    while (!jobs_.empty() && jobs_.front()->done) {
      JobPtr& j = jobs_.front();
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
    if (!jobs_.empty() && jobs_.front()->done) {
      continue;
    }
    job_done_.reset();
    co_await job_done_.wait();
  }
}

void Session::handle(std::span<const std::string_view> argv) {
  ++proxy_.stats().commands;
  const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
  if (spec == nullptr) {
    push_done(error(cmd::unknown_command_error(argv)));
    return;
  }
  if (spec->is_container() && argv.size() >= 2) {
    const cmd::CommandSpec* sub = cmd::lookup_subcommand(*spec, argv[1]);
    if (sub == nullptr) {
      push_done(error(cmd::unknown_subcommand_error(*spec, argv[1])));
      return;
    }
    spec = sub;
  }
  if (!cmd::check_arity(*spec, argv.size())) {
    push_done(error(cmd::arity_error(*spec)));
    return;
  }
  if (!authenticated_ && !equals(argv[0], "auth") && !equals(argv[0], "hello") && !equals(argv[0], "quit")) {
    push_done(error("NOAUTH Authentication required."));
    return;
  }
  auto job = std::make_shared<Job>();
  if (local(argv, spec->name, *job)) {
    jobs_.push_back(std::move(job));
    job_done_.set();
    return;
  }
  const bool to_any = spec->name == "command" || spec->name.starts_with("command|");
  if (spec->policy.route == cmd::Route::kRefused ||
      (spec->policy.route == cmd::Route::kProxyLocal && !to_any)) {
    const std::string why =
        spec->policy.route == cmd::Route::kRefused ? std::string(spec->policy.reason) : "not implemented yet";
    push_done(error("ERR command '" + std::string(spec->name) + "' is not supported by codis-proxy: " + why));
    return;
  }
  if (spec->has(cmd::flag::kBlocking)) {
    // A blocking command would hold a backend connection that other clients share.
    push_done(error("ERR command '" + std::string(spec->name) +
                    "' is not supported by codis-proxy: blocking commands need a connection of their own, "
                    "which this proxy does not open yet"));
    return;
  }
  job = route(argv, *spec, proxy_.table());
  job->readonly = spec->has(cmd::flag::kReadonly) && !spec->has(cmd::flag::kWrite);
  job->started = proxy_.env().clock.mono();
  job->notify = &job_done_;
  jobs_.push_back(job);
  if (!job->done) {
    proxy_.start(job);
  } else {
    job_done_.set();
  }
}

bool Session::local(std::span<const std::string_view> argv, std::string_view name, Job& job) {
  auto reply = [&job](std::string r, bool close = false) {
    job.close_after = close;
    job.finish(std::move(r));
    return true;
  };
  if (name == "ping") {
    if (argv.size() > 2) {
      return reply(error(cmd::arity_error(*cmd::lookup("ping"))));
    }
    return reply(argv.size() == 2 ? bulk(argv[1]) : "+PONG\r\n");
  }
  if (name == "echo") {
    return reply(bulk(argv[1]));
  }
  if (name == "quit") {
    return reply("+OK\r\n", true);
  }
  if (name == "select") {
    if (argv[1] != "0") {
      return reply(error("ERR invalid DB index, codis-proxy serves DB 0 only"));
    }
    return reply("+OK\r\n");
  }
  if (name == "auth") {
    const std::string_view pass = argv.back();
    if (argv.size() > 3) {
      return reply(error("ERR syntax error"));
    }
    if (proxy_.config().password.empty()) {
      return reply(
          error("ERR AUTH <password> called without any password configured for the default user. "
                "Are you sure your configuration is correct?"));
    }
    if ((argv.size() == 3 && argv[1] != "default") || pass != proxy_.config().password) {
      return reply(error("WRONGPASS invalid username-password pair or user is disabled."));
    }
    authenticated_ = true;
    return reply("+OK\r\n");
  }
  if (name == "client|setname") {
    for (char ch : argv[2]) {
      if (ch < '!' || ch > '~') {
        return reply(error("ERR Client names cannot contain spaces, newlines or special characters."));
      }
    }
    name_ = std::string(argv[2]);
    return reply("+OK\r\n");
  }
  if (name == "client|getname") {
    return reply(name_.empty() ? "$-1\r\n" : bulk(name_));
  }
  if (name == "client|id") {
    return reply(":" + std::to_string(id_) + "\r\n");
  }
  if (name == "slotshashkey") {
    std::string r = "*" + std::to_string(argv.size() - 1) + "\r\n";
    for (size_t i = 1; i < argv.size(); ++i) {
      r += ":" + std::to_string(cmd::slot_of(argv[i])) + "\r\n";
    }
    return reply(r);
  }
  return false;
}

}  // namespace codis::proxy
