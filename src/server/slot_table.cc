#include "server/slot_table.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "server/scan_cursor.h"

namespace codis::server {

namespace {

constexpr size_t kMinBuckets = 4;

}  // namespace

void SlotTable::swap(SlotTable& o) noexcept {
  std::swap(buckets_, o.buckets_);
  std::swap(mask_, o.mask_);
  std::swap(size_, o.size_);
}

Entry* SlotTable::find(std::string_view key, uint64_t h) const {
  if (buckets_ == nullptr) {
    return nullptr;
  }
  for (Entry* e = buckets_[h & mask_]; e != nullptr; e = e->next_) {
    if (e->key_len_ == key.size() && std::memcmp(e + 1, key.data(), key.size()) == 0) {
      return e;
    }
  }
  return nullptr;
}

Entry* SlotTable::insert(std::string_view key, uint64_t h) {
  if (size_ >= bucket_count()) {
    rehash(bucket_count() == 0 ? kMinBuckets : bucket_count() * 2);
  }
  void* mem = std::malloc(sizeof(Entry) + key.size());
  if (mem == nullptr) {
    throw std::bad_alloc();
  }
  Entry* e = new (mem) Entry(key);
  if (!key.empty()) {
    std::memcpy(reinterpret_cast<char*>(e + 1), key.data(), key.size());
  }
  Entry*& head = buckets_[h & mask_];
  e->next_ = head;
  head = e;
  ++size_;
  return e;
}

void SlotTable::erase(Entry* e, uint64_t h) {
  for (Entry** p = &buckets_[h & mask_]; *p != nullptr; p = &(*p)->next_) {
    if (*p == e) {
      *p = e->next_;
      e->~Entry();
      std::free(e);
      --size_;
      break;
    }
  }
  if (size_ == 0) {
    clear();
  } else if (bucket_count() > kMinBuckets && size_ * 8 < bucket_count()) {
    size_t n = kMinBuckets;
    while (n < size_) {
      n *= 2;
    }
    rehash(n);
  }
}

void SlotTable::clear() {
  for (size_t b = 0; b < bucket_count(); ++b) {
    for (Entry* e = buckets_[b]; e != nullptr;) {
      Entry* next = e->next_;
      e->~Entry();
      std::free(e);
      e = next;
    }
  }
  std::free(buckets_);
  buckets_ = nullptr;
  mask_ = 0;
  size_ = 0;
}

void SlotTable::rehash(size_t n) {
  auto** nb = static_cast<Entry**>(std::calloc(n, sizeof(Entry*)));
  if (nb == nullptr) {
    throw std::bad_alloc();
  }
  const uint64_t nmask = n - 1;
  // Deterministic: the new order depends only on the old one (iteration order is a function of the ops).
  for (size_t b = 0; b < bucket_count(); ++b) {
    for (Entry* e = buckets_[b]; e != nullptr;) {
      Entry* next = e->next_;
      Entry*& head = nb[hash(e->key()) & nmask];
      e->next_ = head;
      head = e;
      e = next;
    }
  }
  std::free(buckets_);
  buckets_ = nb;
  mask_ = nmask;
}

uint64_t SlotTable::scan(uint64_t cursor, const std::function<void(const Entry&)>& fn) const {
  if (size_ == 0) {
    return 0;
  }
  for (const Entry* e = buckets_[cursor & mask_]; e != nullptr; e = e->next_) {
    fn(*e);
  }
  return next_scan_cursor(cursor, mask_);
}

const Entry* SlotTable::random_entry(const std::function<uint64_t(uint64_t)>& pick) const {
  if (size_ == 0) {
    return nullptr;
  }
  const Entry* head = nullptr;
  while (head == nullptr) {
    head = buckets_[pick(bucket_count())];
  }
  size_t len = 0;
  for (const Entry* e = head; e != nullptr; e = e->next_) {
    ++len;
  }
  size_t i = pick(len);
  while (i-- > 0) {
    head = head->next_;
  }
  return head;
}

}  // namespace codis::server
