// A client thread that keeps incrementing counters while their slot moves between two servers, following
// the servers' MOVED / ASK / TRYAGAIN errors as the proxy will (docs/slots.md), and remembers the last value
// each INCR acknowledged: after the move, every one of them must be found on the target.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace codis::server::testing {

class RedirectWriter {
 public:
  // Starts writing to `keys` (in turn), sending each INCR to `first_port` first.
  RedirectWriter(int first_port, std::vector<std::string> keys);
  ~RedirectWriter() { stop(); }
  RedirectWriter(const RedirectWriter&) = delete;
  RedirectWriter& operator=(const RedirectWriter&) = delete;

  // Stops after at least `min_writes` increments in all; joins the thread.
  void stop(int64_t min_writes = 4000);

  // Valid after stop().
  const std::map<std::string, int64_t>& acked() const { return acked_; }
  const std::string& error() const { return error_; }
  int64_t redirects() const { return redirects_; }
  int64_t retries() const { return retries_; }

 private:
  void run();

  int first_port_;
  std::vector<std::string> keys_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> min_writes_{4000};
  std::map<std::string, int64_t> acked_;
  std::atomic<int64_t> redirects_{0}, retries_{0};
  std::string error_;
  std::thread thread_;
};

}  // namespace codis::server::testing
