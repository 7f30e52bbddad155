// One async migration batch (SLOTSMGRT*-ASYNC): the keys it moves, each as a stream of SLOTSRESTORE-ASYNC
// messages, the link they go over, the clients waiting for its end (the caller and any FENCE), and what
// SLOTSMGRT-ASYNC-STATUS reports. At most one per database; Migrations holds it while it runs.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rt/net.h"
#include "server/slots/key_stream.h"
#include "server/slots/link.h"

namespace codis::server {

struct AsyncBatch {
  int db = 0;
  rt::Endpoint to;
  StreamLimits limits;
  bool by_slot = false;  // reply [moved, left in slot] instead of moved
  uint32_t slot = 0;
  std::vector<std::string> keys;  // every key of the batch (in flight until the batch ends)
  std::deque<KeyStream> streams;  // in order; those before `current` have ended
  size_t current = 0;
  std::unique_ptr<MigrationLink> link;
  std::vector<std::pair<uint64_t, uint64_t>> waiters;  // (client id, ticket): the caller, FENCE callers
  size_t sending = 0;                                  // messages sent and not acknowledged yet
  size_t sent = 0;                                     // messages sent in all
  int64_t started_ms = 0;
  int64_t lastuse_ms = 0;  // the last ACK (or the start)
  bool cancelled = false;  // SLOTSMGRT-ASYNC-CANCEL ended it; its task only leaves
};

}  // namespace codis::server
