// A reference model of a Redis 7.0 keyspace for the commands server_model_props drives: a std::map of key
// to value (string, list, hash, set or sorted set) with an expiry time, a virtual clock, and, per command,
// the exact RESP2 reply Redis 7.0.15 sends. Expiry is lazy as in a server whose cron is not running: a key
// past its time is deleted when a command looks it up (Redis: expired once now > when).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace codis::server::model {

enum class Type { kString, kList, kHash, kSet, kZSet };

struct Value {
  Type type = Type::kString;
  std::string str;
  std::deque<std::string> list;
  std::map<std::string, std::string> hash;
  std::set<std::string> set;
  std::map<std::string, double> zset;

  bool empty_container() const;
};

struct Key {
  Value value;
  int64_t expire_at = -1;  // unix ms; -1: none
};

// How a reply is compared: exactly, or with the elements (or field/value pairs) of its top-level array
// sorted first (HGETALL, SMEMBERS: Redis leaves their order open).
enum class Order { kExact, kSortedElements, kSortedPairs };

struct Expected {
  std::string resp;  // RESP2 bytes, already sorted for the unordered kinds
  Order order = Order::kExact;
};

class Model {
 public:
  explicit Model(int64_t now_ms = 0) : now_(now_ms) {}

  // Runs a command (argv[0] upper case, as generated) and returns Redis's reply.
  Expected execute(const std::vector<std::string>& argv);
  void advance(int64_t ms) { now_ += ms; }
  // Redis 7.0 expires a key once now > when; with this set, already at now == when (to look past that
  // one known difference while hunting for others).
  void set_expire_at_deadline(bool on) { at_deadline_ = on; }
  int64_t now() const { return now_; }

  // Keys alive now (for generators) and the bounds DBSIZE may report: keys whose time has passed but that
  // nothing looked up since may still be counted.
  std::vector<std::string> live_keys() const;
  size_t live_count() const;
  size_t stored_count() const { return keys_.size(); }
  std::optional<Type> type_of(const std::string& key) const;

 private:
  // The key's entry after lazy expiry; nullptr when missing.
  Key* lookup(const std::string& key);

  bool expired(const Key& k) const {
    return k.expire_at >= 0 && (at_deadline_ ? now_ >= k.expire_at : now_ > k.expire_at);
  }

  std::map<std::string, Key> keys_;
  int64_t now_;
  bool at_deadline_ = false;
};

}  // namespace codis::server::model
