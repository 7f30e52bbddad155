// The proxy's slow log: commands whose reply took at least --slowlog-log-slower-than microseconds from the
// read that brought them to the moment their reply was ready, in Redis's SLOWLOG format. One per process,
// shared by the loops behind a mutex that only slow commands and SLOWLOG itself take.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "cmd/slowlog.h"
#include "proxy/job.h"

namespace codis::proxy {

class SharedSlowLog {
 public:
  SharedSlowLog(int64_t slower_than_us, int64_t max_len) : slower_than_(slower_than_us), max_len_(max_len) {}

  bool wants(int64_t duration_us) const { return cmd::SlowLog::wants(slower_than_, duration_us); }
  // Records the job's command as the proxy sent it on (the arguments of its calls, in call order).
  void record(const Job& job, int64_t duration_us, std::string_view peer, std::string_view name,
              int64_t now_unix_s);
  // SLOWLOG GET's reply (newest n; n < 0: all) in the client's protocol.
  std::string get_reply(int64_t n, int protocol) const;
  size_t size() const;
  void reset();

 private:
  const int64_t slower_than_;
  const int64_t max_len_;
  mutable std::mutex mu_;
  cmd::SlowLog log_;
};

// The arguments of a job's requests as they went to the servers: every call's command (a split command's
// calls give the name once and then each call's arguments), or just the command's name for a job the
// proxy answered itself.
std::vector<std::string_view> job_arguments(const Job& job);

}  // namespace codis::proxy
