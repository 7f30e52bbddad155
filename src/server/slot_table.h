// The keys of one slot of one database: a chained hash table whose entries are single allocations holding
// the chain link, the value, the access clock and the key bytes (Redis spends a dictEntry, an sds key and
// a robj per key; this spends one block). Power-of-two bucket arrays, grown at load 1 and shrunk below
// 1/8, rehashed at once: a slot holds 1/1024 of the keys, so a rehash is short. SCAN uses Redis's
// reverse-binary cursor, which returns every key present for the whole scan even across resizes.
// Iteration order depends only on the operations applied (deterministic under the simulator).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "server/object.h"

namespace codis::server {

class Entry {
 public:
  Object value;
  uint32_t lru = 0;  // last access, seconds of the server's clock (OBJECT IDLETIME, allkeys-lru)

  std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), key_len_}; }
  bool has_expire() const { return has_expire_ != 0; }
  // The snapshot mark (persist/snapshot.h): a running snapshot has saved this entry when the mark equals
  // its db's current mark. Mutable: the snapshot walks the tables through const iterators.
  bool snapshot_mark() const { return snap_ != 0; }
  void set_snapshot_mark(bool m) const { snap_ = m ? 1 : 0; }

 private:
  friend class SlotTable;
  friend class Db;
  Entry(std::string_view key) : key_len_(static_cast<uint32_t>(key.size())), has_expire_(0), snap_(0) {}
  ~Entry() = default;

  // 30 bits: keys are at most proto-max-bulk-len, itself capped by Redis at 512 MB (2^29).
  uint32_t key_len_ : 30;
  uint32_t has_expire_ : 1;
  mutable uint32_t snap_ : 1;
  Entry* next_ = nullptr;
};
static_assert(sizeof(Entry) == 24);

class SlotTable {
 public:
  SlotTable() = default;
  ~SlotTable() { clear(); }
  SlotTable(SlotTable&& o) noexcept { swap(o); }
  SlotTable& operator=(SlotTable&& o) noexcept {
    SlotTable t(std::move(o));
    swap(t);
    return *this;
  }
  SlotTable(const SlotTable&) = delete;
  SlotTable& operator=(const SlotTable&) = delete;
  void swap(SlotTable& o) noexcept;

  static uint64_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t bucket_count() const { return buckets_ == nullptr ? 0 : mask_ + 1; }

  Entry* find(std::string_view key) const { return find(key, hash(key)); }
  Entry* find(std::string_view key, uint64_t h) const;
  // Adds a key that is not present, with an empty string value.
  Entry* insert(std::string_view key, uint64_t h);
  // Unlinks and frees an entry of this table.
  void erase(Entry* e, uint64_t h);
  void clear();

  // One step of SCAN over this table: visits the chain(s) of the cursor's bucket, returns the next
  // cursor, 0 when the table has been covered.
  uint64_t scan(uint64_t cursor, const std::function<void(const Entry&)>& fn) const;
  // A random entry, chosen like Redis's dictGetFairRandomKey-free path (random non-empty bucket, then a
  // uniform position in its chain); pick(n) returns a uniform draw in [0, n). Null when empty.
  const Entry* random_entry(const std::function<uint64_t(uint64_t)>& pick) const;

  // Bytes held by the bucket array (MEMORY STATS, INFO).
  size_t overhead_bytes() const { return bucket_count() * sizeof(Entry*); }

  class const_iterator {
   public:
    const Entry& operator*() const { return *e_; }
    const Entry* operator->() const { return e_; }
    const_iterator& operator++() {
      e_ = e_->next_;
      if (e_ == nullptr) {
        advance_bucket(b_ + 1);
      }
      return *this;
    }
    bool operator==(const const_iterator& o) const { return e_ == o.e_; }

   private:
    friend class SlotTable;
    const_iterator(const SlotTable* t, size_t b) : t_(t) { advance_bucket(b); }
    const_iterator() = default;
    void advance_bucket(size_t b) {
      e_ = nullptr;
      for (b_ = b; t_ != nullptr && b_ < t_->bucket_count(); ++b_) {
        if ((e_ = t_->buckets_[b_]) != nullptr) {
          return;
        }
      }
    }
    const SlotTable* t_ = nullptr;
    size_t b_ = 0;
    const Entry* e_ = nullptr;
  };
  const_iterator begin() const { return size_ == 0 ? const_iterator() : const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(); }

 private:
  void rehash(size_t buckets);

  Entry** buckets_ = nullptr;
  uint64_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace codis::server
