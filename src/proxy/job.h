// A client's request inside the proxy: one Job per command the client sent, holding the Calls it was split
// into (one per backend request: one for a single-slot command, one per backend for MGET/MSET/DEL..., one
// per group for DBSIZE) and, once every call has its reply, the reply to the client.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cmd/policy.h"
#include "rt/event.h"
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
  int redirects = 0;     // MOVED/ASK/TRYAGAIN followed so far
  bool retried = false;  // a read sent again after its connection broke (once at most)
};

struct Job {
  cmd::Merge merge = cmd::Merge::kNone;
  std::vector<Call> calls;
  size_t calls_left = 0;
  uint32_t keys = 0;  // split commands: how many keys the client sent
  std::string reply;  // the client's reply, once done
  bool done = false;
  bool close_after = false;     // QUIT: close once this reply is written
  bool readonly = false;        // a read: may be sent again once if its connection breaks
  size_t request_bytes = 0;     // what the client sent for it (the session's backpressure counts it)
  rt::MonoTime started{};       // redirects and retries give up at started + the redirect deadline
  rt::Event* notify = nullptr;  // the session's writer, woken when the job is done (null once it left)

  void finish(std::string r) {
    reply = std::move(r);
    done = true;
    if (notify != nullptr) {
      notify->set();
    }
  }
};

using JobPtr = std::shared_ptr<Job>;

}  // namespace codis::proxy
