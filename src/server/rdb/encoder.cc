// DUMP encoding per value type. Each branch mirrors one arm of Redis's rdbSaveObject (and, for the
// legacy encodings, of the Redis 6.2 or older code that wrote them).
#include "server/rdb/encoder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>

#include "server/rdb/crc64.h"
#include "server/rdb/intset.h"
#include "server/rdb/number.h"
#include "server/rdb/zipmap.h"

namespace codis::server::rdb {
namespace {

DumpError invalid(std::string_view detail) {
  return DumpError{DumpErrc::kInvalidValue, detail};
}

// _quicklistNodeAllowInsert: may an element of elem_len bytes join a node of node_bytes/node_count?
// `overhead` is Redis's estimate of the entry's extra bytes (8 for listpacks; the prevlen and encoding
// sizes for ziplists in Redis 6.2).
bool quicklist_allows(uint64_t node_bytes, uint64_t node_count, uint64_t elem_len, uint64_t overhead,
                      int fill) {
  static constexpr uint64_t kLevels[] = {4096, 8192, 16384, 32768, 65536};
  constexpr uint64_t kSafetyLimit = 8192;
  const uint64_t new_sz = node_bytes + elem_len + overhead;
  if (fill < 0) {
    const uint64_t offset = static_cast<uint64_t>(-static_cast<int64_t>(fill)) - 1;
    if (offset < std::size(kLevels) && new_sz <= kLevels[offset]) return true;
  }
  if (new_sz > kSafetyLimit) return false;
  return static_cast<int64_t>(node_count) < fill;
}

uint64_t ziplist_overhead(uint64_t sz) {
  return (sz < 254 ? 1 : 5) + (sz < 64 ? 1 : sz < 16384 ? 2 : 5);
}

// Indices of the zset members ordered by (score, member) ascending, as a skiplist orders them.
std::vector<size_t> zset_order(const DumpValue& v) {
  std::vector<size_t> idx(v.zmembers.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    const auto& x = v.zmembers[a];
    const auto& y = v.zmembers[b];
    if (x.second != y.second) return x.second < y.second;
    return x.first < y.first;  // char_traits compares as unsigned bytes, like memcmp
  });
  return idx;
}

// rdbSaveDoubleValue's text (RDB_TYPE_ZSET): one length byte, or 253/254/255 for nan/+inf/-inf.
void append_text_double(double d, std::string* out) {
  if (std::isinf(d)) {
    out->push_back(static_cast<char>(d < 0 ? 255 : 254));
    return;
  }
  std::string text;
  if (d > -4503599627370495.0 && d < 4503599627370496.0 &&
      d == static_cast<double>(static_cast<int64_t>(d))) {
    text = i64_to_string(static_cast<int64_t>(d));
  } else {
    text = score_text_17g(d);
  }
  out->push_back(static_cast<char>(text.size()));
  out->append(text);
}

}  // namespace

RdbType choose_rdb_type(const DumpValue& v, const EncodingLimits& limits) {
  switch (v.type) {
    case ValueType::kString:
      return RdbType::kString;
    case ValueType::kList:
      return RdbType::kListQuicklist2;
    case ValueType::kSet: {
      if (v.elems.size() > limits.set_max_intset_entries) return RdbType::kSet;
      int64_t ignored = 0;
      for (const auto& e : v.elems) {
        if (!parse_canonical_i64(e, &ignored)) return RdbType::kSet;
      }
      return RdbType::kSetIntset;
    }
    case ValueType::kZSet: {
      if (v.zmembers.size() > limits.zset_max_listpack_entries) return RdbType::kZSet2;
      for (const auto& [m, s] : v.zmembers) {
        if (m.size() > limits.zset_max_listpack_value) return RdbType::kZSet2;
      }
      return RdbType::kZSetListpack;
    }
    case ValueType::kHash: {
      if (v.fields.size() > limits.hash_max_listpack_entries) return RdbType::kHash;
      for (const auto& [f, val] : v.fields) {
        if (f.size() > limits.hash_max_listpack_value || val.size() > limits.hash_max_listpack_value) {
          return RdbType::kHash;
        }
      }
      return RdbType::kHashListpack;
    }
  }
  return RdbType::kString;
}

DumpEncoder::DumpEncoder(const EncodeOptions& options) : options_(options), strings_(options.compress) {}

DumpStatus DumpEncoder::encode_object(const DumpValue& v, RdbType type, std::string* out) {
  const size_t start = out->size();
  out->push_back(static_cast<char>(type));
  DumpStatus st = encode_value(v, type, out);
  if (!st) out->resize(start);
  return st;
}

DumpStatus DumpEncoder::encode_value(const DumpValue& v, RdbType type, std::string* out) {
  ValueType holds{};
  if (!value_type_of(type, &holds)) return invalid("streams and module values cannot be encoded");
  if (holds != v.type) return invalid("encoding does not hold this value type");
  const size_t start = out->size();
  DumpStatus st;
  switch (v.type) {
    case ValueType::kString:
      strings_.append(v.str, out);
      break;
    case ValueType::kList:
      st = encode_list(v, type, out);
      break;
    case ValueType::kSet:
      st = encode_set(v, type, out);
      break;
    case ValueType::kZSet:
      st = encode_zset(v, type, out);
      break;
    case ValueType::kHash:
      st = encode_hash(v, type, out);
      break;
  }
  if (!st) out->resize(start);
  return st;
}

DumpStatus DumpEncoder::encode_payload(const DumpValue& v, RdbType type, std::string* out) {
  const size_t start = out->size();
  if (auto st = encode_object(v, type, out); !st) return st;
  append_le(options_.rdb_version, 2, out);
  const uint64_t crc = crc64(0, std::string_view(*out).substr(start));
  append_le(crc, 8, out);
  return {};
}

DumpStatus DumpEncoder::append_listpack(std::string* out) {
  blob_.clear();
  if (!listpack_.finish(&blob_)) return invalid("listpack over 4 GiB");
  strings_.append(blob_, out);
  return {};
}

DumpStatus DumpEncoder::append_ziplist(std::string* out) {
  blob_.clear();
  if (!ziplist_.finish(&blob_)) return invalid("ziplist over 4 GiB");
  strings_.append(blob_, out);
  return {};
}

DumpStatus DumpEncoder::encode_list(const DumpValue& v, RdbType type, std::string* out) {
  if (v.elems.empty()) return invalid("empty list");
  const int fill = options_.list_max_listpack_size;
  switch (type) {
    case RdbType::kList:
      append_rdb_len(v.elems.size(), out);
      for (const auto& e : v.elems) strings_.append(e, out);
      return {};
    case RdbType::kListZiplist:
      ziplist_.reset();
      for (const auto& e : v.elems) ziplist_.append(e);
      return append_ziplist(out);
    case RdbType::kListQuicklist: {
      // Redis 3.2 - 6.2: ziplist nodes, no container field, no plain nodes.
      std::string body;
      uint64_t nodes = 0;
      ziplist_.reset();
      for (const auto& e : v.elems) {
        if (ziplist_.count() > 0 && !quicklist_allows(ziplist_.bytes(), ziplist_.count(), e.size(),
                                                      ziplist_overhead(e.size()), fill)) {
          if (auto st = append_ziplist(&body); !st) return st;
          ++nodes;
        }
        ziplist_.append(e);
      }
      if (auto st = append_ziplist(&body); !st) return st;
      ++nodes;
      append_rdb_len(nodes, out);
      out->append(body);
      return {};
    }
    default:
      break;
  }
  // kListQuicklist2, as quicklistPushTail fills nodes: an element of packed_threshold bytes or more gets
  // a plain node of its own; otherwise it joins the tail node if that is packed and has room.
  constexpr uint64_t kPlain = 1;
  constexpr uint64_t kPacked = 2;
  constexpr uint64_t kListpackOverhead = 8;
  std::string body;
  uint64_t nodes = 0;
  bool tail_packed = false;
  listpack_.reset();
  for (const auto& e : v.elems) {
    if (e.size() >= options_.packed_threshold) {
      if (tail_packed) {
        append_rdb_len(kPacked, &body);
        if (auto st = append_listpack(&body); !st) return st;
        tail_packed = false;
      }
      append_rdb_len(kPlain, &body);
      strings_.append(e, &body);
      ++nodes;
      continue;
    }
    if (tail_packed &&
        !quicklist_allows(listpack_.bytes(), listpack_.count(), e.size(), kListpackOverhead, fill)) {
      append_rdb_len(kPacked, &body);
      if (auto st = append_listpack(&body); !st) return st;
      tail_packed = false;
    }
    if (!tail_packed) {
      listpack_.reset();
      tail_packed = true;
      ++nodes;
    }
    listpack_.append(e);
  }
  if (tail_packed) {
    append_rdb_len(kPacked, &body);
    if (auto st = append_listpack(&body); !st) return st;
  }
  append_rdb_len(nodes, out);
  out->append(body);
  return {};
}

DumpStatus DumpEncoder::encode_set(const DumpValue& v, RdbType type, std::string* out) {
  if (v.elems.empty()) return invalid("empty set");
  if (type == RdbType::kSetIntset) {
    std::vector<int64_t> ints(v.elems.size());
    for (size_t i = 0; i < v.elems.size(); ++i) {
      if (!parse_canonical_i64(v.elems[i], &ints[i])) return invalid("intset member is not an integer");
    }
    blob_.clear();
    encode_intset(ints, &blob_);
    strings_.append(blob_, out);
    return {};
  }
  append_rdb_len(v.elems.size(), out);
  for (const auto& e : v.elems) strings_.append(e, out);
  return {};
}

DumpStatus DumpEncoder::encode_zset(const DumpValue& v, RdbType type, std::string* out) {
  if (v.zmembers.empty()) return invalid("empty sorted set");
  for (const auto& [m, s] : v.zmembers) {
    if (std::isnan(s)) return invalid("NaN score");
  }
  const std::vector<size_t> order = zset_order(v);
  switch (type) {
    case RdbType::kZSetListpack:
      listpack_.reset();
      for (const size_t i : order) {
        const auto& [m, s] = v.zmembers[i];
        listpack_.append(m);
        int64_t ll = 0;
        if (score_as_integer(s, &ll)) {
          listpack_.append_int(ll);
        } else {
          listpack_.append(score_text_17g(s));
        }
      }
      return append_listpack(out);
    case RdbType::kZSetZiplist:
      ziplist_.reset();
      for (const size_t i : order) {
        ziplist_.append(v.zmembers[i].first);
        ziplist_.append(legacy_score_text(v.zmembers[i].second));
      }
      return append_ziplist(out);
    default:
      break;
  }
  // Skiplists are saved from the tail: greatest first.
  append_rdb_len(v.zmembers.size(), out);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const auto& [m, s] = v.zmembers[*it];
    strings_.append(m, out);
    if (type == RdbType::kZSet) {
      append_text_double(s, out);
    } else {
      append_le(std::bit_cast<uint64_t>(s), 8, out);
    }
  }
  return {};
}

DumpStatus DumpEncoder::encode_hash(const DumpValue& v, RdbType type, std::string* out) {
  if (v.fields.empty()) return invalid("empty hash");
  switch (type) {
    case RdbType::kHashListpack:
      listpack_.reset();
      for (const auto& [f, val] : v.fields) {
        listpack_.append(f);
        listpack_.append(val);
      }
      return append_listpack(out);
    case RdbType::kHashZiplist:
      ziplist_.reset();
      for (const auto& [f, val] : v.fields) {
        ziplist_.append(f);
        ziplist_.append(val);
      }
      return append_ziplist(out);
    case RdbType::kHashZipmap:
      blob_.clear();
      encode_zipmap(v.fields, &blob_);
      strings_.append(blob_, out);
      return {};
    default:
      break;
  }
  append_rdb_len(v.fields.size(), out);
  for (const auto& [f, val] : v.fields) {
    strings_.append(f, out);
    strings_.append(val, out);
  }
  return {};
}

DumpResult<std::string> make_dump_payload(const DumpValue& value, const EncodeOptions& options) {
  DumpEncoder encoder(options);
  std::string out;
  if (auto st = encoder.encode_payload(value, choose_rdb_type(value), &out); !st) return st.error();
  return out;
}

}  // namespace codis::server::rdb
