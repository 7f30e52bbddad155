#include "proxy/subscriber.h"

#include "proxy/router.h"
#include "resp/io_buf.h"
#include "resp/reply_parser.h"
#include "rt/combinators.h"
#include "rt/sleep.h"

namespace codis::proxy {

std::string_view nth_bulk(std::string_view frame, size_t n) {
  // Skips the aggregate header, then n bulk strings.
  size_t pos = frame.find("\r\n");
  for (size_t i = 0; pos != std::string_view::npos; ++i) {
    pos += 2;
    if (pos >= frame.size() || frame[pos] != '$') {
      return {};
    }
    const size_t eol = frame.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      return {};
    }
    const long len = std::strtol(std::string(frame.substr(pos + 1, eol - pos - 1)).c_str(), nullptr, 10);
    if (len < 0 || eol + 2 + static_cast<size_t>(len) > frame.size()) {
      return {};
    }
    if (i == n) {
      return frame.substr(eol + 2, static_cast<size_t>(len));
    }
    pos = eol + 2 + static_cast<size_t>(len);
  }
  return {};
}

Subscriber::Subscriber(rt::Env& env, rt::Endpoint addr, std::string password, int protocol, PushFn on_push,
                       ConfirmFn on_confirm)
    : env_(env),
      addr_(std::move(addr)),
      password_(std::move(password)),
      protocol_(protocol),
      on_push_(std::move(on_push)),
      on_confirm_(std::move(on_confirm)),
      out_(env.exec) {}

std::set<std::string>& Subscriber::set_of(Kind kind) {
  return kind == Kind::kChannel ? channels_ : kind == Kind::kPattern ? patterns_ : shards_;
}

void Subscriber::queue(std::string_view verb, const std::string& name) {
  const std::string_view argv[] = {verb, name};
  out_.append(encode_request(argv));
}

bool Subscriber::subscribe(Kind kind, const std::string& name) {
  if (!set_of(kind).insert(name).second) {
    return false;
  }
  if (connected_) {
    queue(kind == Kind::kChannel ? "SUBSCRIBE" : kind == Kind::kPattern ? "PSUBSCRIBE" : "SSUBSCRIBE", name);
  }
  return true;  // sent now, or with the others when the connection is (re)made
}

bool Subscriber::unsubscribe(Kind kind, const std::string& name) {
  if (set_of(kind).erase(name) == 0 || !connected_) {
    return false;  // not held here, or the next connection simply will not subscribe it
  }
  queue(kind == Kind::kChannel   ? "UNSUBSCRIBE"
        : kind == Kind::kPattern ? "PUNSUBSCRIBE"
                                 : "SUNSUBSCRIBE",
        name);
  return true;
}

rt::Task<void> Subscriber::writer(rt::Stream& s) {
  return out_.write_loop(s, [] {});
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
      const std::string_view kind = nth_bulk(frame, 0);
      if (kind == "message" || kind == "pmessage" || kind == "smessage") {
        on_push_(frame);
      } else if (kind == "subscribe" || kind == "psubscribe" || kind == "ssubscribe" ||
                 kind == "unsubscribe" || kind == "punsubscribe" || kind == "sunsubscribe") {
        on_confirm_(kind, nth_bulk(frame, 1));
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
      out_.kick();
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
