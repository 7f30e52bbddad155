// The framing of an RDB file around its objects (rdb.h of Redis 7.0): the "REDIS" signature and
// four-digit version, the opcodes that may stand where an object type byte would, and the 8-byte CRC-64
// that ends files of version 5 and later. Shared by the file writer and reader.
#pragma once

#include <cstdint>
#include <string_view>

namespace codis::server::rdb {

inline constexpr std::string_view kRdbSignature = "REDIS";
// "REDIS" and four decimal digits.
inline constexpr size_t kRdbHeaderSize = 9;
// Files of this version and later end with a CRC-64 of everything before it (zero: not computed).
inline constexpr int kFirstChecksummedVersion = 5;

enum class RdbOpcode : uint8_t {
  kFunction2 = 245,      // a function library's source code (Redis 7.0)
  kFunctionPreGa = 246,  // 7.0 release candidates' function format, refused by Redis 7.0 itself
  kModuleAux = 247,      // module data outside the keyspace
  kIdle = 248,           // LRU idle time in seconds of the next key (a length)
  kFreq = 249,           // LFU counter of the next key (one byte)
  kAux = 250,            // a string field and a string value
  kResizeDb = 251,       // the selected db's key count and expiring-key count (lengths): a sizing hint
  kExpireTimeMs = 252,   // absolute expiry of the next key, unix milliseconds, 8 bytes LE
  kExpireTime = 253,     // the same in seconds, 4 bytes LE (files of Redis before 2.6)
  kSelectDb = 254,       // the db that the following keys belong to (a length)
  kEof = 255,
};

// The name of a module type from the 64-bit id Redis stores (moduleTypeNameByID): nine 6-bit characters
// of "A-Za-z0-9-_" in the top 54 bits; the low 10 bits are the encoding version.
inline void module_type_name(uint64_t id, char (&name)[10]) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  id >>= 10;
  for (int i = 8; i >= 0; --i) {
    name[i] = kChars[id & 63];
    id >>= 6;
  }
  name[9] = '\0';
}

}  // namespace codis::server::rdb
