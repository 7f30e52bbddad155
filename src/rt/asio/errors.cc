#include "rt/asio/errors.h"

#include <cerrno>

#include <boost/asio/error.hpp>

namespace codis::rt::asio {

namespace ba = boost::asio;

Errc errno_errc(int e) {
  switch (e) {
    case ENOSPC:
    case EDQUOT:
      return Errc::kNoSpace;
    case ENOENT:
    case ENOTDIR:
      return Errc::kNotFound;
    case EEXIST:
    case ENOTEMPTY:
      return Errc::kExists;
    case EINVAL:
    case ENAMETOOLONG:
      return Errc::kInvalidArgument;
    default:
      return Errc::kIoError;
  }
}

Errc net_errc(const boost::system::error_code& ec) {
  if (ec == ba::error::operation_aborted || ec == ba::error::bad_descriptor) {
    return Errc::kCancelled;  // we closed the socket (or cancelled the operation) ourselves
  }
  if (ec == ba::error::connection_reset || ec == ba::error::connection_aborted ||
      ec == ba::error::broken_pipe || ec == ba::error::not_connected || ec == ba::error::network_reset ||
      ec == ba::error::shut_down || ec == ba::error::eof) {
    return Errc::kConnReset;
  }
  if (ec == ba::error::connection_refused || ec == ba::error::host_unreachable ||
      ec == ba::error::network_unreachable || ec == ba::error::network_down) {
    return Errc::kConnRefused;
  }
  if (ec == ba::error::address_in_use) {
    return Errc::kAddrInUse;
  }
  if (ec == ba::error::timed_out) {
    return Errc::kTimeout;
  }
  if (ec == ba::error::host_not_found || ec == ba::error::host_not_found_try_again ||
      ec == ba::error::no_data || ec == ba::error::service_not_found) {
    return Errc::kNotFound;
  }
  if (ec == ba::error::invalid_argument || ec == ba::error::address_family_not_supported ||
      ec == boost::system::error_code(EADDRNOTAVAIL, boost::system::system_category())) {
    return Errc::kInvalidArgument;
  }
  return Errc::kIoError;
}

Errc stream_errc(const boost::system::error_code& ec) {
  Errc e = net_errc(ec);
  if (e == Errc::kTimeout || e == Errc::kConnRefused) {
    return Errc::kConnReset;  // keepalive timeout or ICMP unreachable on an established connection
  }
  return e;
}

bool would_block(const boost::system::error_code& ec) {
  return ec == ba::error::would_block || ec == ba::error::try_again || ec == ba::error::interrupted;
}

}  // namespace codis::rt::asio
