// Child-process registry and the signal handlers that kill registered children (see process_guard.h).
#include "tests/server_diff/process_guard.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace codis::diff {
namespace {

// A fixed table of lock-free atomics: the signal handler may only read it (async-signal-safe).
constexpr int kMaxChildren = 16;
std::atomic<pid_t> g_children[kMaxChildren];

void kill_children_and_exit(int sig) {
  for (auto& slot : g_children) {
    const pid_t pid = slot.load();
    if (pid > 0) kill(pid, SIGKILL);
  }
  static const char kWatchdog[] = "server_diff: watchdog timeout, killed the servers\n";
  static const char kSignal[] = "server_diff: interrupted, killed the servers\n";
  if (sig == SIGALRM) {
    (void)!write(2, kWatchdog, sizeof kWatchdog - 1);
    _exit(124);
  }
  (void)!write(2, kSignal, sizeof kSignal - 1);
  _exit(130);
}

}  // namespace

void register_child(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return;
  }
}

void unregister_child(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

void install_kill_handlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = kill_children_and_exit;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGALRM}) sigaction(sig, &sa, nullptr);
  // A server that closes a connection mid-write must be reported, not kill the harness.
  signal(SIGPIPE, SIG_IGN);
}

void arm_watchdog(unsigned seconds) {
  alarm(seconds);
}

}  // namespace codis::diff
