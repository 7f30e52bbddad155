// Fitting a server's client limit into the process's open-file limit (RLIMIT_NOFILE), as redis-server's
// adjustOpenFilesLimit does: process setup of the real runtime, never run by the simulator.
//
// Each client holds one descriptor; kReservedFds more cover listeners, log and data files, the event loop's
// own descriptors and the brief accept-write-close of a client refused at maxclients.
#pragma once

#include <cstdint>

#include "rt/log.h"

namespace codis::rt::asio {

// Redis's CONFIG_MIN_RESERVED_FDS.
inline constexpr int64_t kReservedFds = 32;

struct FdFit {
  int64_t maxclients = 0;  // the client limit that fits: the one asked for, or lower
  bool too_low = false;    // not even one client fits (<= kReservedFds descriptors): the server should exit
};

// Raises the soft RLIMIT_NOFILE (and the hard one when privileged) to maxclients + kReservedFds if it is
// lower; when the system refuses, keeps the highest limit it grants (trying 16 fewer each time) and returns
// the client limit that fits it. Logs what it did in Redis's words. Never lowers a limit: a hard limit above
// what is needed is kept, so a later, larger CONFIG SET maxclients can still raise the soft one.
FdFit fit_open_files_limit(int64_t maxclients, Log& log);

}  // namespace codis::rt::asio
