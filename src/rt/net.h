// Net, Listener, Stream: TCP byte streams behind the seam. Ordered, arbitrarily segmented, can reset.
//
// Contract (checked against both runtimes by tests/rt/contract_test.cc):
// - read() returns at least one byte, or 0 at a clean end of stream (peer shut down writing), or an error
//   (kConnReset when the peer reset or vanished, kCancelled after close()). It never returns more than asked.
// - write() sends everything or fails (kConnReset/kCancelled); it may suspend while the send buffer is full.
// - At most one read and one write may be outstanding at a time, from different tasks (full duplex).
// - Destroying the Task that awaits read() or write() cancels it; after a cancelled write the stream's
//   outgoing bytes are unspecified and the stream should be closed. A cancelled read consumed nothing: the
//   bytes are there for the next read, so with_timeout(read) leaves the stream usable. Likewise a cancelled
//   accept() loses no connection.
// - close() (and the destructor) resets nothing politely: unsent data may be lost, the peer sees end of
//   stream or a reset. shutdown_write() sends end of stream after everything written so far. A read or
//   write pending when the stream is closed or destroyed returns kCancelled.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "rt/result.h"
#include "rt/task.h"
#include "rt/time.h"

namespace codis::rt {

struct Endpoint {
  // Constructors, not an aggregate: g++ 12 destroys a brace-initialised aggregate temporary twice when it
  // appears inside a co_await expression, as in co_await net.connect(Endpoint{host, port}, timeout).
  Endpoint() = default;
  Endpoint(std::string h, uint16_t p) : host(std::move(h)), port(p) {}

  std::string host;
  uint16_t port = 0;

  std::string to_string() const;
  // "host:port" (host may be a name or IPv4 address); port 0..65535.
  static Result<Endpoint> parse(std::string_view s);
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

class Stream {
 public:
  virtual ~Stream() = default;
  virtual Task<Result<size_t>> read(std::span<char> buf) = 0;
  virtual Task<Result<void>> write(std::span<const char> data) = 0;
  virtual void shutdown_write() = 0;
  virtual void close() = 0;
  virtual Endpoint local() const = 0;
  virtual Endpoint peer() const = 0;
};
using StreamPtr = std::unique_ptr<Stream>;

class Listener {
 public:
  virtual ~Listener() = default;
  // Waits for the next connection; kCancelled after close(). kIoError when the system lacks what a new
  // connection needs (descriptors, memory, socket buffers: EMFILE, ENFILE, ENOMEM, ENOBUFS): the connection
  // stays queued and the listener open, so the caller pauses (the error repeats at once while the shortage
  // lasts) and calls accept() again. A connection its client aborted before it was accepted (ECONNABORTED)
  // is skipped, never returned.
  virtual Task<Result<StreamPtr>> accept() = 0;
  // The bound address, with the real port when asked to listen on port 0.
  virtual Endpoint local() const = 0;
  virtual void close() = 0;
};
using ListenerPtr = std::unique_ptr<Listener>;

class Net {
 public:
  virtual ~Net() = default;
  // Binds and listens; port 0 picks a free port. kAddrInUse if taken.
  virtual Result<ListenerPtr> listen(const Endpoint& at) = 0;
  // Like listen(), but several listeners (one per loop) may share the port and the kernel spreads incoming
  // connections among them (SO_REUSEPORT in the real runtime). Runtimes without port sharing fall back to
  // listen(), so a second listener on the port gets kAddrInUse there.
  virtual Result<ListenerPtr> listen_shared(const Endpoint& at) { return listen(at); }
  // kConnRefused when nothing listens there, kTimeout when no answer within timeout (name resolution
  // included), kIoError when this process is out of descriptors.
  virtual Task<Result<StreamPtr>> connect(const Endpoint& to, Duration timeout) = 0;
};

// Writes a whole string view (convenience over Stream::write).
inline Task<Result<void>> write_all(Stream& s, std::string_view data) {
  return s.write(std::span<const char>(data.data(), data.size()));
}

}  // namespace codis::rt
