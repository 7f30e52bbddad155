#include "rt/asio/stream.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "rt/asio/errors.h"
#include "rt/asio/op.h"
#include "rt/sleep.h"
#include "rt/wake.h"

namespace codis::rt::asio {

namespace {

using tcp = boost::asio::ip::tcp;

// A stream whose reads keep finding data never suspends; after this many in a row the next read yields
// once, so one busy connection cannot starve the others on its loop.
constexpr unsigned kMaxReadStreak = 16;

// The read-ahead buffer starts small (an idle connection keeps little) and doubles each time a read fills it.
constexpr size_t kMaxAhead = 16 * 1024;

auto wait_ready(Executor& ex, const std::shared_ptr<Sock>& s, tcp::socket::wait_type w) {
  return async_op(ex, s,
                  [sock = s.get(), w](auto handler) { sock->socket.async_wait(w, std::move(handler)); });
}

// Waits until the read-ahead operation in flight completes (its handler resumes us). The Sock holds the
// waiting coroutine's handle directly (a WakeSlot would allocate a shared state per wait, and a connection
// waits once per request); if the awaiting Task is destroyed first, this awaiter's destructor clears the
// handle and the operation simply completes into the Sock's buffer.
struct AheadAwaiter {
  Sock* s;
  std::coroutine_handle<> h{};
  explicit AheadAwaiter(Sock* sock) : s(sock) {}
  AheadAwaiter(const AheadAwaiter&) = delete;
  AheadAwaiter& operator=(const AheadAwaiter&) = delete;
  ~AheadAwaiter() {
    if (h && s->ahead_waiter == h) {
      s->ahead_waiter = {};
    }
  }
  bool await_ready() const noexcept { return !s->ahead_pending; }
  void await_suspend(std::coroutine_handle<> awaiting) noexcept {
    h = awaiting;
    s->ahead_waiter = awaiting;
  }
  void await_resume() const noexcept {}
};

// Starts one async_read_some into the Sock's read-ahead buffer. Asio tries the receive at once only when the
// socket was last seen readable and not drained; otherwise it queues the operation for epoll without another
// system call, which a plain async_wait cannot do (it re-arms the descriptor with epoll_ctl every time).
void start_ahead(const std::shared_ptr<Sock>& s) {
  if (s->ahead.size() < s->ahead_want) {
    s->ahead.resize(s->ahead_want);
  }
  s->ahead_pending = true;
  s->socket.async_read_some(boost::asio::buffer(s->ahead.data(), s->ahead.size()),
                            [s](const error_code& ec, size_t n) {
                              s->ahead_pending = false;
                              s->ahead_pos = 0;
                              s->ahead_len = 0;
                              if (!ec) {
                                s->ahead_len = n;
                                if (n == s->ahead.size()) {
                                  s->hot = true;  // more is probably waiting: read it straight next time
                                  s->ahead_want = std::min(s->ahead.size() * 2, kMaxAhead);
                                }
                              } else if (ec == boost::asio::error::eof) {
                                s->eof = true;
                              } else if (ec != boost::asio::error::operation_aborted) {
                                s->ahead_err = ec;
                              }
                              // Asio runs this as an event of the loop, so resuming here is a scheduling
                              // point already.
                              if (auto h = std::exchange(s->ahead_waiter, {})) {
                                h.resume();
                              }
                            });
}

// Like every Task these are lazy, so they hold what they use by value (the Sock, not the Stream): the Stream
// may be destroyed while they are suspended.
//
// Bytes reach the caller two ways. While the connection is busy ("hot": the last read filled its buffer) a
// read is a plain non-blocking read_some into the caller's buffer. Otherwise the read waits on an
// async_read_some into a small buffer the Sock owns and copies from it; as that buffer outlives any caller,
// a read cancelled while waiting loses nothing (the bytes wait there for the next read). Either way a
// request-reply exchange costs the reactor's wait, one read and one write, as in Redis.
Task<Result<size_t>> read_task(Executor* ex, std::shared_ptr<Sock> s, std::span<char> buf) {
  if (s->streak >= kMaxReadStreak) {
    s->streak = 0;
    co_await yield(*ex);
  }
  for (;;) {
    if (s->closed) {
      co_return Errc::kCancelled;
    }
    if (s->ahead_pos < s->ahead_len) {
      const size_t n = std::min(buf.size(), s->ahead_len - s->ahead_pos);
      if (n > 0) {
        std::memcpy(buf.data(), s->ahead.data() + s->ahead_pos, n);
      }
      s->ahead_pos += n;
      ++s->streak;
      co_return n;
    }
    if (s->reset) {
      co_return Errc::kConnReset;  // Linux reports a reset once, then end of stream; we keep saying reset
    }
    if (buf.empty() || s->eof) {
      co_return size_t{0};
    }
    if (s->ahead_err) {
      error_code ec = std::exchange(s->ahead_err, error_code{});
      Errc e = stream_errc(ec);
      if (e == Errc::kConnReset) {
        s->reset = true;
      }
      co_return e;
    }
    if (s->ahead_pending) {
      co_await AheadAwaiter{s.get()};
      continue;
    }
    if (s->hot) {
      error_code ec;
      size_t n = s->socket.read_some(boost::asio::buffer(buf.data(), buf.size()), ec);
      if (!ec) {
        s->hot = n == buf.size();
        ++s->streak;
        co_return n;
      }
      s->hot = false;
      if (ec == boost::asio::error::eof) {
        s->eof = true;
        continue;
      }
      if (!would_block(ec)) {
        s->ahead_err = ec;
        continue;
      }
    }
    s->streak = 0;
    start_ahead(s);
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
