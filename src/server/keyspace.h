// One logical database: 1024 slot tables (a key lives in the table of its slot, so a slot can be counted,
// scanned and moved without touching the rest), an index of keys by expiry time for the active expire
// cycle, and lazy expiry on every lookup. Times are unix milliseconds from the caller (wall clock).
#pragma once

#include <absl/container/btree_set.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/slot.h"
#include "server/dict.h"
#include "server/object.h"

namespace codis::server {

struct Entry {
  Object value;
  int64_t expire_ms = -1;  // -1: no expiry
  uint32_t lru = 0;        // last access, in seconds of the server clock (OBJECT IDLETIME)
};

class Db {
 public:
  using Table = StrMap<Entry>;

  // Looks a key up; an expired key is deleted first (lazy expiry) and reported missing.
  Entry* find(std::string_view key, int64_t now_ms);
  // Like find, without deleting expired keys (for read paths that must not write, e.g. on replicas).
  const Entry* peek(std::string_view key, int64_t now_ms) const;
  // Inserts or overwrites (keeping nothing of the old value, expiry included). Returns the entry.
  Entry& set(std::string_view key, Object value, int64_t expire_ms = -1);
  // Finds or creates an empty entry; `created` tells which.
  Entry& find_or_create(std::string_view key, int64_t now_ms, bool* created);
  bool remove(std::string_view key);
  void set_expire(std::string_view key, Entry& e, int64_t expire_ms);
  void clear();
  void swap(Db& other);

  size_t size() const { return size_; }
  size_t expires() const { return expire_index_.size(); }
  size_t slot_size(uint32_t slot) const { return slots_[slot].size(); }
  const Table& slot_table(uint32_t slot) const { return slots_[slot]; }

  // Deletes up to `max` keys whose expiry is <= now; returns how many it deleted.
  size_t expire_some(int64_t now_ms, size_t max);
  // A key chosen by `pick` (a uniform draw in [0, n)), or empty when the db is empty.
  std::string random_key(const std::function<uint64_t(uint64_t)>& pick) const;

 private:
  Table& table(std::string_view key) { return slots_[cmd::slot_of(key)]; }
  const Table& table(std::string_view key) const { return slots_[cmd::slot_of(key)]; }

  std::array<Table, cmd::kSlots> slots_;
  absl::btree_set<std::pair<int64_t, std::string>> expire_index_;
  size_t size_ = 0;
};

}  // namespace codis::server
