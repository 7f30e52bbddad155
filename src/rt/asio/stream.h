// Internal (includes Boost.Asio): rt::Stream over a TCP socket.
//
// Writes are readiness-based: try the non-blocking call first, and only when the kernel says "would block"
// await the socket becoming writable (async_wait through rt/asio/op.h). Reads try a direct non-blocking read
// while the connection is busy, and otherwise wait on a receive into a small read-ahead buffer owned by the
// Sock. That receive is Asio's public async_receive, which first tries a receive that fails with EAGAIN (the
// peer has not had our reply yet) on every wait; or, where the build's configure check found Asio's epoll
// reactor internals as this code expects them (CODIS_ASIO_REACTOR_OP) and the runtime allows it
// (AsioOptions::reactor_reads), a receive op of our own queued on the reactor (AheadOp in stream.cc), which
// spares that system call. A Boost upgrade that changes the internals only turns the second path off; the
// contract tests run both. Either way a cancelled read consumed nothing
// (bytes that arrive for it wait in the read-ahead buffer; with_timeout(read) leaves the stream usable) and
// Asio never holds a pointer into a caller's buffer.
//
// The socket lives in a shared Sock that every pending operation also holds, so destroying or closing the
// Stream while a read or write is pending is safe: the pending wait is aborted and the operation returns
// kCancelled.
#pragma once

#include <coroutine>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "rt/executor.h"
#include "rt/net.h"
#include "rt/wake.h"

namespace codis::rt::asio {

struct Sock {
  explicit Sock(boost::asio::io_context& io) : socket(io) {}
  explicit Sock(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
  boost::asio::ip::tcp::socket socket;
  bool closed = false;   // close() was called: every operation gives kCancelled
  bool reset = false;    // the connection died: later reads say kConnReset, not end of stream
  bool wr_shut = false;  // we shut down our sending side (EPIPE then means that, not a dead peer)
  unsigned streak = 0;   // reads in a row that found data at once (see kMaxReadStreak in stream.cc)
  bool eof = false;      // the peer shut down writing
  bool hot = true;       // the last read filled its buffer: try a direct read before waiting
  // Read-ahead (see read_task and AheadOp in stream.cc): a receive in flight fills this buffer.
  std::vector<char> ahead;
  size_t ahead_want = 1024;
  size_t ahead_pos = 0;
  size_t ahead_len = 0;
  bool ahead_pending = false;
  bool reactor_reads = false;  // wait with AheadOp (true) or Asio's async_receive
  boost::system::error_code ahead_err;
  std::coroutine_handle<> ahead_waiter;  // the read waiting for the read-ahead (see AheadAwaiter)
};

class AsioStream final : public Stream {
 public:
  // Takes a connected socket; makes it non-blocking and sets TCP_NODELAY. reactor_reads: see above (ignored
  // when the build lacks that path).
  AsioStream(Executor& ex, boost::asio::ip::tcp::socket s, bool reactor_reads);
  ~AsioStream() override { close(); }
  AsioStream(const AsioStream&) = delete;
  AsioStream& operator=(const AsioStream&) = delete;

  Task<Result<size_t>> read(std::span<char> buf) override;
  Task<Result<void>> write(std::span<const char> data) override;
  void shutdown_write() override;
  void close() override;
  Endpoint local() const override { return local_; }
  Endpoint peer() const override { return peer_; }

 private:
  Executor* ex_;
  std::shared_ptr<Sock> s_;
  Endpoint local_;
  Endpoint peer_;
};

Endpoint to_endpoint(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace codis::rt::asio
