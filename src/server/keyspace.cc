#include "server/keyspace.h"

namespace codis::server {

Entry* Db::find(std::string_view key, int64_t now_ms) {
  Table& t = table(key);
  auto it = t.find(key);
  if (it == t.end()) {
    return nullptr;
  }
  if (it->second.expire_ms >= 0 && it->second.expire_ms <= now_ms) {
    expire_index_.erase({it->second.expire_ms, it->first});
    t.erase(it);
    --size_;
    return nullptr;
  }
  return &it->second;
}

const Entry* Db::peek(std::string_view key, int64_t now_ms) const {
  const Table& t = table(key);
  auto it = t.find(key);
  if (it == t.end() || (it->second.expire_ms >= 0 && it->second.expire_ms <= now_ms)) {
    return nullptr;
  }
  return &it->second;
}

Entry& Db::set(std::string_view key, Object value, int64_t expire_ms) {
  Table& t = table(key);
  auto it = t.find(key);
  const bool inserted = it == t.end();
  if (inserted) {
    it = t.emplace(std::string(key), Entry{}).first;
    ++size_;
  } else if (it->second.expire_ms >= 0) {
    expire_index_.erase({it->second.expire_ms, it->first});
  }
  it->second.value = std::move(value);
  it->second.expire_ms = -1;
  if (expire_ms >= 0) {
    it->second.expire_ms = expire_ms;
    expire_index_.insert({expire_ms, it->first});
  }
  return it->second;
}

Entry& Db::find_or_create(std::string_view key, int64_t now_ms, bool* created) {
  if (Entry* e = find(key, now_ms)) {
    *created = false;
    return *e;
  }
  *created = true;
  Table& t = table(key);
  ++size_;
  return t.emplace(std::string(key), Entry{}).first->second;
}

bool Db::remove(std::string_view key) {
  Table& t = table(key);
  auto it = t.find(key);
  if (it == t.end()) {
    return false;
  }
  if (it->second.expire_ms >= 0) {
    expire_index_.erase({it->second.expire_ms, it->first});
  }
  t.erase(it);
  --size_;
  return true;
}

void Db::set_expire(std::string_view key, Entry& e, int64_t expire_ms) {
  if (e.expire_ms >= 0) {
    expire_index_.erase({e.expire_ms, std::string(key)});
  }
  e.expire_ms = expire_ms;
  if (expire_ms >= 0) {
    expire_index_.insert({expire_ms, std::string(key)});
  }
}

void Db::clear() {
  for (auto& t : slots_) {
    Table().swap(t);
  }
  expire_index_.clear();
  size_ = 0;
}

void Db::swap(Db& other) {
  slots_.swap(other.slots_);
  expire_index_.swap(other.expire_index_);
  std::swap(size_, other.size_);
}

size_t Db::expire_some(int64_t now_ms, size_t max) {
  size_t n = 0;
  while (n < max && !expire_index_.empty()) {
    auto it = expire_index_.begin();
    if (it->first > now_ms) {
      break;
    }
    Table& t = table(it->second);
    t.erase(it->second);
    --size_;
    expire_index_.erase(it);
    ++n;
  }
  return n;
}

std::string Db::random_key(const std::function<uint64_t(uint64_t)>& pick) const {
  if (size_ == 0) {
    return {};
  }
  // Pick a slot weighted by its size, then a position inside it: uniform over keys.
  uint64_t target = pick(size_);
  for (const auto& t : slots_) {
    if (target < t.size()) {
      auto it = t.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(target));
      return it->first;
    }
    target -= t.size();
  }
  return {};
}

}  // namespace codis::server
