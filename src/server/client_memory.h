// What a client's connection holds in memory, from the connection loop's buffers: CLIENT LIST's qbuf,
// qbuf-free, multi-mem, rbs, obl, omem and tot-mem, and INFO's client buffer and memory figures.
#pragma once

#include <cstddef>

#include "server/client.h"

namespace codis::server {

struct ClientMemory {
  size_t qbuf = 0;       // query bytes not yet parsed
  size_t qbuf_free = 0;  // room left in the query buffer
  size_t qbuf_cap = 0;
  size_t multi = 0;  // bytes of the commands queued in MULTI
  size_t obl = 0;    // reply bytes not yet written
  size_t rbs = 0;    // the reply buffer's capacity
  size_t omem = 0;   // pushes waiting in the outbox
  size_t total() const { return qbuf_cap + rbs + omem + multi + sizeof(Client); }
};

ClientMemory client_memory(const Client& c);

}  // namespace codis::server
