// OBJECT ENCODING: the encoding name Redis 7.0 would report for a value with the same contents.
//
// Computed from the current contents and the config's limits, which equals Redis's answer as long as the
// value never crossed a limit and came back (Redis converts one way only: a hash that grew past
// hash-max-listpack-entries stays "hashtable" after HDEL) and, for strings, as long as no command made
// it raw (APPEND, SETRANGE, SETBIT, BITFIELD) or non-integer (INCRBYFLOAT). The Object flag bits below
// record those one-way events; the commands that cause them set the bits through the mark_* / note_*
// helpers below.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/config.h"
#include "server/object.h"

namespace codis::server {

// Object flag bits (ValueHeader::flags) that make OBJECT ENCODING sticky like Redis's conversions.
namespace enc {
// String: written in place by APPEND, SETRANGE, SETBIT or BITFIELD: "raw" whatever its contents.
inline constexpr uint8_t kRawString = 1u << 0;
// String: made by INCRBYFLOAT (createStringObject): "embstr" up to 44 bytes, never "int".
inline constexpr uint8_t kNoInt = 1u << 1;
// Hash, set: converted to the large encoding once ("hashtable"): stays large when it shrinks.
inline constexpr uint8_t kBig = 1u << 2;
}  // namespace enc

// Redis's limit for embedded strings (OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
inline constexpr size_t kEmbstrLimit = 44;

// "int" / "embstr" / "raw" for a string value written by SET and friends (tryObjectEncoding).
std::string_view string_encoding(std::string_view s, uint8_t flags = 0);
// "intset" / "hashtable" for a set of these members.
std::string_view set_encoding(const SetValue& s, const Config& c, uint8_t flags = 0);
// "listpack" / "hashtable".
std::string_view hash_encoding(const HashValue& h, const Config& c, uint8_t flags = 0);

std::string_view object_encoding(const Object& o, const Config& c);
// OBJECT REFCOUNT's (and DEBUG OBJECT's) answer: Redis shares the integers 0..9999 (refcount INT_MAX)
// unless an LRU/LFU maxmemory policy needs per-object access data; every other value is 1.
int object_refcount(const Object& o, const Config& c);

// What the writing commands call so OBJECT ENCODING keeps Redis's one-way conversions (all O(1)):
// A string written in place (APPEND, SETRANGE, SETBIT, BITFIELD writes, BITOP's destination, PFADD/PFMERGE):
// "raw" from now on.
inline void mark_raw_string(Object& o) {
  o.set_flags(static_cast<uint8_t>((o.flags() & ~enc::kNoInt) | enc::kRawString));
}
// INCRBYFLOAT's result: a fresh string object that is never "int".
inline void mark_float_string(Object& o) {
  o.set_flags(enc::kNoInt);
}
// INCR/DECR/INCRBY/DECRBY store a fresh integer object: whatever the string was, it is "int" again.
inline void mark_int_string(Object& o) {
  if (o.flags() != 0) {
    o.set_flags(0);
  }
}
// A set or hash converted to its large encoding ("hashtable") for good: its dict stops keeping the small
// encoding's order.
void mark_big(Object& o);
// A set or hash built in bulk (RESTORE, the *STORE commands): converted if its contents need the large
// encoding, else in the small encoding's order.
void settle_encoding(Object& o, const Config& c);
// After adding `member` to a set (SADD, SMOVE's destination, the *STORE commands): a non-integer member or
// more than set-max-intset-entries members converts it for good.
void note_set_add(Object& o, std::string_view member, const Config& c);
// After setting a hash field (HSET, HSETNX, HINCRBY[FLOAT]): too many fields or a field or value longer
// than hash-max-listpack-value converts it for good.
void note_hash_set(Object& o, std::string_view field, std::string_view value, const Config& c);

}  // namespace codis::server
