// Internal (includes Boost.Asio): rt::Net and rt::Listener over TCP sockets of one loop's io_context.
//
// listen() sets SO_REUSEADDR (restarts need not wait out TIME_WAIT) but not SO_REUSEPORT, so a second listen
// on a taken port is kAddrInUse; listen_shared() adds SO_REUSEPORT, for one listener per loop on one port.
// accept() is readiness-based like Stream reads, so a cancelled accept never drops a connection.
// connect() is async_connect raced against a timer (rt::with_timeout). Host names are resolved with a
// blocking getaddrinfo for now (only configuration names, rarely).
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "rt/asio/executor.h"
#include "rt/net.h"

namespace codis::rt::asio {

struct Acceptor {
  explicit Acceptor(boost::asio::io_context& io) : acceptor(io) {}
  boost::asio::ip::tcp::acceptor acceptor;
  bool closed = false;
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
  explicit AsioNet(AsioExecutor& ex) : ex_(&ex) {}
  Result<ListenerPtr> listen(const Endpoint& at) override { return open_listener(at, false); }
  Result<ListenerPtr> listen_shared(const Endpoint& at) override { return open_listener(at, true); }
  Task<Result<StreamPtr>> connect(const Endpoint& to, Duration timeout) override;

 private:
  Result<ListenerPtr> open_listener(const Endpoint& at, bool reuse_port);
  AsioExecutor* ex_;
};

// "host:port" to a TCP endpoint: numeric addresses directly, an empty host as 0.0.0.0, names through a
// (blocking) resolver, preferring IPv4.
Result<boost::asio::ip::tcp::endpoint> resolve(boost::asio::io_context& io, const Endpoint& e);

}  // namespace codis::rt::asio
