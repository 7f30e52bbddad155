// Every server the harness starts is registered here, so it is killed by PID however the harness ends:
// normally (ServerProcess's destructor), on SIGINT/SIGTERM/SIGHUP, or when the watchdog alarm fires. The
// children also get PR_SET_PDEATHSIG, which covers a harness killed with SIGKILL (e.g. by ctest).
#pragma once

#include <sys/types.h>

namespace codis::diff {

void register_child(pid_t pid);
void unregister_child(pid_t pid);

// Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGALRM that SIGKILL every registered child and
// exit (status 124 for the watchdog, 130 otherwise). Idempotent.
void install_kill_handlers();

// Fires SIGALRM after `seconds` (0 disarms): the harness's own timeout, so a hung server cannot keep the
// test (or its servers) alive.
void arm_watchdog(unsigned seconds);

}  // namespace codis::diff
