// The proxy's counters: each loop writes its own (no lock, no shared cache line), any loop or the admin
// port reads every loop's and sums them.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

namespace codis::proxy {

// A counter with one writer (its loop) and any number of readers on other threads.
class Counter {
 public:
  void add(uint64_t n = 1) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

struct ProxyStats {
  Counter sessions_opened;
  Counter sessions_closed;
  Counter commands;
  Counter errors;               // error replies the proxy sent (its own and the servers')
  Counter redirects;            // MOVED and ASK followed
  Counter retries;              // TRYAGAIN (or a key in flight at a migration's source) waited out
  Counter forwards;             // calls on a migrating slot sent to its source first (Codis's forwarding)
  Counter output_limit_closes;  // subscribers disconnected for not reading their messages
};

// A sum over loops, read at one moment (each counter on its own; good enough for statistics).
struct StatsSnapshot {
  uint64_t sessions_opened = 0, sessions_open = 0, commands = 0, errors = 0, redirects = 0, retries = 0,
           forwards = 0, output_limit_closes = 0;

  void add(const ProxyStats& s) {
    const uint64_t opened = s.sessions_opened.get(), closed = s.sessions_closed.get();
    sessions_opened += opened;
    sessions_open += opened >= closed ? opened - closed : 0;
    commands += s.commands.get();
    errors += s.errors.get();
    redirects += s.redirects.get();
    retries += s.retries.get();
    forwards += s.forwards.get();
    output_limit_closes += s.output_limit_closes.get();
  }
};

}  // namespace codis::proxy
