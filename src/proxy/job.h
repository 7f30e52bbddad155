// A client's request inside the proxy: one Job per command the client sent, holding the Calls it was split
// into (one per backend request: one for a single-slot command, one per backend for MGET/MSET/DEL..., one
// per group for DBSIZE) and, once every call has its reply, the reply to the client.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cmd/policy.h"
#include "cmd/spec.h"
#include "rt/event.h"
#include "rt/net.h"
#include "rt/time.h"

namespace codis::proxy {

// One request to one backend, and its reply.
struct Call {
  std::string wire;   // the request as RESP (a multibulk), ready to send
  int32_t slot = -1;  // the slot its keys hash to, -1 for a keyless request
  int group = 0;      // keyless: the group whose master gets it (0: any group)
  // Which of the job's keys this call carries (split commands: the merge puts replies back in key order).
  std::vector<uint32_t> key_positions;
  std::string reply;  // the backend's raw reply bytes once done
  bool done = false;
  int redirects = 0;        // MOVED/ASK/TRYAGAIN followed so far
  bool retried = false;     // a read sent again after its connection broke (once at most)
  bool no_replica = false;  // a read whose replica failed it: the master answers
  // Replies the wire gets before the one that answers the call (a transaction sent as MULTI, its commands
  // and EXEC: MULTI's +OK and the +QUEUED ones).
  uint32_t extra_replies = 0;
  // Non-zero: the call must go out on this connection of its backend (Backend::connection_for_send), the
  // one that ran the client's WATCH; on any other it fails unsent.
  uint64_t need_connection = 0;
  // Forwarding on a migrating slot (RoutingTable::forward): the call's keys (filled by the router for such
  // slots only), the step it is at, and its own request while the source gets the forwarding one.
  enum class Step : uint8_t { kRoute, kAtSource, kToTarget };
  std::vector<std::string> keys;
  Step step = Step::kRoute;
  bool forward_sync = false;  // the request at the source is SLOTSMGRTTAGONE (else SLOTSMGRT-EXEC-WRAPPER)
  // Any error among the extra replies becomes the call's reply (several SLOTSMGRTTAGONE in one request).
  bool fail_on_extra_error = false;
  std::string held_wire;
  uint32_t held_extra = 0;
};

class Backend;

// Where a session's calls go when they must not share a connection with other clients (a blocking command,
// a transaction under WATCH): the session's own connection to the server that serves them.
class PinnedRoute {
 public:
  virtual ~PinnedRoute() = default;
  // The session's own connection to `addr` (made on demand, kept until the session ends).
  virtual Backend& to(const rt::Endpoint& addr) = 0;
};

struct Job {
  cmd::Merge merge = cmd::Merge::kNone;
  std::vector<Call> calls;
  size_t calls_left = 0;
  uint32_t keys = 0;  // split commands: how many keys the client sent
  std::string reply;  // the client's reply, once done
  bool done = false;
  bool close_after = false;  // QUIT: close once this reply is written
  bool readonly = false;     // a read: may be sent again once if its connection breaks
  size_t request_bytes = 0;  // what the client sent for it (the session's backpressure counts it)
  const cmd::CommandSpec* spec = nullptr;  // the command, for its statistics (null: unknown command)
  rt::MonoTime arrived{};                  // when the read that brought it completed
  rt::MonoTime started{};                  // redirects and retries give up at started + the redirect deadline
  rt::Event* notify = nullptr;   // the session's writer, woken when the job is done (null once it left)
  int protocol = 2;              // the client's RESP version: its calls go over backends speaking it
  bool pinned = false;           // its calls go over the session's own connection (pin), never a shared one
  bool follow_redirects = true;  // false under WATCH: a redirect fails the call instead (not run)
  PinnedRoute* pin = nullptr;    // the session's connections (null once the session left)
  // Replaces merge_replies for the commands the session fans out itself (KEYS, SCAN, RANDOMKEY).
  std::function<std::string(const Job&)> merge_fn;

  // The session's count of reply bytes not yet written (null once it left): backpressure counts them.
  size_t* reply_bytes = nullptr;

  void finish(std::string r) {
    reply = std::move(r);
    done = true;
    if (reply_bytes != nullptr) {
      *reply_bytes += reply.size();
    }
    if (notify != nullptr) {
      notify->set();
    }
  }
};

using JobPtr = std::shared_ptr<Job>;

}  // namespace codis::proxy
