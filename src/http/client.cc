#include "http/client.h"

#include <array>
#include <utility>

#include "http/response_reader.h"
#include "http/wire.h"
#include "rt/combinators.h"

namespace codis::http {

namespace {

rt::Task<rt::Result<Response>> exchange(rt::Env& env, rt::Endpoint to, std::string wire, bool head,
                                        rt::Duration timeout) {
  auto c = co_await env.net.connect(to, timeout);
  if (!c.ok()) co_return c.error();
  rt::StreamPtr s = std::move(*c);
  auto w = co_await rt::write_all(*s, wire);
  if (!w.ok()) co_return w.error();

  ResponseReader reader(kMaxResponseBody);
  std::string in;
  std::array<char, 16 * 1024> buf;
  for (;;) {
    auto r = co_await s->read(buf);
    if (!r.ok()) co_return r.error();
    if (*r == 0) {
      auto last = reader.finish();
      if (!last.ok()) co_return last.error();
      if (!last->has_value() || (*last)->status < 200) co_return rt::Errc::kEof;
      co_return std::move(**last);
    }
    in.append(buf.data(), *r);
    for (;;) {
      auto got = reader.read(in, head);
      if (!got.ok()) co_return got.error();
      if (!got->has_value()) break;
      if ((*got)->status >= 200) co_return std::move(**got);
      // an interim 1xx response: the final one follows
    }
  }
}

}  // namespace

rt::Task<rt::Result<Response>> request(rt::Env& env, rt::Endpoint to, std::string method, std::string target,
                                       std::string body, Fields headers, rt::Duration timeout) {
  if (!find_header(headers, "Connection")) headers.emplace_back("Connection", "close");
  std::string wire;
  const std::string host = to.port == 80 ? to.host : to.to_string();
  auto ok = append_request(method, target, host, headers, body, wire);
  if (!ok.ok()) co_return ok.error();
  co_return co_await rt::with_timeout(
      env.exec, timeout, exchange(env, std::move(to), std::move(wire), method == "HEAD", timeout));
}

}  // namespace codis::http
