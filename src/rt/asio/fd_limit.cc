#include "rt/asio/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace codis::rt::asio {

FdFit fit_open_files_limit(int64_t maxclients, Log& log) {
  const auto wanted = static_cast<rlim_t>(maxclients + kReservedFds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == -1) {
    log.warning(std::string("Unable to obtain the current NOFILE limit (") + std::strerror(errno) +
                "), assuming 1024 and setting the max clients configuration accordingly.");
    return FdFit{std::min<int64_t>(maxclients, 1024 - kReservedFds), false};
  }
  const rlim_t old_limit = limit.rlim_cur;
  if (old_limit == RLIM_INFINITY || old_limit >= wanted) {
    return FdFit{maxclients, false};
  }
  // Try the full need first, then 16 descriptors fewer each time, down to the current limit.
  const rlim_t old_max = limit.rlim_max;
  rlim_t best = wanted;
  int set_error = 0;
  while (best > old_limit) {
    limit.rlim_cur = best;
    // Redis sets rlim_max = best too, which lowers a generous hard limit for good; keeping the larger of the
    // two only raises it (possible when privileged) and leaves room for a later CONFIG SET maxclients.
    limit.rlim_max = old_max == RLIM_INFINITY ? RLIM_INFINITY : std::max(best, old_max);
    if (setrlimit(RLIMIT_NOFILE, &limit) != -1) {
      break;
    }
    set_error = errno;
    if (best < 16) {
      best = old_limit;
      break;
    }
    best -= 16;
  }
  best = std::max(best, old_limit);
  if (best >= wanted) {
    log.notice("Increased maximum number of open files to " + std::to_string(wanted) +
               " (it was originally set to " + std::to_string(old_limit) + ").");
    return FdFit{maxclients, false};
  }
  const auto fits = static_cast<int64_t>(best) - kReservedFds;
  if (static_cast<int64_t>(best) <= kReservedFds) {
    log.warning("Your current 'ulimit -n' of " + std::to_string(old_limit) +
                " is not enough for the server to start. Please increase your open file limit to at least " +
                std::to_string(wanted) + ". Exiting.");
    return FdFit{0, true};
  }
  log.warning("You requested maxclients of " + std::to_string(maxclients) + " requiring at least " +
              std::to_string(wanted) + " max file descriptors.");
  log.warning("Server can't set maximum open files to " + std::to_string(wanted) +
              " because of OS error: " + std::strerror(set_error) + ".");
  log.warning("Current maximum open files is " + std::to_string(best) + ". maxclients has been reduced to " +
              std::to_string(fits) +
              " to compensate for low ulimit. If you need higher maxclients increase " + "'ulimit -n'.");
  return FdFit{fits, false};
}

}  // namespace codis::rt::asio
