#include "server/encoding.h"

#include <climits>

#include "resp/number.h"

namespace codis::server {

std::string_view string_encoding(std::string_view s, uint8_t flags) {
  if ((flags & enc::kRawString) != 0) {
    return "raw";
  }
  int64_t v;
  // string2l: canonical and within a long; at most 20 bytes.
  if ((flags & enc::kNoInt) == 0 && s.size() <= 20 && resp::parse_ll(s, &v)) {
    return "int";
  }
  return s.size() <= kEmbstrLimit ? "embstr" : "raw";
}

std::string_view set_encoding(const SetValue& s, const Config& c, uint8_t flags) {
  if ((flags & enc::kBig) != 0 || static_cast<int64_t>(s.size()) > c.set_max_intset_entries) {
    return "hashtable";
  }
  for (const auto& m : s) {
    int64_t v;
    if (!resp::parse_ll(m, &v)) {
      return "hashtable";
    }
  }
  return "intset";
}

std::string_view hash_encoding(const HashValue& h, const Config& c, uint8_t flags) {
  if ((flags & enc::kBig) != 0 || static_cast<int64_t>(h.size()) > c.hash_max_listpack_entries) {
    return "hashtable";
  }
  const auto max = static_cast<size_t>(c.hash_max_listpack_value);
  for (const auto& [f, v] : h) {
    if (f.size() > max || v.size() > max) {
      return "hashtable";
    }
  }
  return "listpack";
}

void mark_big(Object& o) {
  o.set_flags(static_cast<uint8_t>(o.flags() | enc::kBig));
  if (o.type() == ObjType::kSet) {
    o.set_value().unorder();
  } else if (o.type() == ObjType::kHash) {
    o.hash_value().unorder();
  }
}

void settle_encoding(Object& o, const Config& c) {
  if (object_encoding(o, c) == "hashtable") {
    mark_big(o);
  } else if (o.type() == ObjType::kSet) {
    o.set_value().keep_order();
  } else if (o.type() == ObjType::kHash) {
    o.hash_value().keep_order();
  }
}

void note_set_add(Object& o, std::string_view member, const Config& c) {
  if ((o.flags() & enc::kBig) != 0) {
    return;
  }
  int64_t v;
  if (static_cast<int64_t>(o.set_value().size()) > c.set_max_intset_entries || !resp::parse_ll(member, &v)) {
    mark_big(o);
  }
}

void note_hash_set(Object& o, std::string_view field, std::string_view value, const Config& c) {
  if ((o.flags() & enc::kBig) != 0) {
    return;
  }
  const auto max = static_cast<size_t>(c.hash_max_listpack_value);
  if (static_cast<int64_t>(o.hash_value().size()) > c.hash_max_listpack_entries || field.size() > max ||
      value.size() > max) {
    mark_big(o);
  }
}

std::string_view object_encoding(const Object& o, const Config& c) {
  switch (o.type()) {
    case ObjType::kString:
      return string_encoding(o.str(), o.flags());
    case ObjType::kList:
      return "quicklist";  // Redis 7.0 has no listpack lists (7.2 added them)
    case ObjType::kSet:
      return set_encoding(o.set_value(), c, o.flags());
    case ObjType::kHash:
      return hash_encoding(o.hash_value(), c, o.flags());
    case ObjType::kZSet:
      return ds::encoding_name(o.zset_value().encoding());
  }
  return "unknown";
}

int object_refcount(const Object& o, const Config& c) {
  int64_t v;
  // Redis shares small integers unless maxmemory evicts by LRU or LFU (MAXMEMORY_FLAG_NO_SHARED_INTEGERS).
  const bool shareable =
      c.maxmemory == 0 || !(c.maxmemory_policy == EvictionPolicy::kAllKeysLru ||
                            c.maxmemory_policy == EvictionPolicy::kVolatileLru || is_lfu(c.maxmemory_policy));
  const bool shared = shareable && o.is(ObjType::kString) && string_encoding(o.str(), o.flags()) == "int" &&
                      resp::parse_ll(o.str(), &v) && v >= 0 && v < 10000;
  return shared ? INT_MAX : 1;
}

}  // namespace codis::server
