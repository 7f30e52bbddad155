// Decoding of each RDB object type, after rdbLoadObject: the same acceptance rules (empty collections,
// duplicates, NaN scores and integrity failures are errors) with every length checked against the bytes
// that are actually there before anything is allocated.
#include "server/rdb/decoder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/rdb/byte_io.h"
#include "server/rdb/crc64.h"
#include "server/rdb/intset.h"
#include "server/rdb/listpack.h"
#include "server/rdb/number.h"
#include "server/rdb/rdb_string.h"
#include "server/rdb/ziplist.h"
#include "server/rdb/zipmap.h"

namespace codis::server::rdb {
namespace {

constexpr size_t kFooterSize = 10;

// Containers are pre-sized for at most this many items: a count is only checked against the payload
// size, and reserving it outright would cost 32+ bytes per claimed item before the budget sees any.
uint64_t reserve_hint(uint64_t n) {
  return n < 4096 ? n : 4096;
}

// A collection length: refused if zero (Redis never dumps an empty key) or if even the smallest
// encoding of that many items (min_item_bytes each) could not fit in what is left.
DumpStatus read_count(Reader& in, uint64_t min_item_bytes, uint64_t* n) {
  if (auto st = read_rdb_len(in, n); !st) return st;
  if (*n == 0) return bad_format("empty collection");
  if (*n > in.remaining() / min_item_bytes) return bad_format("collection longer than the payload");
  return {};
}

template <class T, class Key>
bool all_unique(const std::vector<T>& items, Key key) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(items.size());
  for (const auto& item : items) {
    if (!seen.insert(key(item)).second) return false;
  }
  return true;
}

bool unique_strings(const std::vector<std::string>& v) {
  return all_unique(v, [](const std::string& s) { return std::string_view(s); });
}

// Turns a flat [a0, b0, a1, b1, ...] list from a listpack/ziplist into pairs; odd counts are malformed.
DumpStatus to_hash_pairs(std::vector<std::string>& flat,
                         std::vector<std::pair<std::string, std::string>>* out) {
  if (flat.size() % 2 != 0) return bad_format("odd number of entries in a pairs encoding");
  out->reserve(flat.size() / 2);
  for (size_t i = 0; i < flat.size(); i += 2) out->emplace_back(std::move(flat[i]), std::move(flat[i + 1]));
  return {};
}

DumpStatus to_zset_pairs(std::vector<std::string>& flat, std::vector<std::pair<std::string, double>>* out) {
  if (flat.size() % 2 != 0) return bad_format("odd number of entries in a pairs encoding");
  out->reserve(flat.size() / 2);
  for (size_t i = 0; i < flat.size(); i += 2) {
    double score = 0;
    if (!parse_score_text(flat[i + 1], &score)) return bad_format("zset score is not a number");
    out->emplace_back(std::move(flat[i]), score);
  }
  return {};
}

DumpStatus check_not_empty(size_t n) {
  if (n == 0) return bad_format("empty collection");
  return {};
}

class ObjectDecoder {
 public:
  ObjectDecoder(std::string_view object, const DecodeOptions& options)
      : in_(object), budget_(options.max_decoded_bytes) {}

  DumpResult<DecodedObject> run() {
    uint8_t type_byte = 0;
    if (!in_.read_u8(&type_byte)) return bad_format("empty payload");
    return run_as(static_cast<RdbType>(type_byte));
  }

  // Decodes the rest of the input as a value of `type`.
  DumpResult<DecodedObject> run_as(RdbType type) {
    ValueType vt{};
    if (!value_type_of(type, &vt)) {
      const bool known = type == RdbType::kModule || type == RdbType::kModule2 ||
                         type == RdbType::kStreamListpacks || type == RdbType::kStreamListpacks2;
      if (known) return dump_error(DumpErrc::kUnsupported, "streams and module values are not supported");
      return bad_format("unknown object type");
    }
    DecodedObject obj;
    obj.rdb_type = type;
    obj.value.type = vt;
    DumpStatus st = decode(type, &obj.value);
    if (!st) return st.error();
    if (in_.remaining() != 0) return bad_format("bytes left over after the object");
    return obj;
  }

 private:
  DumpStatus read_string(std::string* out) { return read_rdb_string(in_, budget_, out); }

  DumpStatus read_strings(uint64_t n, std::vector<std::string>* out) {
    out->reserve(reserve_hint(n));
    for (uint64_t i = 0; i < n; ++i) {
      out->emplace_back();
      if (auto st = read_string(&out->back()); !st) return st;
    }
    return {};
  }

  DumpStatus decode(RdbType type, DumpValue* v) {
    switch (type) {
      case RdbType::kString:
        return read_string(&v->str);
      case RdbType::kList:
      case RdbType::kSet: {
        uint64_t n = 0;
        if (auto st = read_count(in_, 1, &n); !st) return st;
        if (auto st = read_strings(n, &v->elems); !st) return st;
        if (type == RdbType::kSet && !unique_strings(v->elems)) return bad_format("duplicate set members");
        return {};
      }
      case RdbType::kZSet:
      case RdbType::kZSet2:
        return decode_skiplist_zset(type, v);
      case RdbType::kHash: {
        uint64_t n = 0;
        if (auto st = read_count(in_, 2, &n); !st) return st;
        v->fields.reserve(reserve_hint(n));
        for (uint64_t i = 0; i < n; ++i) {
          auto& [f, val] = v->fields.emplace_back();
          if (auto st = read_string(&f); !st) return st;
          if (auto st = read_string(&val); !st) return st;
        }
        return check_unique_fields(v);
      }
      case RdbType::kListQuicklist:
      case RdbType::kListQuicklist2:
        return decode_quicklist(type, v);
      case RdbType::kHashZipmap: {
        std::string blob;
        if (auto st = read_string(&blob); !st) return st;
        if (auto st = decode_zipmap(blob, budget_, &v->fields); !st) return st;
        return check_unique_fields(v);
      }
      case RdbType::kListZiplist: {
        std::string blob;
        if (auto st = read_string(&blob); !st) return st;
        return decode_ziplist(blob, budget_, &v->elems);
      }
      case RdbType::kSetIntset: {
        std::string blob;
        if (auto st = read_string(&blob); !st) return st;
        return decode_intset(blob, budget_, &v->elems);
      }
      case RdbType::kZSetZiplist:
      case RdbType::kZSetListpack:
      case RdbType::kHashZiplist:
      case RdbType::kHashListpack:
        return decode_pairs_blob(type, v);
      default:
        return bad_format("unknown object type");
    }
  }

  DumpStatus decode_skiplist_zset(RdbType type, DumpValue* v) {
    uint64_t n = 0;
    if (auto st = read_count(in_, type == RdbType::kZSet2 ? 9 : 2, &n); !st) return st;
    v->zmembers.reserve(reserve_hint(n));
    for (uint64_t i = 0; i < n; ++i) {
      auto& [m, score] = v->zmembers.emplace_back();
      if (auto st = read_string(&m); !st) return st;
      if (type == RdbType::kZSet2) {
        uint64_t bits = 0;
        if (!in_.read_le(8, &bits)) return bad_format("truncated score");
        score = std::bit_cast<double>(bits);
      } else if (auto st = read_text_double(&score); !st) {
        return st;
      }
      if (std::isnan(score)) return bad_format("NaN score");
    }
    return check_unique_members(v);
  }

  // rdbLoadDoubleValue: a length byte (253 nan, 254 +inf, 255 -inf) and that much text.
  DumpStatus read_text_double(double* out) {
    uint8_t len = 0;
    if (!in_.read_u8(&len)) return bad_format("truncated score");
    if (len == 253) return bad_format("NaN score");
    if (len == 254 || len == 255) {
      *out = len == 254 ? HUGE_VAL : -HUGE_VAL;
      return {};
    }
    std::string_view text;
    if (!in_.read(len, &text)) return bad_format("truncated score");
    if (!parse_score_text(text, out)) return bad_format("zset score is not a number");
    return {};
  }

  DumpStatus decode_quicklist(RdbType type, DumpValue* v) {
    constexpr uint64_t kPlain = 1;
    constexpr uint64_t kPacked = 2;
    uint64_t nodes = 0;
    if (auto st = read_count(in_, type == RdbType::kListQuicklist2 ? 2 : 1, &nodes); !st) return st;
    std::string blob;
    for (uint64_t i = 0; i < nodes; ++i) {
      uint64_t container = kPacked;
      if (type == RdbType::kListQuicklist2) {
        if (auto st = read_rdb_len(in_, &container); !st) return st;
        if (container != kPlain && container != kPacked) return bad_format("unknown quicklist container");
      }
      if (auto st = read_string(&blob); !st) return st;
      if (blob.empty()) return bad_format("empty quicklist node");
      if (container == kPlain) {
        v->elems.push_back(std::move(blob));
        blob.clear();
        continue;
      }
      // Empty listpacks are skipped, as Redis does; the list as a whole must not end up empty.
      DumpStatus st = type == RdbType::kListQuicklist2 ? decode_listpack(blob, budget_, &v->elems)
                                                       : decode_ziplist(blob, budget_, &v->elems);
      if (!st) return st;
    }
    return check_not_empty(v->elems.size());
  }

  DumpStatus decode_pairs_blob(RdbType type, DumpValue* v) {
    std::string blob;
    if (auto st = read_string(&blob); !st) return st;
    std::vector<std::string> flat;
    const bool listpack = type == RdbType::kZSetListpack || type == RdbType::kHashListpack;
    DumpStatus st = listpack ? decode_listpack(blob, budget_, &flat) : decode_ziplist(blob, budget_, &flat);
    if (!st) return st;
    if (auto e = check_not_empty(flat.size()); !e) return e;
    if (type == RdbType::kZSetListpack || type == RdbType::kZSetZiplist) {
      if (auto e = to_zset_pairs(flat, &v->zmembers); !e) return e;
      return check_unique_members(v);
    }
    if (auto e = to_hash_pairs(flat, &v->fields); !e) return e;
    return check_unique_fields(v);
  }

  static DumpStatus check_unique_fields(const DumpValue* v) {
    if (!all_unique(v->fields, [](const auto& p) { return std::string_view(p.first); })) {
      return bad_format("duplicate hash fields");
    }
    return {};
  }
  static DumpStatus check_unique_members(const DumpValue* v) {
    if (!all_unique(v->zmembers, [](const auto& p) { return std::string_view(p.first); })) {
      return bad_format("duplicate sorted set members");
    }
    return {};
  }

  Reader in_;
  Budget budget_;
};

}  // namespace

DumpStatus verify_dump_footer(std::string_view payload, uint16_t* version) {
  if (payload.size() < kFooterSize)
    return dump_error(DumpErrc::kVersionOrChecksum, "payload shorter than its footer");
  const auto* footer = reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - kFooterSize);
  const auto ver = static_cast<uint16_t>(load_le(footer, 2));
  if (version != nullptr) *version = ver;
  if (ver > kRdbVersion) return dump_error(DumpErrc::kVersionOrChecksum, "payload from a newer RDB version");
  const uint64_t crc = crc64(0, payload.substr(0, payload.size() - 8));
  if (crc != load_le(footer + 2, 8)) return dump_error(DumpErrc::kVersionOrChecksum, "checksum mismatch");
  return {};
}

DumpResult<DecodedObject> decode_object(std::string_view object, const DecodeOptions& options) {
  return ObjectDecoder(object, options).run();
}

DumpResult<DecodedObject> decode_value(RdbType type, std::string_view value, const DecodeOptions& options) {
  return ObjectDecoder(value, options).run_as(type);
}

DumpResult<DecodedObject> decode_dump_payload(std::string_view payload, const DecodeOptions& options) {
  if (auto st = verify_dump_footer(payload); !st) return st.error();
  return decode_object(payload.substr(0, payload.size() - kFooterSize), options);
}

}  // namespace codis::server::rdb
