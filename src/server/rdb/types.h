// The neutral in-memory form of one key's value as a DUMP payload carries it, the RDB object types
// (which name both the value's type and its Redis encoding), and the codec's options. Independent of the
// server's own object representation: the server converts to and from DumpValue at the DUMP/RESTORE and
// migration boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace codis::server::rdb {

// RDB_VERSION of Redis 7.0: the version DUMP writes in the footer and the newest RESTORE accepts.
inline constexpr uint16_t kRdbVersion = 10;

enum class ValueType : uint8_t { kString, kList, kSet, kZSet, kHash };

// The object type byte that starts a payload, with Redis's numbers (rdb.h). The first group is what
// Redis 7.0 writes; the rest are older encodings Redis 7.0 still loads (and so do we), plus the types
// we recognise only to reject (streams, modules).
enum class RdbType : uint8_t {
  kString = 0,
  kList = 1,   // linked list of strings (RDB < 7)
  kSet = 2,    // hash table set
  kZSet = 3,   // skiplist, scores as text (RDB < 8)
  kHash = 4,   // hash table
  kZSet2 = 5,  // skiplist, binary scores
  kModule = 6,
  kModule2 = 7,
  kHashZipmap = 9,
  kListZiplist = 10,
  kSetIntset = 11,
  kZSetZiplist = 12,
  kHashZiplist = 13,
  kListQuicklist = 14,  // quicklist of ziplists (Redis 3.2 - 6.2)
  kStreamListpacks = 15,
  kHashListpack = 16,
  kZSetListpack = 17,
  kListQuicklist2 = 18,  // quicklist of listpacks / plain nodes (Redis 7.0)
  kStreamListpacks2 = 19,
};

// "string", "quicklist2", "intset"...: for logs and test names. "unknown" for other bytes.
std::string_view rdb_type_name(uint8_t type);
// The value type an RDB type holds; false for streams, modules and unknown bytes.
bool value_type_of(RdbType type, ValueType* out);

struct DumpValue {
  ValueType type = ValueType::kString;
  std::string str;                                          // kString
  std::vector<std::string> elems;                           // kList (in order), kSet (members)
  std::vector<std::pair<std::string, std::string>> fields;  // kHash: field, value
  std::vector<std::pair<std::string, double>> zmembers;     // kZSet: member, score (never NaN)

  friend bool operator==(const DumpValue&, const DumpValue&) = default;

  static DumpValue string(std::string s) {
    DumpValue v;
    v.str = std::move(s);
    return v;
  }
  static DumpValue list(std::vector<std::string> e) {
    DumpValue v;
    v.type = ValueType::kList;
    v.elems = std::move(e);
    return v;
  }
  static DumpValue set(std::vector<std::string> e) {
    DumpValue v;
    v.type = ValueType::kSet;
    v.elems = std::move(e);
    return v;
  }
  static DumpValue hash(std::vector<std::pair<std::string, std::string>> f) {
    DumpValue v;
    v.type = ValueType::kHash;
    v.fields = std::move(f);
    return v;
  }
  static DumpValue zset(std::vector<std::pair<std::string, double>> z) {
    DumpValue v;
    v.type = ValueType::kZSet;
    v.zmembers = std::move(z);
    return v;
  }
};

// What a payload decoded to: the value and the encoding it was stored in (the hint a server may use to
// pick its own representation, as Redis keeps a loaded listpack a listpack).
struct DecodedObject {
  DumpValue value;
  RdbType rdb_type = RdbType::kString;
};

struct EncodeOptions {
  // rdbcompression: LZF-compress strings longer than 20 bytes when that saves at least 4 bytes.
  bool compress = true;
  // list-max-listpack-size: the quicklist fill (negative = byte limit 4/8/16/32/64 KiB, positive = count).
  int list_max_listpack_size = -2;
  // Elements at least this long get a plain quicklist node (Redis's packed_threshold, 1 GiB by default;
  // DEBUG QUICKLIST-PACKED-THRESHOLD changes it).
  uint64_t packed_threshold = uint64_t{1} << 30;
  // The RDB version written in the footer.
  uint16_t rdb_version = kRdbVersion;
};

struct DecodeOptions {
  // Upper bound on the memory a decoded value may take (bytes of element data plus a per-element
  // overhead), so a small hostile payload (LZF expands up to ~90x, listpacks store small integers in one
  // byte) cannot make us allocate gigabytes. Legitimate values far beyond this are rejected too.
  uint64_t max_decoded_bytes = uint64_t{1} << 32;
};

// The thresholds Redis 7.0 uses to pick a compact encoding: its compiled-in defaults (the sample
// redis.conf sets hash-max-listpack-entries to 128 instead).
struct EncodingLimits {
  size_t hash_max_listpack_entries = 512;
  size_t hash_max_listpack_value = 64;
  size_t zset_max_listpack_entries = 128;
  size_t zset_max_listpack_value = 64;
  size_t set_max_intset_entries = 512;
};

}  // namespace codis::server::rdb
