#include "server/client_memory.h"

#include "resp/io_buf.h"

namespace codis::server {

ClientMemory client_memory(const Client& c) {
  ClientMemory m;
  if (c.query_buf != nullptr) {
    m.qbuf = c.query_buf->size();
    m.qbuf_free = c.query_buf->free_space();
    m.qbuf_cap = c.query_buf->capacity();
  }
  for (const auto& q : c.queued) {
    for (const auto& a : q.argv) {
      m.multi += a.size();
    }
  }
  if (c.reply_buf != nullptr) {
    m.obl = c.reply_buf->size();
    m.rbs = c.reply_buf->capacity();
  }
  m.omem = c.outbox.size();
  return m;
}

}  // namespace codis::server
