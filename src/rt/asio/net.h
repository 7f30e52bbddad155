// Internal (includes Boost.Asio): rt::Net and rt::Listener over TCP sockets of one loop's io_context.
//
// listen() sets SO_REUSEADDR (restarts need not wait out TIME_WAIT) but not SO_REUSEPORT, so a second listen
// on a taken port is kAddrInUse; listen_shared() adds SO_REUSEPORT, for one listener per loop on one port.
// accept() is readiness-based like Stream reads, so a cancelled accept never drops a connection.
// connect() resolves a host name with Asio's async_resolve (getaddrinfo on the resolver service's own thread,
// never on the loop), then async_connect; the whole is raced against a timer (rt::with_timeout). listen() is
// synchronous by the seam: a numeric or empty host never blocks, a name is resolved in place (a bind address
// from the configuration, once at start).
#pragma once

#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>

#include "rt/asio/executor.h"
#include "rt/log.h"
#include "rt/net.h"

namespace codis::rt::asio {

struct Acceptor {
  Acceptor(boost::asio::io_context& io, Log& l) : acceptor(io), log(&l) {}
  boost::asio::ip::tcp::acceptor acceptor;
  bool closed = false;
  Log* log;
  // The OS error of the last failed accept, logged once per run of failures (the seam says only kIoError).
  boost::system::error_code last_error;
};

class AsioListener final : public Listener {
 public:
  AsioListener(AsioExecutor& ex, std::shared_ptr<Acceptor> a, Endpoint local)
      : ex_(&ex), a_(std::move(a)), local_(std::move(local)) {}
  ~AsioListener() override { close(); }
  AsioListener(const AsioListener&) = delete;
  AsioListener& operator=(const AsioListener&) = delete;

  Task<Result<StreamPtr>> accept() override;
  Endpoint local() const override { return local_; }
  void close() override;

 private:
  AsioExecutor* ex_;
  std::shared_ptr<Acceptor> a_;
  Endpoint local_;
};

class AsioNet final : public Net {
 public:
  AsioNet(AsioExecutor& ex, Log& log) : ex_(&ex), log_(&log) {}
  Result<ListenerPtr> listen(const Endpoint& at) override { return open_listener(at, false); }
  Result<ListenerPtr> listen_shared(const Endpoint& at) override { return open_listener(at, true); }
  Task<Result<StreamPtr>> connect(const Endpoint& to, Duration timeout) override;

 private:
  Result<ListenerPtr> open_listener(const Endpoint& at, bool reuse_port);
  AsioExecutor* ex_;
  Log* log_;
};

// A numeric address (or an empty host, as 0.0.0.0) as a TCP endpoint; nothing for a name.
std::optional<boost::asio::ip::tcp::endpoint> resolve_literal(const Endpoint& e);

// "host:port" to a TCP endpoint: resolve_literal, else names through a blocking getaddrinfo (listen() only),
// preferring IPv4.
Result<boost::asio::ip::tcp::endpoint> resolve(boost::asio::io_context& io, const Endpoint& e);

}  // namespace codis::rt::asio
