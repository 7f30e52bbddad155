// Internal (includes Boost.Asio): rt::Stream over a TCP socket.
//
// Reads and writes are readiness-based: try the non-blocking call first, and only when the kernel says "would
// block" await the socket becoming ready (async_wait through rt/asio/op.h). So bytes are only ever moved by
// a running coroutine that returns them, which makes cancellation lossless for reads (a read cancelled by
// with_timeout consumed nothing; the stream stays usable) and means Asio never holds a pointer into a
// caller's buffer. A read or write that finds the kernel ready completes without suspending and without
// allocating.
//
// The socket lives in a shared Sock that every pending operation also holds, so destroying or closing the
// Stream while a read or write is pending is safe: the pending wait is aborted and the operation returns
// kCancelled.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "rt/executor.h"
#include "rt/net.h"

namespace codis::rt::asio {

struct Sock {
  explicit Sock(boost::asio::io_context& io) : socket(io) {}
  explicit Sock(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
  boost::asio::ip::tcp::socket socket;
  bool closed = false;   // close() was called: every operation gives kCancelled
  bool reset = false;    // the connection died: later reads say kConnReset, not end of stream
  bool wr_shut = false;  // we shut down our sending side (EPIPE then means that, not a dead peer)
  unsigned streak = 0;   // reads in a row that found data at once (see kMaxReadStreak in stream.cc)
};

class AsioStream final : public Stream {
 public:
  // Takes a connected socket; makes it non-blocking and sets TCP_NODELAY.
  AsioStream(Executor& ex, boost::asio::ip::tcp::socket s);
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
