// The SLOTSRESTORE-ASYNC messages that move one key (Codis's wire protocol, docs/slots.md), produced one at a
// time so a big value goes out in chunks between which the server serves other clients: `del key` first
// (a retried key starts over on the target), then either one `object key ttl payload` (a DUMP payload) or,
// for a list, hash, set or sorted set of more than 2 x maxbulks elements, chunk messages of at most maxbulks
// elements and about maxbytes bytes, each setting a temporary TTL (3 x timeout, so a copy abandoned half
// way expires by itself), and a final `expire key ttl`. The key is looked up again for every message: the
// caller keeps its value from changing (writes to a key in flight are refused), and a key that expired or
// was evicted meanwhile ends its stream with a `del`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/keyspace.h"

namespace codis::server {

struct StreamLimits {
  int64_t timeout_ms = 30000;
  size_t maxbulks = 1000;
  size_t maxbytes = 256 * 1024;
  // The target takes `IDLETIME s` / `FREQ n` after object and expire (a codis-cpp target does; Codis's
  // own refuses extra arguments), so the LRU/LFU stamp travels with the value.
  bool stamps = false;
  bool lfu = false;  // the source's maxmemory-policy is *-lfu: send FREQ, else IDLETIME
  int64_t lfu_decay_minutes = 1;
};

class KeyStream {
 public:
  enum class Stage : uint8_t { kPrepare, kPayload, kChunked, kFillTtl, kDone };

  explicit KeyStream(std::string key) : key_(std::move(key)) {}

  // Appends the key's next message (its argv) to *out and returns true, or returns false when the stream
  // has ended. `lru_clock` is the server's clock in seconds (for IDLETIME).
  bool next(const Db& db, int64_t now_ms, uint32_t lru_clock, const StreamLimits& limits,
            std::vector<std::string>* out);

  const std::string& key() const { return key_; }
  Stage stage() const { return stage_; }
  bool done() const { return stage_ == Stage::kDone; }
  // The key was here when its stream began and stayed until it ended: the target has it, the source
  // deletes it once everything is acknowledged.
  bool moved() const { return done() && found_ && !vanished_; }
  // Something of the key was sent (its `del` at least): the target may hold a copy.
  bool started() const { return found_; }
  bool chunked() const { return chunked_; }
  // For SLOTSMGRT-ASYNC-STATUS.
  uint64_t cursor() const { return cursor_; }
  size_t index() const { return index_; }
  size_t chunks() const { return chunks_; }
  ObjType type() const { return type_; }

  static std::string_view stage_name(Stage s);

 private:
  void chunk(const Object& o, const StreamLimits& limits, std::vector<std::string>* out);
  void stamp(const Entry& e, int64_t now_ms, uint32_t lru_clock, const StreamLimits& limits,
             std::vector<std::string>* out) const;

  std::string key_;
  Stage stage_ = Stage::kPrepare;
  ObjType type_ = ObjType::kString;
  bool found_ = false;
  bool vanished_ = false;
  bool chunked_ = false;
  uint64_t cursor_ = 0;  // hash and set: the table's scan cursor
  size_t index_ = 0;     // list and sorted set: elements sent
  size_t chunks_ = 0;
};

}  // namespace codis::server
