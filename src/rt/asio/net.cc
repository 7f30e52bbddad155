#include "rt/asio/net.h"

#include <sys/socket.h>

#include <optional>
#include <string>
#include <utility>

#include <boost/asio/socket_base.hpp>

#include "rt/asio/errors.h"
#include "rt/asio/op.h"
#include "rt/asio/stream.h"
#include "rt/combinators.h"

namespace codis::rt::asio {

namespace {

using tcp = boost::asio::ip::tcp;
using ReusePort = boost::asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// accept() reports only kCancelled (the acceptor was closed) and kIoError (anything else: the listener
// stays open). The OS's reason ("Too many open files") is logged here, where it is known, once per run of
// identical failures, in Redis's words.
Errc accept_errc(Acceptor& a, const error_code& ec) {
  if (net_errc(ec) == Errc::kCancelled) {
    return Errc::kCancelled;
  }
  if (ec != a.last_error) {
    a.last_error = ec;
    a.log->warning("Accepting client connection: accept: " + ec.message());
  }
  return Errc::kIoError;
}

Task<Result<StreamPtr>> accept_task(AsioExecutor* ex, std::shared_ptr<Acceptor> a) {
  for (;;) {
    if (a->closed) {
      co_return Errc::kCancelled;
    }
    error_code ec;
    tcp::socket peer = a->acceptor.accept(ec);
    if (!ec) {
      a->last_error = {};
      co_return StreamPtr(std::make_unique<AsioStream>(*ex, std::move(peer), ex->reactor_reads()));
    }
    if (would_block(ec)) {
      error_code wec = co_await async_op(*ex, a, [acc = a.get()](auto handler) {
        acc->acceptor.async_wait(tcp::acceptor::wait_read, std::move(handler));
      });
      if (wec && wec != boost::asio::error::operation_aborted) {
        co_return accept_errc(*a, wec);
      }
      continue;
    }
    if (ec == boost::asio::error::connection_aborted ||
        ec == error_code(EPROTO, boost::system::system_category())) {
      continue;  // the client gave up before we got to it
    }
    // EMFILE, ENFILE, ENOBUFS, ENOMEM...: the connection stays in the kernel's queue; the caller pauses and
    // tries again (rt/net.h).
    co_return accept_errc(*a, ec);
  }
}

Task<Result<StreamPtr>> connect_once(AsioExecutor* ex, tcp::endpoint to) {
  auto s = std::make_shared<Sock>(ex->io());
  error_code ec;
  s->socket.open(to.protocol(), ec);
  if (ec) {
    co_return net_errc(ec);
  }
  ec = co_await async_op(
      *ex, s, [sock = s.get(), to](auto handler) { sock->socket.async_connect(to, std::move(handler)); });
  if (ec) {
    co_return net_errc(ec);
  }
  // A connect to a loopback port nobody listens on can meet itself when the kernel picks that same port as
  // the ephemeral one (TCP simultaneous open): the "peer" then echoes every request back. Never wanted.
  error_code lec;
  if (s->socket.local_endpoint(lec) == to && !lec) {
    s->socket.close(lec);
    co_return Errc::kConnRefused;
  }
  co_return StreamPtr(std::make_unique<AsioStream>(*ex, std::move(s->socket), ex->reactor_reads()));
}

// Picks the first IPv4 result, else the first one.
Result<tcp::endpoint> pick(const tcp::resolver::results_type& results) {
  for (const auto& r : results) {
    if (r.endpoint().address().is_v4()) {
      return r.endpoint();
    }
  }
  if (results.empty()) {
    return Errc::kNotFound;
  }
  return results.begin()->endpoint();
}

// A resolver and what it found; shared with the completion handler, which may run after the connect that
// asked was cancelled (Asio's resolver thread cannot interrupt a getaddrinfo in progress).
struct Lookup {
  explicit Lookup(boost::asio::io_context& io) : resolver(io) {}
  tcp::resolver resolver;
  tcp::resolver::results_type results;
};

// Names go through Asio's async_resolve, whose getaddrinfo runs on a thread of the io_context's resolver
// service: a slow DNS server delays this connect only, never the loop.
Task<Result<tcp::endpoint>> resolve_async(AsioExecutor* ex, Endpoint e) {
  if (auto literal = resolve_literal(e)) {
    co_return *literal;
  }
  auto lookup = std::make_shared<Lookup>(ex->io());
  // Named, not a temporary inside co_await: g++ 12 would destroy the captured host name twice.
  auto op = async_op(*ex, lookup, [lk = lookup.get(), host = e.host, port = e.port](auto handler) {
    lk->resolver.async_resolve(
        host, std::to_string(port),
        [lk, h = std::move(handler)](const error_code& ec, tcp::resolver::results_type results) mutable {
          lk->results = std::move(results);
          h(ec);
        });
  });
  error_code ec = co_await op;
  if (ec) {
    co_return net_errc(ec);
  }
  co_return pick(lookup->results);
}

Task<Result<StreamPtr>> resolve_and_connect(AsioExecutor* ex, Endpoint to) {
  auto ep = co_await resolve_async(ex, std::move(to));
  if (!ep.ok()) {
    co_return ep.error();
  }
  co_return co_await connect_once(ex, *ep);
}

Task<Result<StreamPtr>> connect_task(AsioExecutor* ex, Endpoint to, Duration timeout) {
  // The timeout covers name resolution too. On timeout with_timeout destroys the inner task, whose awaiter
  // cancels the pending connect (a pending resolve completes later, to nobody).
  co_return co_await with_timeout(*ex, timeout, resolve_and_connect(ex, std::move(to)));
}

}  // namespace

std::optional<tcp::endpoint> resolve_literal(const Endpoint& e) {
  if (e.host.empty()) {
    return tcp::endpoint(tcp::v4(), e.port);
  }
  error_code ec;
  auto addr = boost::asio::ip::make_address(e.host, ec);
  if (!ec) {
    return tcp::endpoint(addr, e.port);
  }
  return std::nullopt;
}

Result<tcp::endpoint> resolve(boost::asio::io_context& io, const Endpoint& e) {
  if (auto literal = resolve_literal(e)) {
    return *literal;
  }
  error_code ec;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(e.host, std::to_string(e.port), ec);
  if (ec) {
    return net_errc(ec);
  }
  return pick(results);
}

Task<Result<StreamPtr>> AsioListener::accept() {
  return accept_task(ex_, a_);
}

void AsioListener::close() {
  if (a_->closed) {
    return;
  }
  a_->closed = true;
  error_code ec;
  a_->acceptor.close(ec);  // aborts a pending accept wait; that accept() then returns kCancelled
}

Result<ListenerPtr> AsioNet::open_listener(const Endpoint& at, bool reuse_port) {
  auto ep = resolve(ex_->io(), at);
  if (!ep.ok()) {
    return ep.error();
  }
  auto a = std::make_shared<Acceptor>(ex_->io(), *log_);
  error_code ec;
  a->acceptor.open(ep->protocol(), ec);
  if (!ec) {
    a->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec && reuse_port) {
    a->acceptor.set_option(ReusePort(true), ec);
  }
  if (!ec) {
    a->acceptor.bind(*ep, ec);
  }
  if (!ec) {
    a->acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  }
  if (!ec) {
    a->acceptor.non_blocking(true, ec);
  }
  tcp::endpoint local;
  if (!ec) {
    local = a->acceptor.local_endpoint(ec);
  }
  if (ec) {
    return net_errc(ec);
  }
  return ListenerPtr(std::make_unique<AsioListener>(*ex_, std::move(a), to_endpoint(local)));
}

Task<Result<StreamPtr>> AsioNet::connect(const Endpoint& to, Duration timeout) {
  return connect_task(ex_, to, timeout);
}

}  // namespace codis::rt::asio
