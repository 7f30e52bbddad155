#include "rt/asio/stream.h"

#include <utility>

#include "rt/asio/errors.h"
#include "rt/asio/op.h"
#include "rt/sleep.h"

namespace codis::rt::asio {

namespace {

using tcp = boost::asio::ip::tcp;

// A stream whose reads keep finding data never suspends; after this many in a row the next read yields
// once, so one busy connection cannot starve the others on its loop.
constexpr unsigned kMaxReadStreak = 16;

auto wait_ready(Executor& ex, const std::shared_ptr<Sock>& s, tcp::socket::wait_type w) {
  return async_op(ex, s,
                  [sock = s.get(), w](auto handler) { sock->socket.async_wait(w, std::move(handler)); });
}

// Like every Task these are lazy, so they hold what they use by value (the Sock, not the Stream): the Stream
// may be destroyed while they are suspended.
Task<Result<size_t>> read_task(Executor* ex, std::shared_ptr<Sock> s, std::span<char> buf) {
  if (s->streak >= kMaxReadStreak) {
    s->streak = 0;
    co_await yield(*ex);
  }
  for (;;) {
    if (s->closed) {
      co_return Errc::kCancelled;
    }
    if (s->reset) {
      co_return Errc::kConnReset;  // Linux reports a reset once, then end of stream; we keep saying reset
    }
    if (buf.empty()) {
      co_return size_t{0};
    }
    error_code ec;
    size_t n = s->socket.read_some(boost::asio::buffer(buf.data(), buf.size()), ec);
    if (!ec) {
      ++s->streak;
      co_return n;
    }
    if (ec == boost::asio::error::eof) {
      co_return size_t{0};
    }
    if (would_block(ec)) {
      s->streak = 0;
      error_code wec = co_await wait_ready(*ex, s, tcp::socket::wait_read);
      if (wec && wec != boost::asio::error::operation_aborted) {
        co_return stream_errc(wec);
      }
      continue;  // ready, or aborted because closed (checked at the top)
    }
    Errc e = stream_errc(ec);
    if (e == Errc::kConnReset) {
      s->reset = true;
    }
    co_return e;
  }
}

Task<Result<void>> write_task(Executor* ex, std::shared_ptr<Sock> s, std::span<const char> data) {
  size_t off = 0;
  for (;;) {
    if (s->closed) {
      co_return Errc::kCancelled;
    }
    if (s->reset) {
      co_return Errc::kConnReset;
    }
    if (off == data.size()) {
      co_return ok();
    }
    error_code ec;
    off += s->socket.write_some(boost::asio::buffer(data.data() + off, data.size() - off), ec);
    if (!ec) {
      continue;
    }
    if (would_block(ec)) {
      error_code wec = co_await wait_ready(*ex, s, tcp::socket::wait_write);
      if (wec && wec != boost::asio::error::operation_aborted) {
        co_return stream_errc(wec);
      }
      continue;
    }
    Errc e = stream_errc(ec);
    // EPIPE after our own shutdown_write() is our doing; the peer may still be sending to us.
    if (e == Errc::kConnReset && (!s->wr_shut || ec == boost::asio::error::connection_reset)) {
      s->reset = true;
    }
    co_return e;
  }
}

}  // namespace

Endpoint to_endpoint(const tcp::endpoint& ep) {
  return Endpoint{ep.address().to_string(), ep.port()};
}

AsioStream::AsioStream(Executor& ex, tcp::socket s) : ex_(&ex), s_(std::make_shared<Sock>(std::move(s))) {
  error_code ec;
  s_->socket.non_blocking(true, ec);
  s_->socket.set_option(tcp::no_delay(true), ec);  // we batch replies ourselves; Nagle only adds latency
  // Cached: once the connection is gone the kernel no longer knows them.
  auto local = s_->socket.local_endpoint(ec);
  if (!ec) {
    local_ = to_endpoint(local);
  }
  auto peer = s_->socket.remote_endpoint(ec);
  if (!ec) {
    peer_ = to_endpoint(peer);
  }
}

Task<Result<size_t>> AsioStream::read(std::span<char> buf) {
  return read_task(ex_, s_, buf);
}

Task<Result<void>> AsioStream::write(std::span<const char> data) {
  return write_task(ex_, s_, data);
}

void AsioStream::shutdown_write() {
  if (s_->closed || s_->wr_shut) {
    return;
  }
  s_->wr_shut = true;
  error_code ec;
  s_->socket.shutdown(tcp::socket::shutdown_send, ec);
}

void AsioStream::close() {
  if (s_->closed) {
    return;
  }
  s_->closed = true;
  error_code ec;
  s_->socket.close(ec);  // aborts pending waits; their operations then return kCancelled
}

}  // namespace codis::rt::asio
