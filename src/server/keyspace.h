// One logical database: 1024 slot tables (a key lives in the table of its slot, so a slot can be counted,
// scanned and moved without touching the rest), the expiry times of keys that have one, an index of them by
// time for the active expire cycle, and lazy expiry on every lookup. Times are unix milliseconds from the
// caller (wall clock).
#pragma once

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/slot.h"
#include "rt/random.h"
#include "server/config.h"
#include "server/object.h"
#include "server/slot_table.h"

namespace codis::server {

class Db;

// The copy-on-write hook of a running snapshot (persist/snapshot.h): told before an entry it has not saved
// yet changes, expires or goes (whatever the path: a command, the expire cycle, eviction, a migration),
// and before a whole db is emptied or swapped. Reads through find() count as changes (the entry is handed
// out mutable), which only moves that entry's save earlier.
class KeyObserver {
 public:
  virtual void before_change(Db& db, const Entry& e) = 0;
  virtual void before_bulk_change(Db& db) = 0;

 protected:
  ~KeyObserver() = default;
};

class Db {
 public:
  Db() = default;
  Db(Db&&) = default;
  Db& operator=(Db&&) = default;

  // Whether a lookup counts as an access of the key (its LRU clock, OBJECT IDLETIME). kNo is Redis's
  // LOOKUP_NOTOUCH: TYPE, EXISTS, TTL and the rest of the TTL family, OBJECT, SCAN's TYPE filter and
  // RANDOMKEY look without touching.
  enum class Touch : uint8_t { kYes, kNo };
  // Looks a key up and, unless `touch` is kNo, records the access; an expired key is deleted first (lazy
  // expiry) and reported missing.
  Entry* find(std::string_view key, int64_t now_ms, Touch touch = Touch::kYes);
  // Like find, without deleting expired keys or touching the access clock (reads that must not change the
  // keyspace, replicas' reads).
  const Entry* peek(std::string_view key, int64_t now_ms) const;
  // Inserts or overwrites (keeping nothing of the old value, expiry included). Returns the entry.
  Entry& set(std::string_view key, Object value, int64_t expire_ms = -1);
  // Finds or creates an entry holding an empty string; `created` tells which.
  Entry& find_or_create(std::string_view key, int64_t now_ms, bool* created);
  bool remove(std::string_view key);
  // -1 when the entry has no expiry.
  int64_t expire_of(const Entry& e) const;
  // -1 removes the expiry.
  void set_expire(std::string_view key, Entry& e, int64_t expire_ms);
  void set_expire(Entry& e, int64_t expire_ms) { set_expire(e.key(), e, expire_ms); }
  // Redis's keyIsExpired: a key lives through its deadline millisecond (PTTL answers 0 there).
  bool is_expired(const Entry& e, int64_t now_ms) const { return e.has_expire() && expire_of(e) < now_ms; }
  void clear();
  void swap(Db& other);

  size_t size() const { return size_; }
  size_t expires() const { return expire_at_.size(); }
  // INFO keyspace's avg_ttl: the mean time left of the keys with an expiry (0 when none). Exact here, where
  // Redis estimates it from the keys its expiry cycle samples.
  int64_t average_ttl_ms(int64_t now_ms) const;
  size_t slot_size(uint32_t slot) const { return slots_[slot].size(); }
  const SlotTable& slot_table(uint32_t slot) const { return slots_[slot]; }

  // Deletes up to `max` keys whose expiry has passed (< now); returns how many it deleted.
  size_t expire_some(int64_t now_ms, size_t max);
  // A key chosen by `pick` (a uniform draw in [0, n)), or empty when the db is empty.
  std::string random_key(const std::function<uint64_t(uint64_t)>& pick) const;
  // The clock new entries are stamped with (seconds; the server's, updated per command).
  void use_lru_clock(const uint32_t* clock) { lru_clock_ = clock; }
  // While config's maxmemory-policy is *-lfu, accesses keep Redis's LFU counter in Entry::lru (lfu.h),
  // drawing its increments from `random`; otherwise Entry::lru is the last access in seconds.
  void use_access_policy(const Config* config, rt::Random* random) {
    config_ = config;
    random_ = random;
  }
  bool lfu() const { return config_ != nullptr && is_lfu(config_->maxmemory_policy); }
  // Records an access of e now, as a lookup does.
  void touch(Entry& e, int64_t now_ms);
  // A uniformly random key among those with an expiry (`pick` draws uniformly in [0, n)); call it only
  // when expires() > 0.
  std::string random_volatile_key(const std::function<uint64_t(uint64_t)>& pick) const;
  // The key that expires first (volatile-ttl), or empty.
  std::string soonest_expiring_key() const;
  // Called with each key the lazy or active expiry deletes (WATCH invalidation, keyspace events).
  void on_expired(std::function<void(std::string_view key)> fn) { expired_hook_ = std::move(fn); }
  // Called with each key a value is stored at: inserted (set, find_or_create) or overwritten by set. The
  // server serves clients blocked on the key from it (Redis's dbAdd -> signalKeyAsReady), so every way a
  // key can appear (push, MOVE, COPY, RENAME, RESTORE, the *STORE commands) wakes them in one place.
  void on_stored(std::function<void(std::string_view key)> fn) { stored_hook_ = std::move(fn); }
  // While clients are paused Redis keeps the data set still: expired keys read as missing but stay.
  void keep_expired(bool on) { keep_expired_ = on; }

  // Snapshots. The position of this db in the server (fixed; SWAPDB swaps contents, not positions).
  int index() const { return index_; }
  void set_index(int i) { index_ = i; }
  // Starts a snapshot: every entry present becomes unsaved (the mark flips), entries created from now on
  // are born saved, and `o` hears of every change to an unsaved entry until end_snapshot.
  void begin_snapshot(KeyObserver* o) {
    mark_ = !mark_;
    observer_ = o;
  }
  // Ends it. `settle` (an abandoned snapshot) marks every entry saved, keeping "all entries carry the
  // current mark" true between snapshots.
  void end_snapshot(bool settle);
  // A db filled apart (a load) takes the server's mark before it is swapped in.
  void same_mark_as(const Db& o) { mark_ = o.mark_; }
  bool saved(const Entry& e) const { return e.snapshot_mark() == mark_; }
  void mark_saved(const Entry& e) const { e.set_snapshot_mark(mark_); }

 private:
  SlotTable& table(std::string_view key) { return slots_[cmd::slot_of(key)]; }
  const SlotTable& table(std::string_view key) const { return slots_[cmd::slot_of(key)]; }
  void erase(SlotTable& t, Entry* e, uint64_t h);
  void drop_expire(Entry& e);
  // Copy-on-write: a running snapshot saves e before it changes (one pointer test when none runs).
  void will_change(const Entry& e) {
    if (observer_ != nullptr && e.snapshot_mark() != mark_) {
      observer_->before_change(*this, e);
    }
  }
  void will_change_all() {
    if (observer_ != nullptr) {
      observer_->before_bulk_change(*this);
    }
  }

  std::array<SlotTable, cmd::kSlots> slots_;
  // Keyed by entry address (looked up only, never iterated, so the table's salted order is invisible).
  struct Expiry {
    int64_t at;     // unix ms
    uint32_t slot;  // index in volatile_
  };
  absl::flat_hash_map<const Entry*, Expiry> expire_at_;
  // Every entry with an expiry, in no order (swap-removed): volatile-* eviction draws from it uniformly.
  std::vector<Entry*> volatile_;
  // (time, key bytes of the entry): the views point into entries, removed before the entry is freed.
  absl::btree_set<std::pair<int64_t, std::string_view>> expire_index_;
  __int128 expire_sum_ms_ = 0;  // of expire_at_'s times: a million keys' unix ms overflow 64 bits
  size_t size_ = 0;
  std::function<void(std::string_view)> expired_hook_;
  std::function<void(std::string_view)> stored_hook_;
  const uint32_t* lru_clock_ = nullptr;
  const Config* config_ = nullptr;
  rt::Random* random_ = nullptr;
  bool keep_expired_ = false;
  int index_ = 0;
  bool mark_ = false;
  KeyObserver* observer_ = nullptr;
};

}  // namespace codis::server
