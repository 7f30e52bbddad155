#include "proxy/backend.h"

#include <algorithm>

#include "resp/reply_parser.h"
#include "rt/combinators.h"
#include "rt/sleep.h"

namespace codis::proxy {

namespace {

constexpr std::string_view kAsking = "*1\r\n$6\r\nASKING\r\n";
constexpr size_t kReadChunk = 16 * 1024;

std::string multibulk(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out.append(a);
    out += "\r\n";
  }
  return out;
}

}  // namespace

Backend::Backend(rt::Env& env, rt::Endpoint addr, Options o, ReplyFn on_reply, FailFn on_fail)
    : env_(env),
      addr_(std::move(addr)),
      opts_(std::move(o)),
      on_reply_(std::move(on_reply)),
      on_fail_(std::move(on_fail)),
      out_(env.exec) {}

void Backend::send(const JobPtr& job, size_t call, bool asking) {
  if (down_) {
    on_fail_(job, call, false, last_error_);
    return;
  }
  const uint64_t need = job->calls[call].need_connection;
  if (need != 0 && need != connection_for_send()) {
    on_fail_(job, call, false,
             "the backend connection that ran WATCH was lost, so the transaction was not run");
    return;
  }
  if (asking) {
    out_.append(kAsking);
  }
  out_.append(job->calls[call].wire);
  queue_.push_back(
      Entry{job, call, asking, job->calls[call].fail_on_extra_error, job->calls[call].extra_replies, {}});
}

void Backend::fail_all(const std::string& why) {
  std::deque<Entry> q;
  q.swap(queue_);
  const size_t written = written_;
  written_ = 0;
  out_.clear();
  for (size_t i = 0; i < q.size(); ++i) {
    on_fail_(q[i].job, q[i].call, i < written, why);
  }
}

rt::Task<rt::Result<void>> Backend::authenticate(rt::Stream& s) {
  std::string auth;
  if (opts_.protocol == 3) {
    auth = opts_.password.empty() ? multibulk({"HELLO", "3"})
                                  : multibulk({"HELLO", "3", "AUTH", "default", opts_.password});
  } else if (!opts_.password.empty()) {
    auth = multibulk({"AUTH", opts_.password});
  } else {
    co_return rt::ok();
  }
  if (auto w = co_await rt::write_all(s, auth); !w.ok()) {
    co_return w.error();
  }
  resp::IoBuf in;
  resp::ReplyScanner scanner;
  for (;;) {
    auto n = co_await s.read(in.tail(512));
    if (!n.ok() || *n == 0) {
      last_error_ = "backend " + addr_.to_string() + " closed the connection during AUTH";
      co_return rt::Errc::kConnReset;
    }
    in.commit(*n);
    resp::ParseResult r = scanner.scan(in.data());
    if (r.error()) {
      last_error_ = "backend " + addr_.to_string() + " sent a malformed reply to AUTH";
      co_return rt::Errc::kIoError;
    }
    if (r.ok()) {
      std::string_view reply = in.data().substr(0, r.consumed);
      if (reply[0] == '-' || (opts_.protocol == 2 && reply != "+OK\r\n")) {
        // -WRONGPASS..., -ERR AUTH <password> called without any password configured...
        last_error_ = "backend " + addr_.to_string() +
                      " refused the proxy's password: " + std::string(reply.substr(1, reply.size() - 3));
        co_return rt::Errc::kInvalidArgument;
      }
      co_return rt::ok();
    }
  }
}

rt::Task<void> Backend::writer(rt::Stream& s) {
  // From the moment a batch is taken, the outcome of its requests is unknown if the connection breaks.
  return out_.write_loop(s, [this] { written_ = queue_.size(); });
}

rt::Task<void> Backend::reader(rt::Stream& s) {
  resp::IoBuf in;
  resp::ReplyScanner scanner;
  for (;;) {
    in.shrink_if_idle(1024 * 1024);
    auto n = co_await s.read(in.tail(std::max(kReadChunk, std::min<size_t>(scanner.want(), 64 << 20))));
    if (!n.ok() || *n == 0) {
      last_error_ = "backend " + addr_.to_string() + " closed the connection";
      co_return;
    }
    in.commit(*n);
    for (;;) {
      resp::ParseResult r = scanner.scan(in.data());
      if (r.error()) {
        last_error_ = "backend " + addr_.to_string() + " sent a malformed reply";
        co_return;
      }
      if (!r.ok()) {
        break;
      }
      const std::string_view reply = in.data().substr(0, r.consumed);
      if (queue_.empty()) {
        last_error_ = "backend " + addr_.to_string() + " sent a reply nobody asked for";
        co_return;
      }
      Entry& front = queue_.front();
      if (front.asking) {
        front.asking = false;  // ASKING's own +OK (or error: the command's reply will say what matters)
      } else if (front.extra > 0) {
        --front.extra;
        if (front.redirect.empty() &&
            ((front.fail_on_error && reply.starts_with("-")) || reply.starts_with("-MOVED ") ||
             reply.starts_with("-ASK ") || reply.starts_with("-TRYAGAIN"))) {
          front.redirect = std::string(reply);
        }
      } else {
        Entry e = std::move(front);
        queue_.pop_front();
        if (written_ > 0) {
          --written_;
        }
        on_reply_(e.job, e.call, e.redirect.empty() ? reply : std::string_view(e.redirect));
      }
      in.consume(r.consumed);
    }
  }
}

rt::Task<void> Backend::run() {
  rt::Duration backoff = opts_.min_backoff;
  for (;;) {
    auto s = co_await env_.net.connect(addr_, opts_.connect_timeout);
    if (s.ok()) {
      auto a = co_await authenticate(**s);
      if (a.ok()) {
        ++connects_;
        connected_ = true;
        down_ = false;
        backoff = opts_.min_backoff;
        out_.kick();
        co_await rt::when_any(env_.exec, reader(**s), writer(**s));
        connected_ = false;
        (*s)->close();
        fail_all(last_error_.empty() ? "backend " + addr_.to_string() + " connection lost" : last_error_);
        continue;  // one immediate attempt; backoff only when that fails
      }
    } else {
      last_error_ =
          "backend " + addr_.to_string() + " is unreachable: " + std::string(rt::errc_name(s.error()));
    }
    // Unreachable or refusing: calls fail at once (unsent) until the next attempt.
    down_ = true;
    fail_all(last_error_);
    co_await rt::sleep_for(env_.exec, backoff);
    backoff = std::min(backoff * 2, opts_.max_backoff);
  }
}

}  // namespace codis::proxy
