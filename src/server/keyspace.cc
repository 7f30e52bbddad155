#include "server/keyspace.h"

#include <algorithm>

#include "server/lfu.h"

namespace codis::server {

Entry* Db::find(std::string_view key, int64_t now_ms, Touch touch) {
  SlotTable& t = table(key);
  const uint64_t h = SlotTable::hash(key);
  Entry* e = t.find(key, h);
  if (e == nullptr) {
    return nullptr;
  }
  if (e->has_expire() && expire_of(*e) < now_ms) {
    if (keep_expired_) {
      return nullptr;
    }
    std::string k(key);  // the entry's key bytes die with it
    erase(t, e, h);
    if (expired_hook_) {
      expired_hook_(k);
    }
    return nullptr;
  }
  will_change(*e);
  if (touch == Touch::kYes) {
    this->touch(*e, now_ms);
  }
  return e;
}

void Db::touch(Entry& e, int64_t now_ms) {
  if (lfu()) {
    e.lru = lfu::touched(e.lru, now_ms, config_->lfu_decay_time, config_->lfu_log_factor, random_->real01());
  } else {
    e.lru = static_cast<uint32_t>(now_ms / 1000);
  }
}

const Entry* Db::peek(std::string_view key, int64_t now_ms) const {
  const Entry* e = table(key).find(key);
  if (e == nullptr || (e->has_expire() && expire_of(*e) < now_ms)) {
    return nullptr;
  }
  return e;
}

Entry& Db::set(std::string_view key, Object value, int64_t expire_ms) {
  SlotTable& t = table(key);
  const uint64_t h = SlotTable::hash(key);
  Entry* e = t.find(key, h);
  const bool created = e == nullptr;
  if (created) {
    e = t.insert(key, h);
    e->set_snapshot_mark(mark_);
    ++size_;
  } else {
    will_change(*e);
    if (e->has_expire()) {
      drop_expire(*e);
    }
  }
  if (lru_clock_ != nullptr) {
    if (!lfu()) {
      e->lru = *lru_clock_;
    } else if (created) {
      e->lru = lfu::stamp(int64_t{*lru_clock_} * 1000);
    }  // else Redis's dbSetValue keeps the counter (the command's lookup of the key counted the access)
  }
  e->value = std::move(value);
  if (expire_ms >= 0) {
    set_expire(*e, expire_ms);
  }
  if (stored_hook_) {
    stored_hook_(key);
  }
  return *e;
}

Entry& Db::find_or_create(std::string_view key, int64_t now_ms, bool* created) {
  if (Entry* e = find(key, now_ms)) {
    *created = false;
    return *e;
  }
  *created = true;
  ++size_;
  Entry* e = table(key).insert(key, SlotTable::hash(key));
  e->set_snapshot_mark(mark_);
  e->lru = lfu() ? lfu::stamp(now_ms) : static_cast<uint32_t>(now_ms / 1000);
  if (stored_hook_) {
    stored_hook_(key);
  }
  return *e;
}

bool Db::remove(std::string_view key) {
  SlotTable& t = table(key);
  const uint64_t h = SlotTable::hash(key);
  Entry* e = t.find(key, h);
  if (e == nullptr) {
    return false;
  }
  erase(t, e, h);
  return true;
}

void Db::erase(SlotTable& t, Entry* e, uint64_t h) {
  will_change(*e);
  if (e->has_expire()) {
    drop_expire(*e);
  }
  t.erase(e, h);
  --size_;
}

int64_t Db::expire_of(const Entry& e) const {
  if (!e.has_expire()) {
    return -1;
  }
  auto it = expire_at_.find(&e);
  return it == expire_at_.end() ? -1 : it->second.at;
}

void Db::drop_expire(Entry& e) {
  auto it = expire_at_.find(&e);
  if (it != expire_at_.end()) {
    const Expiry x = it->second;
    expire_index_.erase({x.at, e.key()});
    expire_sum_ms_ -= x.at;
    expire_at_.erase(it);
    Entry* last = volatile_.back();
    volatile_.pop_back();
    if (last != &e) {
      volatile_[x.slot] = last;
      expire_at_[last].slot = x.slot;
    }
  }
  e.has_expire_ = 0;
}

void Db::set_expire(std::string_view, Entry& e, int64_t expire_ms) {
  will_change(e);
  if (e.has_expire()) {
    drop_expire(e);
  }
  if (expire_ms >= 0) {
    expire_at_[&e] = Expiry{expire_ms, static_cast<uint32_t>(volatile_.size())};
    volatile_.push_back(&e);
    expire_index_.insert({expire_ms, e.key()});
    expire_sum_ms_ += expire_ms;
    e.has_expire_ = 1;
  }
}

void Db::clear() {
  will_change_all();
  expire_index_.clear();
  volatile_.clear();
  expire_sum_ms_ = 0;
  expire_at_.clear();
  for (auto& t : slots_) {
    t.clear();
  }
  size_ = 0;
}

void Db::swap(Db& other) {
  will_change_all();
  other.will_change_all();
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].swap(other.slots_[i]);
  }
  expire_at_.swap(other.expire_at_);
  volatile_.swap(other.volatile_);
  expire_index_.swap(other.expire_index_);
  std::swap(expire_sum_ms_, other.expire_sum_ms_);
  std::swap(size_, other.size_);
}

void Db::end_snapshot(bool settle) {
  observer_ = nullptr;
  if (settle) {
    for (const auto& t : slots_) {
      for (const Entry& e : t) {
        mark_saved(e);
      }
    }
  }
}

int64_t Db::average_ttl_ms(int64_t now_ms) const {
  if (expire_at_.empty()) {
    return 0;
  }
  const auto mean = static_cast<int64_t>(expire_sum_ms_ / static_cast<__int128>(expire_at_.size()));
  return std::max<int64_t>(0, mean - now_ms);
}

size_t Db::expire_some(int64_t now_ms, size_t max) {
  size_t n = 0;
  std::string k;
  while (n < max && !expire_index_.empty()) {
    auto it = expire_index_.begin();
    if (it->first >= now_ms) {
      break;
    }
    k.assign(it->second);
    SlotTable& t = table(k);
    const uint64_t h = SlotTable::hash(k);
    erase(t, t.find(k, h), h);
    ++n;
    if (expired_hook_) {
      expired_hook_(k);
    }
  }
  return n;
}

std::string Db::random_volatile_key(const std::function<uint64_t(uint64_t)>& pick) const {
  return volatile_.empty() ? std::string() : std::string(volatile_[pick(volatile_.size())]->key());
}

std::string Db::soonest_expiring_key() const {
  return expire_index_.empty() ? std::string() : std::string(expire_index_.begin()->second);
}

std::string Db::random_key(const std::function<uint64_t(uint64_t)>& pick) const {
  if (size_ == 0) {
    return {};
  }
  // A slot weighted by its size, then an entry inside it.
  uint64_t target = pick(size_);
  for (const auto& t : slots_) {
    if (target < t.size()) {
      return std::string(t.random_entry(pick)->key());
    }
    target -= t.size();
  }
  return {};
}

}  // namespace codis::server
