// resp::Value: an owning tree for one RESP2/RESP3 reply, built by ReplyParser and written by encode().
// Used by the proxy (merging replies), clients, tests and the fuzzers; the server writes replies
// directly with ReplyWriter instead.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace codis::resp {

enum class Kind : uint8_t {
  kSimpleString,  // +OK
  kError,         // -ERR ...
  kInteger,       // :42
  kBulkString,    // $3 abc
  kNullBulk,      // $-1   (RESP2 null)
  kNullArray,     // *-1   (RESP2 null aggregate)
  kNull,          // _     (RESP3)
  kDouble,        // ,1.5
  kBoolean,       // #t
  kBlobError,     // !<len> (RESP3)
  kVerbatim,      // =<len> txt:...
  kBigNumber,     // (123...
  kArray,         // *n
  kMap,           // %n (elems holds 2n: key, value, ...)
  kSet,           // ~n
  kPush,          // >n
};

std::string_view kind_name(Kind kind);

// A plain struct: which fields matter depends on `kind`.
struct Value {
  Kind kind = Kind::kNull;
  // simple string, error, bulk string, blob error, big number (its digits) and verbatim string (the
  // whole payload, "txt:<text>").
  std::string str;
  int64_t num = 0;  // integer; boolean as 0/1
  double dbl = 0;   // double
  // Elements of arrays, sets and pushes; maps hold keys and values alternately.
  std::vector<Value> elems;
  // RESP3 attributes sent before this value, alternately keys and values; empty if none.
  std::vector<Value> attrs;

  static Value simple_string(std::string s);
  static Value error(std::string s);
  static Value integer(int64_t v);
  static Value bulk(std::string s);
  static Value null_bulk() { return of(Kind::kNullBulk); }
  static Value null_array() { return of(Kind::kNullArray); }
  static Value null() { return of(Kind::kNull); }
  static Value double_value(double d);
  static Value boolean(bool b);
  static Value blob_error(std::string s);
  static Value verbatim(std::string_view format, std::string_view text);
  static Value big_number(std::string digits);
  static Value array(std::vector<Value> elems) { return aggregate(Kind::kArray, std::move(elems)); }
  static Value map(std::vector<Value> keys_and_values) {
    return aggregate(Kind::kMap, std::move(keys_and_values));
  }
  static Value set(std::vector<Value> elems) { return aggregate(Kind::kSet, std::move(elems)); }
  static Value push(std::vector<Value> elems) { return aggregate(Kind::kPush, std::move(elems)); }

  bool is_null() const { return kind == Kind::kNull || kind == Kind::kNullBulk || kind == Kind::kNullArray; }
  bool is_error() const { return kind == Kind::kError || kind == Kind::kBlobError; }
  bool is_aggregate() const {
    return kind == Kind::kArray || kind == Kind::kMap || kind == Kind::kSet || kind == Kind::kPush;
  }
  // The text of a verbatim string without its "fmt:" prefix, and the prefix itself.
  std::string_view verbatim_text() const;
  std::string_view verbatim_format() const;

 private:
  static Value of(Kind kind);
  static Value aggregate(Kind kind, std::vector<Value> elems);
};

// Structural equality; doubles compare by value except that all NaNs are equal and 0 != -0 (so a round
// trip must keep the sign).
bool operator==(const Value& a, const Value& b);
inline bool operator!=(const Value& a, const Value& b) {
  return !(a == b);
}

// What a RESP2 connection receives when a server writes `v` with ReplyWriter in protocol 2 (see
// reply_writer.h): RESP3-only kinds become their RESP2 forms and attributes disappear.
Value to_resp2(const Value& v);

// A compact one-line rendering for test failures and logs: +"OK", :5, $"a\x00", *[...], %{k: v}, ...
std::string to_display(const Value& v);
std::ostream& operator<<(std::ostream& os, const Value& v);

}  // namespace codis::resp
