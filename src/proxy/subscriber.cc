#include "proxy/subscriber.h"

#include "proxy/router.h"
#include "resp/io_buf.h"
#include "resp/reply_parser.h"
#include "rt/combinators.h"
#include "rt/sleep.h"

namespace codis::proxy {

namespace {

// The first element of a push or array frame ("message", "subscribe", ...), or "" when there is none.
std::string_view kind_of(std::string_view frame) {
  if (frame.empty() || (frame[0] != '*' && frame[0] != '>')) {
    return {};
  }
  const size_t eol = frame.find("\r\n");
  if (eol == std::string_view::npos || eol + 2 >= frame.size() || frame[eol + 2] != '$') {
    return {};
  }
  const size_t len_end = frame.find("\r\n", eol + 2);
  if (len_end == std::string_view::npos) {
    return {};
  }
  const size_t n = static_cast<size_t>(
      std::strtoul(std::string(frame.substr(eol + 3, len_end - eol - 3)).c_str(), nullptr, 10));
  return frame.substr(len_end + 2, n);
}

}  // namespace

Subscriber::Subscriber(rt::Env& env, rt::Endpoint addr, std::string password, int protocol, PushFn on_push)
    : env_(env),
      addr_(std::move(addr)),
      password_(std::move(password)),
      protocol_(protocol),
      on_push_(std::move(on_push)),
      out_ready_(env.exec) {}

std::set<std::string>& Subscriber::set_of(Kind kind) {
  return kind == Kind::kChannel ? channels_ : kind == Kind::kPattern ? patterns_ : shards_;
}

void Subscriber::queue(std::string_view verb, const std::string& name) {
  const std::string_view argv[] = {verb, name};
  out_.append(encode_request(argv));
  out_ready_.set();
}

void Subscriber::subscribe(Kind kind, const std::string& name) {
  if (set_of(kind).insert(name).second && connected_) {
    queue(kind == Kind::kChannel ? "SUBSCRIBE" : kind == Kind::kPattern ? "PSUBSCRIBE" : "SSUBSCRIBE", name);
  }
}

void Subscriber::unsubscribe(Kind kind, const std::string& name) {
  if (set_of(kind).erase(name) > 0 && connected_) {
    queue(kind == Kind::kChannel   ? "UNSUBSCRIBE"
          : kind == Kind::kPattern ? "PUNSUBSCRIBE"
                                   : "SUNSUBSCRIBE",
          name);
  }
}

rt::Task<void> Subscriber::writer(rt::Stream& s) {
  std::string sending;
  for (;;) {
    while (out_.empty()) {
      out_ready_.reset();
      co_await out_ready_.wait();
    }
    sending.swap(out_);
    out_.clear();
    if (!(co_await rt::write_all(s, sending)).ok()) {
      co_return;
    }
    sending.clear();
  }
}

rt::Task<void> Subscriber::reader(rt::Stream& s) {
  resp::IoBuf in;
  resp::ReplyScanner scanner;
  for (;;) {
    auto n = co_await s.read(in.tail(16 * 1024));
    if (!n.ok() || *n == 0) {
      co_return;
    }
    in.commit(*n);
    for (;;) {
      resp::ParseResult r = scanner.scan(in.data());
      if (r.error()) {
        co_return;
      }
      if (!r.ok()) {
        break;
      }
      const std::string_view frame = in.data().substr(0, r.consumed);
      const std::string_view kind = kind_of(frame);
      if (kind == "message" || kind == "pmessage" || kind == "smessage") {
        on_push_(frame);
      }
      in.consume(r.consumed);
    }
  }
}

rt::Task<void> Subscriber::run() {
  rt::Duration backoff = std::chrono::milliseconds(10);
  for (;;) {
    auto s = co_await env_.net.connect(addr_, std::chrono::seconds(1));
    if (s.ok()) {
      // Authentication and the protocol first, then every subscription this client holds here.
      out_.clear();
      if (protocol_ == 3 || !password_.empty()) {
        std::vector<std::string_view> hello = {"HELLO", protocol_ == 3 ? "3" : "2"};
        if (!password_.empty()) {
          hello.insert(hello.end(), {"AUTH", "default", password_});
        }
        out_.append(encode_request(hello));
      }
      connected_ = true;
      for (const auto& c : channels_) {
        queue("SUBSCRIBE", c);
      }
      for (const auto& p : patterns_) {
        queue("PSUBSCRIBE", p);
      }
      for (const auto& c : shards_) {
        queue("SSUBSCRIBE", c);
      }
      out_ready_.set();
      co_await rt::when_any(env_.exec, reader(**s), writer(**s));
      connected_ = false;
      (*s)->close();
      backoff = std::chrono::milliseconds(10);
    }
    co_await rt::sleep_for(env_.exec, backoff);
    backoff = std::min<rt::Duration>(backoff * 2, std::chrono::seconds(1));
  }
}

}  // namespace codis::proxy
