// One client of the proxy: reads its commands, routes each as soon as it is parsed, and writes the replies
// back strictly in request order, in one write per batch of finished replies. A client that stops reading
// its replies is stopped being read in turn (backpressure), never disconnected for it.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>

#include "proxy/job.h"
#include "resp/io_buf.h"
#include "rt/event.h"
#include "rt/net.h"
#include "rt/task.h"

namespace codis::proxy {

class Proxy;

class Session {
 public:
  Session(Proxy& proxy, rt::StreamPtr stream, uint64_t id);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves the client until it leaves, a write fails or a QUIT's reply is out.
  rt::Task<void> run();

 private:
  rt::Task<void> read_loop();
  rt::Task<void> write_loop();
  // Turns one parsed command into a job appended to jobs_ (done at once for local replies and errors).
  void handle(std::span<const std::string_view> argv);
  // Commands the proxy answers itself; false when argv is not one of them.
  bool local(std::span<const std::string_view> argv, std::string_view name, Job& job);
  void push_done(std::string reply, bool close_after = false);
  bool full() const;

  Proxy& proxy_;
  rt::StreamPtr stream_;
  uint64_t id_;
  std::string name_;  // CLIENT SETNAME
  bool authenticated_;
  std::deque<JobPtr> jobs_;   // in request order; the front's reply is the next one written
  size_t pending_bytes_ = 0;  // request bytes of jobs_ (Job::request_bytes)
  rt::Event job_done_;        // a job finished (maybe the front)
  rt::Event room_;            // the writer drained some jobs
  bool input_closed_ = false;
  bool stop_reading_ = false;  // after QUIT or a protocol error
};

}  // namespace codis::proxy
