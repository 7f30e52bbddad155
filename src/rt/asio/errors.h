// Internal: maps OS and Asio errors onto the seam's Errc, so the real runtime reports the same Errc as the
// simulator for the same situation (tests/rt/contract_test.cc checks both).
#pragma once

#include <boost/system/error_code.hpp>

#include "rt/result.h"

namespace codis::rt::asio {

// POSIX errno from file and directory calls: ENOSPC/EDQUOT -> kNoSpace, ENOENT/ENOTDIR -> kNotFound,
// EEXIST/ENOTEMPTY -> kExists, EINVAL/ENAMETOOLONG -> kInvalidArgument, anything else -> kIoError.
Errc errno_errc(int e);

// Socket errors in general (listen, connect): refused/unreachable -> kConnRefused, address in use ->
// kAddrInUse, timed out -> kTimeout, aborted/bad descriptor (we closed it) -> kCancelled, reset/broken pipe
// -> kConnReset, unknown host -> kNotFound.
Errc net_errc(const boost::system::error_code& ec);

// Errors of reads and writes on an established stream: as net_errc, except that a connection that times out
// or becomes unreachable has vanished, which the contract reports as kConnReset.
Errc stream_errc(const boost::system::error_code& ec);

// True for "try again later" results of non-blocking calls.
bool would_block(const boost::system::error_code& ec);

}  // namespace codis::rt::asio
