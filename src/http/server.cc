#include "http/server.h"

#include <array>
#include <utility>

#include "rt/combinators.h"
#include "rt/scope.h"
#include "rt/sleep.h"

namespace codis::http {

namespace {

constexpr size_t kReadSize = 16 * 1024;

// A read bounded by the idle timeout (none when it is 0); a cancelled read consumed nothing (rt/net.h).
rt::Task<rt::Result<size_t>> read_some(rt::Env& env, rt::Stream& s, std::span<char> buf, rt::Duration idle) {
  if (idle <= rt::Duration::zero()) co_return co_await s.read(buf);
  co_return co_await rt::with_timeout(env.exec, idle, s.read(buf));
}

rt::Task<rt::Result<void>> write_out(rt::Env& env, rt::Stream& s, std::string_view data, rt::Duration idle) {
  if (idle <= rt::Duration::zero()) co_return co_await rt::write_all(s, data);
  co_return co_await rt::with_timeout(env.exec, idle, rt::write_all(s, data));
}

// Reads and drops input until the client closes (or resets) its side.
rt::Task<void> drain(rt::Stream& s) {
  std::array<char, 4096> buf;
  for (;;) {
    auto r = co_await s.read(buf);
    if (!r.ok() || *r == 0) co_return;
  }
}

}  // namespace

rt::Task<void> serve_connection(rt::Env& env, rt::StreamPtr stream, const Router& router,
                                ServerOptions options) {
  Session session(router, options.limits);
  std::array<char, kReadSize> buf;
  bool clean = false;  // the last response is out and we stop reading: close politely
  for (;;) {
    auto r = co_await read_some(env, *stream, buf, options.idle_timeout);
    if (!r.ok() || *r == 0) break;  // gone, reset, or idle too long
    session.feed(std::string_view(buf.data(), *r));
    if (!session.output().empty()) {
      auto w = co_await write_out(env, *stream, session.output(), options.idle_timeout);
      if (!w.ok()) break;
      session.output().clear();
    }
    if (session.closing()) {
      clean = true;
      break;
    }
  }
  if (clean) {
    stream->shutdown_write();
    if (options.linger > rt::Duration::zero()) {
      (void)co_await rt::with_timeout(env.exec, options.linger, drain(*stream));
    }
  }
  stream->close();
}

rt::Task<void> serve(rt::Env& env, rt::Listener& listener, const Router& router, ServerOptions options) {
  rt::Scope connections(env.exec);
  for (;;) {
    auto s = co_await listener.accept();
    if (!s.ok()) {
      if (s.error() == rt::Errc::kCancelled) co_return;
      co_await rt::sleep_for(env.exec,
                             rt::milliseconds(10));  // out of descriptors: the error repeats at once
      continue;
    }
    connections.spawn(serve_connection(env, std::move(*s), router, options));
  }
}

}  // namespace codis::http
