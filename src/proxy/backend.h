// One connection from the proxy to one server: calls are queued and written in batches (everything queued
// while the loop was busy goes out in one write), replies come back in order and are handed to the proxy
// one by one. The connection reconnects by itself, with backoff, and knows which calls were written when
// it broke (their outcome is unknown) and which never left (safe to retry).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "proxy/job.h"
#include "proxy/out_box.h"
#include "resp/io_buf.h"
#include "rt/env.h"
#include "rt/net.h"
#include "rt/task.h"

namespace codis::proxy {

class Backend {
 public:
  struct Options {
    std::string password;  // sent with AUTH on every new connection when not empty
    int protocol = 2;      // 3: the connection starts with HELLO 3 (for RESP3 clients)
    rt::Duration connect_timeout = std::chrono::seconds(1);
    rt::Duration min_backoff = std::chrono::milliseconds(10);
    rt::Duration max_backoff = std::chrono::seconds(1);
  };
  // A call's raw reply (valid only during the callback).
  using ReplyFn = std::function<void(const JobPtr&, size_t call, std::string_view reply)>;
  // A call that will get no reply: `sent` says whether it was written (outcome unknown) or not.
  using FailFn = std::function<void(const JobPtr&, size_t call, bool sent, const std::string& why)>;

  Backend(rt::Env& env, rt::Endpoint addr, Options o, ReplyFn on_reply, FailFn on_fail);
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // Queues the call's request (after ASKING when `asking`). While the server is known to be unreachable
  // (between reconnection attempts) the call fails at once, unsent.
  void send(const JobPtr& job, size_t call, bool asking);
  // The connection's life: connect, authenticate, serve, and on failure fail the calls and reconnect.
  // Runs until cancelled.
  rt::Task<void> run();

  // The number of the connection a call sent now would go out on (the current one, or the next one while
  // connecting); a call with Call::need_connection set to another number fails unsent.
  uint64_t connection_for_send() const { return connected_ ? connects_ : connects_ + 1; }
  const rt::Endpoint& addr() const { return addr_; }
  bool connected() const { return connected_; }
  bool down() const { return down_; }
  size_t in_flight() const { return queue_.size(); }
  uint64_t connects() const { return connects_; }
  const std::string& last_error() const { return last_error_; }

 private:
  struct Entry {
    JobPtr job;
    size_t call;
    bool asking;         // its first reply is ASKING's, swallowed
    bool fail_on_error;  // any error among the swallowed replies becomes the call's reply
    uint32_t extra;      // replies to swallow before the call's own (Call::extra_replies)
    // A redirect or retry error among the swallowed replies (a queued command of a transaction refused:
    // the server discarded the transaction), or with fail_on_error any error: the call's reply.
    std::string redirect;
  };
  rt::Task<rt::Result<void>> authenticate(rt::Stream& s);
  rt::Task<void> reader(rt::Stream& s);
  rt::Task<void> writer(rt::Stream& s);
  // Fails every queued call: the first `written_` were written (outcome unknown), the rest never left.
  void fail_all(const std::string& why);

  rt::Env& env_;
  rt::Endpoint addr_;
  Options opts_;
  ReplyFn on_reply_;
  FailFn on_fail_;
  std::deque<Entry> queue_;  // calls awaiting their reply, in the order they were (or will be) written
  size_t written_ = 0;       // how many of queue_'s first entries were handed to a write
  OutBox out_;               // requests of the entries after written_, not yet handed to a write
  bool connected_ = false;
  bool down_ = false;
  uint64_t connects_ = 0;
  std::string last_error_;
};

}  // namespace codis::proxy
