// One client of the proxy: reads its commands, routes each as soon as it is parsed, and writes the replies
// back strictly in request order, in one write per batch of finished replies. A client that stops reading
// its replies is stopped being read in turn (backpressure), never disconnected for it. The session also
// keeps what is the client's own: its name, RESP version, a transaction being queued, WATCH, and the
// connections of its own that blocking commands and watched transactions need.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/spec.h"
#include "proxy/job.h"
#include "proxy/subscriber.h"
#include "resp/io_buf.h"
#include "rt/event.h"
#include "rt/net.h"
#include "rt/scope.h"
#include "rt/task.h"

namespace codis::proxy {

class Proxy;

class Session : public PinnedRoute {
 public:
  Session(Proxy& proxy, rt::StreamPtr stream, uint64_t id);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves the client until it leaves, a write fails or a QUIT's reply is out.
  rt::Task<void> run();

  // PinnedRoute: this client's own connection to addr (one per server, kept until the client leaves).
  Backend& to(const rt::Endpoint& addr) override;

  // The routing table changed: channels whose slot has another owner now are subscribed there (and dropped
  // where they were), patterns are subscribed on new groups, connections to servers of no group are closed.
  void table_changed();

 private:
  struct Pinned {
    std::unique_ptr<Backend> conn;
    std::unique_ptr<rt::Scope> scope;  // runs conn; destroyed before it
  };
  rt::Task<void> read_loop();
  rt::Task<void> write_loop();
  // Turns one parsed command into a job appended to jobs_ (done at once for local replies and errors).
  // raw: the request's bytes when they are a RESP multibulk (see route()).
  void handle(std::span<const std::string_view> argv, std::string_view raw);
  // Commands the proxy answers itself; false when argv is not one of them.
  bool local(std::span<const std::string_view> argv, const cmd::CommandSpec& spec, Job& job);
  // MULTI ... EXEC: queued here, sent as one block to the slot's server at EXEC.
  bool transaction(std::span<const std::string_view> argv, const cmd::CommandSpec& spec);
  void queue_in_transaction(std::span<const std::string_view> argv, const cmd::CommandSpec& spec);
  void exec();
  void end_transaction();
  // end_transaction, and UNWATCH on the server holding WATCHed keys; then `reply` to the client.
  void end_transaction_and_unwatch(std::string reply);
  void watch(std::span<const std::string_view> argv, const cmd::CommandSpec& spec);
  // KEYS, SCAN, RANDOMKEY: every group asked, replies merged here.
  void fan_out(std::span<const std::string_view> argv, std::string_view name);
  std::string info(std::span<const std::string_view> argv) const;
  // (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, (S)PUBLISH, PUBSUB ...: false when argv is none of them.
  bool pubsub(std::span<const std::string_view> argv, std::string_view name);
  Subscriber& subscriber(const rt::Endpoint& addr);
  std::string confirmation(std::string_view kind, const std::string* name, size_t count) const;
  size_t subscriptions() const;  // channels and patterns (shard channels count apart, as in Redis)
  void drop_subscriptions();
  // A server confirmed a subscription: the SUBSCRIBE waiting for it may reply.
  void confirmed(std::string_view kind, std::string_view name);
  // Pushes `job`, which replies `reply` once `waits` confirmations came (at once when none is awaited).
  void reply_when_confirmed(JobPtr job, size_t waits, std::string reply);
  std::string hello_reply() const;
  void push_done(std::string reply, bool close_after = false);
  void push(JobPtr job);
  // Starts a pushed job with `go` now or, behind a barrier (see pump), later.
  void launch(const JobPtr& job, std::function<void()> go);
  // launch() with Proxy::start, without building a callback when nothing waits.
  void launch_shared(const JobPtr& job);
  void pump();
  bool full() const;

  Proxy& proxy_;
  rt::StreamPtr stream_;
  uint64_t id_;
  std::string name_;                             // CLIENT SETNAME
  const cmd::CommandSpec* last_spec_ = nullptr;  // the command handle() just took (for its statistics)
  bool authenticated_;
  int protocol_ = 2;
  std::deque<JobPtr> jobs_;   // in request order; the front's reply is the next one written
  size_t pending_bytes_ = 0;  // request bytes of jobs_ (Job::request_bytes)
  size_t reply_bytes_ = 0;    // reply bytes of the done jobs_ not written yet (Job::reply_bytes)
  rt::Event job_done_;        // a job finished (maybe the front)
  rt::Event room_;            // the writer drained some jobs
  bool input_closed_ = false;
  bool stop_reading_ = false;  // after QUIT or a protocol error

  // MULTI state: the queued commands' requests, their slot (-1: none keyed yet), and why EXEC must fail.
  bool in_multi_ = false;
  std::vector<std::string> tx_;
  int32_t tx_slot_ = -1;
  bool tx_failed_ = false;
  // WATCH: the server holding the watch (over pins_), its slot, and which connection to it ran the WATCH.
  bool watching_ = false;
  int32_t watch_slot_ = -1;
  rt::Endpoint watch_addr_;
  uint64_t watch_connection_ = 0;
  std::map<std::string, Pinned> pins_;
  // Commands waiting to start behind a barrier (a command on the client's own connection), in order.
  struct Held {
    JobPtr job;
    std::function<void()> go;
  };
  std::deque<Held> held_;
  JobPtr barrier_;  // the running barrier command

  // Pub/sub: channel -> the server it is subscribed on, patterns (on every group), and the connections.
  struct SubConn {
    std::unique_ptr<Subscriber> sub;
    std::unique_ptr<rt::Scope> scope;  // runs sub; destroyed before it
  };
  std::map<std::string, rt::Endpoint> channels_, shards_;
  std::set<std::string> patterns_;
  std::map<std::string, SubConn> subscribers_;
  std::multimap<std::string, JobPtr> awaiting_;  // "subscribe:<name>" ... -> the command waiting for it
  std::string pushes_;                           // messages to write after the replies ready now
  size_t writing_bytes_ = 0;                     // the batch being written to the client now
  rt::MonoTime over_soft_since_{};               // pushes over the soft output limit since then
  // A subscriber that does not read its messages: past the pub/sub output limits it is disconnected.
  bool over_output_limit();
};

}  // namespace codis::proxy
