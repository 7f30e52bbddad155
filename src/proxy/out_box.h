// OutBox: the bytes a proxy connection has queued for its peer, and the loop that writes them. Requests
// collect in the box while the previous write is in flight and go out together in the next one, so a
// pipeline of many requests costs one write per batch, not one per request.
#pragma once

#include <string>
#include <string_view>

#include "rt/event.h"
#include "rt/net.h"
#include "rt/task.h"

namespace codis::proxy {

class OutBox {
 public:
  explicit OutBox(rt::Executor& ex) : ready_(ex) {}

  bool empty() const { return pending_.empty(); }
  // Queues bytes; the writer picks them up on its next turn.
  void append(std::string_view bytes) {
    pending_.append(bytes);
    ready_.set();
  }
  // Drops what is queued and not yet handed to a write (the connection is gone).
  void clear() {
    pending_.clear();
    ready_.reset();
  }
  // Wakes the writer if something is queued (after a reconnect kept the box's contents).
  void kick() {
    if (!pending_.empty()) ready_.set();
  }

  // Writes batches until a write fails. on_batch runs when a batch is taken from the box and before it is
  // written: from then on the requests in it may reach the peer.
  template <class OnBatch>
  rt::Task<void> write_loop(rt::Stream& s, OnBatch on_batch) {
    std::string sending;
    for (;;) {
      while (pending_.empty()) {
        ready_.reset();
        co_await ready_.wait();
      }
      sending.swap(pending_);
      pending_.clear();
      on_batch();
      auto written = co_await rt::write_all(s, sending);
      if (!written.ok()) {
        co_return;
      }
      sending.clear();
      if (sending.capacity() > kKeepCapacity) {
        std::string().swap(sending);  // one flood of large values does not pin its buffer for good
      }
    }
  }

 private:
  static constexpr size_t kKeepCapacity = 1024 * 1024;
  std::string pending_;
  rt::Event ready_;
};

}  // namespace codis::proxy
