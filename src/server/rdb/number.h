// The number <-> text rules the RDB encodings depend on: which strings Redis stores as integers, how it
// prints integers and zset scores, and how we read scores back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace codis::server::rdb {

// Redis's string2ll (and listpack's lpStringToInt64, which accepts the same texts): the string is the
// canonical decimal form of an int64 ("0", "-5", "123"; not "", "-0", "01", "+1", " 1", "1.0"). Exactly
// these strings are stored as integers by the RDB string, listpack, ziplist and intset encodings.
bool parse_canonical_i64(std::string_view s, int64_t* out);

// Appends the decimal text of v (ll2string).
void append_i64(int64_t v, std::string* out);
std::string i64_to_string(int64_t v);

// Redis 7.0's double2ll: true (and *out) if d is integral and within [-2^62, 2^62], the range in which a
// zset score goes into a listpack as an integer.
bool score_as_integer(double d, int64_t* out);

// d2string as Redis 7.0 prints a non-integral (or huge) score: "inf", "-inf", "nan", otherwise "%.17g".
std::string score_text_17g(double d);

// The score text Redis 6.2 and older (d2string before double2ll) stored in a ziplist zset: integers
// strictly inside (-2^52, 2^52) in decimal, zero as "0" or "-0", otherwise as score_text_17g.
std::string legacy_score_text(double d);

// Reads a score stored as text (ziplist/listpack zsets, RDB_TYPE_ZSET): the whole string must be a
// decimal or exponent number, "inf" or "-inf" (what Redis writes); NaN is refused.
bool parse_score_text(std::string_view s, double* out);

}  // namespace codis::server::rdb
