#include "rt/asio/stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>

#include <sys/socket.h>

#include "rt/asio/executor.h"  // CODIS_ASIO_REACTOR_OP
#if CODIS_ASIO_REACTOR_OP
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#endif

#include "rt/asio/errors.h"
#include "rt/asio/op.h"
#include "rt/frame_pool.h"
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

// What a read-ahead receive brought: bytes in the Sock's buffer, end of stream, an error, or nothing
// (aborted by close()). Runs as an event of the loop, so resuming the reader here is a scheduling point.
void ahead_done(Sock& s, const error_code& ec, size_t n) {
  s.ahead_pending = false;
  s.ahead_pos = 0;
  s.ahead_len = 0;
  if (!ec) {
    s.ahead_len = n;
    if (n == s.ahead.size()) {
      s.hot = true;  // more is probably waiting: read it straight next time
      s.ahead_want = std::min(s.ahead.size() * 2, kMaxAhead);
    }
  } else if (ec == boost::asio::error::eof) {
    s.eof = true;
  } else if (ec != boost::asio::error::operation_aborted) {
    s.ahead_err = ec;
  }
  if (auto h = std::exchange(s.ahead_waiter, {})) {
    h.resume();
  }
}

#if CODIS_ASIO_REACTOR_OP
namespace ad = boost::asio::detail;
static_assert(std::is_same_v<ad::reactor, ad::epoll_reactor>, "AheadOp is written for Asio's epoll reactor");

// basic_socket keeps the descriptor's reactor registration protected; a pointer to that member, formed in
// a derived class, reaches it legally.
struct SocketAccess : tcp::socket {
  static auto& impl(tcp::socket& s) { return (s.*&SocketAccess::impl_).get_implementation(); }
};

// One receive into the Sock's read-ahead buffer, queued on the loop's epoll reactor. Asio's own
// async_read_some counts only end of stream as "drained", so after every request it first tries a receive
// that fails with EAGAIN (the client has not had our reply yet), a wasted system call per request at -P 1
// and per pipeline at -P 16; its async_wait instead re-arms the descriptor with epoll_ctl. A stream
// receive that returns less than it asked for has drained the socket, and any byte arriving later raises a
// new edge-triggered event that the reactor reports (and that re-enables the immediate attempt), so this op
// says "exhausted" then and the next one waits for epoll without a system call, as Redis's loop does.
class AheadOp final : public ad::reactor_op {
 public:
  explicit AheadOp(std::shared_ptr<Sock> s)
      : ad::reactor_op(error_code(), &AheadOp::do_perform, &AheadOp::do_complete), s_(std::move(s)) {}

  // One per request and connection: from the same per-thread cache as coroutine frames.
  static void* operator new(size_t n) { return rt::detail::frame_alloc(n); }
  static void operator delete(void* p, size_t n) noexcept { rt::detail::frame_free(p, n); }

 private:
  static status do_perform(ad::reactor_op* base) {
    auto* o = static_cast<AheadOp*>(base);
    Sock& s = *o->s_;
    for (;;) {
      const ssize_t n = ::recv(s.socket.native_handle(), s.ahead.data(), s.ahead.size(), 0);
      if (n > 0) {
        o->bytes_transferred_ = static_cast<size_t>(n);
        return o->bytes_transferred_ < s.ahead.size() ? done_and_exhausted : done;
      }
      if (n == 0) {
        o->ec_ = boost::asio::error::eof;
        return done;
      }
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return not_done;
      }
      o->ec_ = error_code(errno, boost::asio::error::get_system_category());
      return done;
    }
  }

  // owner is null when the io_context is destroyed with the op still queued: only free it then.
  static void do_complete(void* owner, ad::operation* base, const error_code& /*unused*/, size_t /*unused*/) {
    std::unique_ptr<AheadOp> o(static_cast<AheadOp*>(base));
    if (owner == nullptr) {
      return;
    }
    std::shared_ptr<Sock> s = std::move(o->s_);
    const error_code ec = o->ec_;
    const size_t n = o->bytes_transferred_;
    o.reset();
    ahead_done(*s, ec, n);
  }

  std::shared_ptr<Sock> s_;
};

#endif  // CODIS_ASIO_REACTOR_OP

// Starts one receive into the Sock's read-ahead buffer: AheadOp where the build and the runtime allow it,
// else Asio's async_receive (see stream.h).
void start_ahead(const std::shared_ptr<Sock>& s) {
  if (s->ahead.size() < s->ahead_want) {
    s->ahead.resize(s->ahead_want);
  }
  s->ahead_pending = true;
#if CODIS_ASIO_REACTOR_OP
  if (s->reactor_reads) {
    auto& impl = SocketAccess::impl(s->socket);
    auto& reactor = boost::asio::use_service<ad::reactor>(
        boost::asio::query(s->socket.get_executor(), boost::asio::execution::context));
    reactor.start_op(ad::reactor::read_op, impl.socket_, impl.reactor_data_, new AheadOp(s),
                     /*is_continuation=*/false, /*allow_speculative=*/true);
    return;
  }
#endif
  s->socket.async_receive(boost::asio::buffer(s->ahead.data(), s->ahead.size()),
                          [s](const error_code& ec, size_t n) { ahead_done(*s, ec, n); });
}

// Like every Task these are lazy, so they hold what they use by value (the Sock, not the Stream): the Stream
// may be destroyed while they are suspended.
//
// Bytes reach the caller two ways. While the connection is busy ("hot": the last read filled its buffer) a
// read is a plain non-blocking read_some into the caller's buffer. Otherwise the read waits on a
// receive (AheadOp) into a small buffer the Sock owns and copies from it; as that buffer outlives any caller,
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

AsioStream::AsioStream(Executor& ex, tcp::socket s, bool reactor_reads)
    : ex_(&ex), s_(std::make_shared<Sock>(std::move(s))) {
  s_->reactor_reads = reactor_reads && CODIS_ASIO_REACTOR_OP;
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
