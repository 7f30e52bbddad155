// Configure check (src/rt/asio/CMakeLists.txt): does this Boost.Asio still have the epoll reactor internals
// that rt/asio/stream.cc's AheadOp uses? If not, the stream falls back to Asio's public async_receive.
// clang-format off: the order is that of stream.h then stream.cc (the detail headers need io_context first)
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
// clang-format on
#include <cstddef>
#include <type_traits>

namespace ad = boost::asio::detail;
static_assert(std::is_same_v<ad::reactor, ad::epoll_reactor>);

struct SocketAccess : boost::asio::ip::tcp::socket {
  static auto& impl(boost::asio::ip::tcp::socket& s) {
    return (s.*&SocketAccess::impl_).get_implementation();
  }
};

struct Op : ad::reactor_op {
  Op() : ad::reactor_op(boost::system::error_code(), &Op::perform, &Op::complete) {}
  static status perform(ad::reactor_op* o) {
    o->ec_ = boost::asio::error::eof;
    o->bytes_transferred_ = 0;
    return done_and_exhausted;
  }
  static void complete(void*, ad::operation* o, const boost::system::error_code&, std::size_t) {
    delete static_cast<Op*>(o);
  }
};

int main() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  auto& impl = SocketAccess::impl(s);
  auto& reactor = boost::asio::use_service<ad::reactor>(
      boost::asio::query(s.get_executor(), boost::asio::execution::context));
  reactor.start_op(ad::reactor::read_op, impl.socket_, impl.reactor_data_, new Op, false, true);
  return 0;
}
