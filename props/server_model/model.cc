#include "props/server_model/model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

namespace codis::server::model {
namespace {

constexpr const char* kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr const char* kNotInteger = "ERR value is not an integer or out of range";
constexpr const char* kOverflow = "ERR increment or decrement would overflow";

// RESP2 encoding, written out here rather than borrowed from the server's writer.
struct Reply {
  std::string s;
  Order order = Order::kExact;
  void simple(const std::string& v) { s += "+" + v + "\r\n"; }
  void error(const std::string& v) { s += "-" + v + "\r\n"; }
  void integer(int64_t v) { s += ":" + std::to_string(v) + "\r\n"; }
  void bulk(const std::string& v) { s += "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n"; }
  void nil() { s += "$-1\r\n"; }
  void nil_array() { s += "*-1\r\n"; }
  void array(size_t n) { s += "*" + std::to_string(n) + "\r\n"; }
  void ok() { simple("OK"); }
  Expected done() { return {std::move(s), order}; }
};

// Redis's string2ll: optional '-', no leading zeros, no '+', no spaces, fits in int64.
bool parse_ll(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  size_t i = 0;
  const bool neg = s[0] == '-';
  if (neg) ++i;
  if (i >= s.size() || s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = v == static_cast<uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<int64_t>(v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

int64_t ll(const std::string& s) {
  int64_t v = 0;
  parse_ll(s, &v);
  return v;
}

std::string score_text(double d) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

double parse_score(const std::string& s) {
  if (s == "inf" || s == "+inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  return std::strtod(s.c_str(), nullptr);
}

// A ZRANGEBYSCORE bound: "(x" exclusive.
struct Bound {
  double v;
  bool exclusive;
};
Bound parse_bound(const std::string& s) {
  if (!s.empty() && s[0] == '(') return {parse_score(s.substr(1)), true};
  return {parse_score(s), false};
}

// LRANGE / ZRANGE index normalisation: [start, end] inclusive, or nothing.
bool normalise_range(int64_t start, int64_t end, int64_t len, int64_t* s, int64_t* e) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return false;
  if (end >= len) end = len - 1;
  *s = start;
  *e = end;
  return true;
}

std::vector<std::pair<double, std::string>> zorder(const std::map<std::string, double>& z) {
  std::vector<std::pair<double, std::string>> v;
  for (const auto& [m, s] : z) v.emplace_back(s, m);
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

bool Value::empty_container() const {
  switch (type) {
    case Type::kString:
      return false;
    case Type::kList:
      return list.empty();
    case Type::kHash:
      return hash.empty();
    case Type::kSet:
      return set.empty();
    case Type::kZSet:
      return zset.empty();
  }
  return false;
}

Key* Model::lookup(const std::string& key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return nullptr;
  if (expired(it->second)) {
    keys_.erase(it);
    return nullptr;
  }
  return &it->second;
}

std::vector<std::string> Model::live_keys() const {
  std::vector<std::string> out;
  for (const auto& [k, e] : keys_) {
    if (!expired(e)) out.push_back(k);
  }
  return out;
}

size_t Model::live_count() const {
  return live_keys().size();
}

std::optional<Type> Model::type_of(const std::string& key) const {
  auto it = keys_.find(key);
  if (it == keys_.end() || expired(it->second)) return std::nullopt;
  return it->second.value.type;
}

Expected Model::execute(const std::vector<std::string>& a) {
  Reply r;
  const std::string& cmd = a[0];
  // Looks the key up; a key of another type answers WRONGTYPE (returns false).
  auto typed = [&](const std::string& key, Type t, Key** out) {
    *out = lookup(key);
    if (*out != nullptr && (*out)->value.type != t) {
      r.error(kWrongType);
      return false;
    }
    return true;
  };
  auto create = [&](const std::string& key, Type t) -> Key& {
    Key& k = keys_[key];
    k = Key{};
    k.value.type = t;
    return k;
  };
  auto drop_if_empty = [&](const std::string& key) {
    auto it = keys_.find(key);
    if (it != keys_.end() && it->second.value.empty_container()) keys_.erase(it);
  };
  // HDEL, SREM, ZREM: removes argv[2..] from the container `of` picks; the key goes when it empties.
  auto remove_members = [&](Type t, auto of) {
    Key* k;
    if (!typed(a[1], t, &k)) return r.done();
    int64_t n = 0;
    if (k != nullptr) {
      for (size_t i = 2; i < a.size(); ++i) n += static_cast<int64_t>(of(k->value).erase(a[i]));
      drop_if_empty(a[1]);
    }
    r.integer(n);
    return r.done();
  };
  // LLEN, HLEN, SCARD, ZCARD.
  auto length = [&](Type t, auto of) {
    Key* k;
    if (!typed(a[1], t, &k)) return r.done();
    r.integer(k != nullptr ? static_cast<int64_t>(of(k->value).size()) : 0);
    return r.done();
  };

  // Strings.
  if (cmd == "SET") {
    bool nx = false, xx = false, get = false, keepttl = false;
    int64_t ttl_ms = -1;
    for (size_t i = 3; i < a.size(); ++i) {
      if (a[i] == "NX") nx = true;
      if (a[i] == "XX") xx = true;
      if (a[i] == "GET") get = true;
      if (a[i] == "KEEPTTL") keepttl = true;
      if (a[i] == "EX" || a[i] == "PX") {
        const int64_t n = ll(a[i + 1]);
        if (n <= 0) {
          r.error("ERR invalid expire time in 'set' command");
          return r.done();
        }
        ttl_ms = a[i] == "EX" ? n * 1000 : n;
        ++i;
      }
    }
    Key* k = lookup(a[1]);
    if (get) {
      if (k != nullptr && k->value.type != Type::kString) {
        r.error(kWrongType);
        return r.done();
      }
      k != nullptr ? r.bulk(k->value.str) : r.nil();
    }
    if ((nx && k != nullptr) || (xx && k == nullptr)) {
      if (!get) r.nil();
      return r.done();
    }
    const int64_t old_expire = k != nullptr ? k->expire_at : -1;
    Key& n = create(a[1], Type::kString);
    n.value.str = a[2];
    n.expire_at = ttl_ms > 0 ? now_ + ttl_ms : (keepttl ? old_expire : -1);
    if (!get) r.ok();
    return r.done();
  }
  if (cmd == "GET") {
    Key* k;
    if (!typed(a[1], Type::kString, &k)) return r.done();
    k != nullptr ? r.bulk(k->value.str) : r.nil();
    return r.done();
  }
  if (cmd == "APPEND") {
    Key* k;
    if (!typed(a[1], Type::kString, &k)) return r.done();
    if (k == nullptr) k = &create(a[1], Type::kString);
    k->value.str += a[2];
    r.integer(static_cast<int64_t>(k->value.str.size()));
    return r.done();
  }
  if (cmd == "INCRBY") {
    Key* k;
    if (!typed(a[1], Type::kString, &k)) return r.done();
    int64_t cur = 0;
    if (k != nullptr && !parse_ll(k->value.str, &cur)) {
      r.error(kNotInteger);
      return r.done();
    }
    const int64_t by = ll(a[2]);
    if ((by < 0 && cur < 0 && by < INT64_MIN - cur) || (by > 0 && cur > 0 && by > INT64_MAX - cur)) {
      r.error(kOverflow);
      return r.done();
    }
    if (k == nullptr) k = &create(a[1], Type::kString);
    k->value.str = std::to_string(cur + by);
    r.integer(cur + by);
    return r.done();
  }
  if (cmd == "DEL") {
    int64_t n = 0;
    for (size_t i = 1; i < a.size(); ++i) {
      if (lookup(a[i]) != nullptr) {
        keys_.erase(a[i]);
        ++n;
      }
    }
    r.integer(n);
    return r.done();
  }
  if (cmd == "EXISTS") {
    int64_t n = 0;
    for (size_t i = 1; i < a.size(); ++i) n += lookup(a[i]) != nullptr;
    r.integer(n);
    return r.done();
  }
  if (cmd == "STRLEN") {
    Key* k;
    if (!typed(a[1], Type::kString, &k)) return r.done();
    r.integer(k != nullptr ? static_cast<int64_t>(k->value.str.size()) : 0);
    return r.done();
  }
  if (cmd == "GETRANGE") {
    Key* k;
    if (!typed(a[1], Type::kString, &k)) return r.done();
    const std::string s = k != nullptr ? k->value.str : "";
    int64_t start = ll(a[2]), end = ll(a[3]);
    const auto len = static_cast<int64_t>(s.size());
    if (start < 0 && end < 0 && start > end) {
      r.bulk("");
      return r.done();
    }
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len == 0) {
      r.bulk("");
    } else {
      r.bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
    }
    return r.done();
  }
  if (cmd == "SETRANGE") {
    const int64_t off = ll(a[2]);
    if (off < 0) {
      r.error("ERR offset is out of range");
      return r.done();
    }
    Key* k;
    if (!typed(a[1], Type::kString, &k)) return r.done();
    if (a[3].empty()) {
      r.integer(k != nullptr ? static_cast<int64_t>(k->value.str.size()) : 0);
      return r.done();
    }
    if (k == nullptr) k = &create(a[1], Type::kString);
    std::string& s = k->value.str;
    const size_t need = static_cast<size_t>(off) + a[3].size();
    if (s.size() < need) s.resize(need, '\0');
    s.replace(static_cast<size_t>(off), a[3].size(), a[3]);
    r.integer(static_cast<int64_t>(s.size()));
    return r.done();
  }

  // Expiry.
  if (cmd == "EXPIRE" || cmd == "PEXPIRE") {
    Key* k = lookup(a[1]);
    if (k == nullptr) {
      r.integer(0);
      return r.done();
    }
    const int64_t n = ll(a[2]);
    const int64_t when = now_ + (cmd == "EXPIRE" ? n * 1000 : n);
    if (when <= now_) {
      keys_.erase(a[1]);
    } else {
      k->expire_at = when;
    }
    r.integer(1);
    return r.done();
  }
  if (cmd == "TTL" || cmd == "PTTL") {
    Key* k = lookup(a[1]);
    if (k == nullptr) {
      r.integer(-2);
    } else if (k->expire_at < 0) {
      r.integer(-1);
    } else {
      const int64_t left = std::max<int64_t>(0, k->expire_at - now_);
      r.integer(cmd == "TTL" ? (left + 500) / 1000 : left);
    }
    return r.done();
  }
  if (cmd == "PERSIST") {
    Key* k = lookup(a[1]);
    if (k == nullptr || k->expire_at < 0) {
      r.integer(0);
    } else {
      k->expire_at = -1;
      r.integer(1);
    }
    return r.done();
  }

  // Lists.
  if (cmd == "LPUSH" || cmd == "RPUSH") {
    Key* k;
    if (!typed(a[1], Type::kList, &k)) return r.done();
    if (k == nullptr) k = &create(a[1], Type::kList);
    for (size_t i = 2; i < a.size(); ++i) {
      cmd == "LPUSH" ? k->value.list.push_front(a[i]) : k->value.list.push_back(a[i]);
    }
    r.integer(static_cast<int64_t>(k->value.list.size()));
    return r.done();
  }
  if (cmd == "LPOP" || cmd == "RPOP") {
    Key* k;
    if (!typed(a[1], Type::kList, &k)) return r.done();
    const bool has_count = a.size() > 2;
    if (k == nullptr) {
      has_count ? r.nil_array() : r.nil();
      return r.done();
    }
    auto& l = k->value.list;
    auto pop = [&] {
      std::string v = cmd == "LPOP" ? l.front() : l.back();
      cmd == "LPOP" ? l.pop_front() : l.pop_back();
      return v;
    };
    if (!has_count) {
      r.bulk(pop());
    } else {
      const auto n = static_cast<size_t>(std::min<int64_t>(ll(a[2]), static_cast<int64_t>(l.size())));
      r.array(n);
      for (size_t i = 0; i < n; ++i) r.bulk(pop());
    }
    drop_if_empty(a[1]);
    return r.done();
  }
  if (cmd == "LLEN")
    return length(
        Type::kList, [](Value & v) -> auto& { return v.list; });
  if (cmd == "LRANGE") {
    Key* k;
    if (!typed(a[1], Type::kList, &k)) return r.done();
    int64_t s = 0, e = 0;
    if (k == nullptr ||
        !normalise_range(ll(a[2]), ll(a[3]), static_cast<int64_t>(k->value.list.size()), &s, &e)) {
      r.array(0);
      return r.done();
    }
    r.array(static_cast<size_t>(e - s + 1));
    for (int64_t i = s; i <= e; ++i) r.bulk(k->value.list[static_cast<size_t>(i)]);
    return r.done();
  }
  if (cmd == "LINDEX") {
    Key* k;
    if (!typed(a[1], Type::kList, &k)) return r.done();
    if (k == nullptr) {
      r.nil();
      return r.done();
    }
    int64_t i = ll(a[2]);
    const auto len = static_cast<int64_t>(k->value.list.size());
    if (i < 0) i += len;
    i >= 0 && i < len ? r.bulk(k->value.list[static_cast<size_t>(i)]) : r.nil();
    return r.done();
  }
  if (cmd == "LREM") {
    Key* k;
    if (!typed(a[1], Type::kList, &k)) return r.done();
    if (k == nullptr) {
      r.integer(0);
      return r.done();
    }
    const int64_t count = ll(a[2]);
    auto& l = k->value.list;
    int64_t removed = 0;
    const int64_t limit = count == 0 ? INT64_MAX : std::abs(count);
    if (count >= 0) {
      for (auto it = l.begin(); it != l.end() && removed < limit;) {
        if (*it == a[3]) {
          it = l.erase(it);
          ++removed;
        } else {
          ++it;
        }
      }
    } else {
      for (size_t i = l.size(); i-- > 0 && removed < limit;) {
        if (l[i] == a[3]) {
          l.erase(l.begin() + static_cast<std::ptrdiff_t>(i));
          ++removed;
        }
      }
    }
    drop_if_empty(a[1]);
    r.integer(removed);
    return r.done();
  }
  if (cmd == "LTRIM") {
    Key* k;
    if (!typed(a[1], Type::kList, &k)) return r.done();
    if (k != nullptr) {
      auto& l = k->value.list;
      int64_t s = 0, e = 0;
      if (!normalise_range(ll(a[2]), ll(a[3]), static_cast<int64_t>(l.size()), &s, &e)) {
        l.clear();
      } else {
        l.erase(l.begin() + e + 1, l.end());
        l.erase(l.begin(), l.begin() + s);
      }
      drop_if_empty(a[1]);
    }
    r.ok();
    return r.done();
  }

  // Hashes.
  if (cmd == "HSET") {
    Key* k;
    if (!typed(a[1], Type::kHash, &k)) return r.done();
    if (k == nullptr) k = &create(a[1], Type::kHash);
    int64_t added = 0;
    for (size_t i = 2; i + 1 < a.size(); i += 2) {
      added += k->value.hash.count(a[i]) == 0;
      k->value.hash[a[i]] = a[i + 1];
    }
    r.integer(added);
    return r.done();
  }
  if (cmd == "HDEL")
    return remove_members(
        Type::kHash, [](Value & v) -> auto& { return v.hash; });
  if (cmd == "HGET") {
    Key* k;
    if (!typed(a[1], Type::kHash, &k)) return r.done();
    auto it = k != nullptr ? k->value.hash.find(a[2]) : decltype(k->value.hash.find(a[2])){};
    k != nullptr&& it != k->value.hash.end() ? r.bulk(it->second) : r.nil();
    return r.done();
  }
  if (cmd == "HLEN")
    return length(
        Type::kHash, [](Value & v) -> auto& { return v.hash; });
  if (cmd == "HGETALL") {
    Key* k;
    if (!typed(a[1], Type::kHash, &k)) return r.done();
    r.order = Order::kSortedPairs;
    r.array(k != nullptr ? k->value.hash.size() * 2 : 0);
    if (k != nullptr) {
      for (const auto& [f, v] : k->value.hash) {
        r.bulk(f);
        r.bulk(v);
      }
    }
    return r.done();
  }

  // Sets.
  if (cmd == "SADD") {
    Key* k;
    if (!typed(a[1], Type::kSet, &k)) return r.done();
    if (k == nullptr) k = &create(a[1], Type::kSet);
    int64_t n = 0;
    for (size_t i = 2; i < a.size(); ++i) n += k->value.set.insert(a[i]).second;
    r.integer(n);
    return r.done();
  }
  if (cmd == "SREM")
    return remove_members(
        Type::kSet, [](Value & v) -> auto& { return v.set; });
  if (cmd == "SISMEMBER") {
    Key* k;
    if (!typed(a[1], Type::kSet, &k)) return r.done();
    r.integer(k != nullptr && k->value.set.count(a[2]) != 0 ? 1 : 0);
    return r.done();
  }
  if (cmd == "SCARD")
    return length(
        Type::kSet, [](Value & v) -> auto& { return v.set; });
  if (cmd == "SMEMBERS") {
    Key* k;
    if (!typed(a[1], Type::kSet, &k)) return r.done();
    r.order = Order::kSortedElements;
    r.array(k != nullptr ? k->value.set.size() : 0);
    if (k != nullptr) {
      for (const auto& m : k->value.set) r.bulk(m);
    }
    return r.done();
  }

  // Sorted sets: ZADD key [NX|XX] [CH] score member [score member ...].
  if (cmd == "ZADD") {
    Key* k;
    size_t i = 2;
    bool nx = false, xx = false, ch = false;
    for (; i < a.size() && (a[i] == "NX" || a[i] == "XX" || a[i] == "CH"); ++i) {
      nx |= a[i] == "NX";
      xx |= a[i] == "XX";
      ch |= a[i] == "CH";
    }
    if (nx && xx) {
      r.error("ERR XX and NX options at the same time are not compatible");
      return r.done();
    }
    if (!typed(a[1], Type::kZSet, &k)) return r.done();
    if (k == nullptr) {
      if (xx) {
        r.integer(0);
        return r.done();
      }
      k = &create(a[1], Type::kZSet);
    }
    int64_t added = 0, changed = 0;
    for (; i + 1 < a.size(); i += 2) {
      const double s = parse_score(a[i]);
      auto it = k->value.zset.find(a[i + 1]);
      if (it == k->value.zset.end()) {
        if (!xx) {
          k->value.zset[a[i + 1]] = s;
          ++added;
        }
      } else if (!nx && it->second != s) {
        it->second = s;
        ++changed;
      }
    }
    drop_if_empty(a[1]);
    r.integer(ch ? added + changed : added);
    return r.done();
  }
  if (cmd == "ZREM")
    return remove_members(
        Type::kZSet, [](Value & v) -> auto& { return v.zset; });
  if (cmd == "ZSCORE") {
    Key* k;
    if (!typed(a[1], Type::kZSet, &k)) return r.done();
    if (k != nullptr && k->value.zset.count(a[2]) != 0) {
      r.bulk(score_text(k->value.zset.at(a[2])));
    } else {
      r.nil();
    }
    return r.done();
  }
  if (cmd == "ZCARD")
    return length(
        Type::kZSet, [](Value & v) -> auto& { return v.zset; });
  if (cmd == "ZRANGE" || cmd == "ZRANGEBYSCORE") {
    Key* k;
    if (!typed(a[1], Type::kZSet, &k)) return r.done();
    const bool withscores = a.size() > 4 && a[4] == "WITHSCORES";
    std::vector<std::pair<double, std::string>> out;
    if (k != nullptr) {
      const auto all = zorder(k->value.zset);
      if (cmd == "ZRANGE") {
        int64_t s = 0, e = 0;
        if (normalise_range(ll(a[2]), ll(a[3]), static_cast<int64_t>(all.size()), &s, &e)) {
          out.assign(all.begin() + s, all.begin() + e + 1);
        }
      } else {
        const Bound lo = parse_bound(a[2]), hi = parse_bound(a[3]);
        for (const auto& p : all) {
          const bool above = lo.exclusive ? p.first > lo.v : p.first >= lo.v;
          const bool below = hi.exclusive ? p.first < hi.v : p.first <= hi.v;
          if (above && below) out.push_back(p);
        }
      }
    }
    r.array(out.size() * (withscores ? 2 : 1));
    for (const auto& [s, m] : out) {
      r.bulk(m);
      if (withscores) r.bulk(score_text(s));
    }
    return r.done();
  }

  // Keys.
  if (cmd == "TYPE") {
    Key* k = lookup(a[1]);
    static const char* kNames[] = {"string", "list", "hash", "set", "zset"};
    r.simple(k == nullptr ? "none" : kNames[static_cast<int>(k->value.type)]);
    return r.done();
  }
  if (cmd == "RENAME") {
    Key* src = lookup(a[1]);
    if (src == nullptr) {
      r.error("ERR no such key");
      return r.done();
    }
    if (a[1] != a[2]) {
      lookup(a[2]);
      Key moved = std::move(*src);
      keys_.erase(a[1]);
      keys_[a[2]] = std::move(moved);
    }
    r.ok();
    return r.done();
  }
  r.error("model: unsupported command " + cmd);
  return r.done();
}

}  // namespace codis::server::model
