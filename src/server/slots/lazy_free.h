// Values a migration deleted, freed a few thousand elements at a time by a task of the server, so that
// dropping a moved 5-million-field hash does not stall other clients for the hundreds of milliseconds one
// free would take (Codis frees them the same way, from its cron).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "server/object.h"

namespace codis::server {

class LazyFree {
 public:
  // Values at most this big are freed at once by add().
  static constexpr size_t kStep = 4096;

  void add(Object o);
  // Frees up to about `budget` elements; whether anything is left.
  bool step(size_t budget = kStep);
  bool empty() const { return values_.empty(); }
  size_t pending() const { return values_.size(); }
  // Whether the server's task that calls step() is running.
  bool running = false;

 private:
  std::deque<Object> values_;
  uint64_t cursor_ = 0;  // the front hash's or set's scan cursor
};

}  // namespace codis::server
