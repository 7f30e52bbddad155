// Appends RESP2/RESP3 replies to a caller-owned std::string, as Redis 7 writes them. The server and proxy
// reuse one output string per connection batch, so steady-state writing allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "resp/number.h"

namespace codis::resp {

// Writes one reply element per call. The caller writes an aggregate header (array(n), map(n), ...) and
// then exactly its elements (2n for maps and attributes: key, value, key, value...).
//
// RESP2 has no maps, sets, pushes, doubles, booleans, big numbers, verbatim strings, blob errors or a
// plain null; in protocol 2 the writer sends what Redis 7 sends for each: maps become arrays of 2n, sets
// and pushes arrays, doubles bulk strings, booleans the integers 1/0, big numbers and verbatim strings
// (their text only) bulk strings, blob errors simple errors, null "$-1".
class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, int protocol = 2) : out_(out), protocol_(protocol == 3 ? 3 : 2) {}

  std::string& out() { return *out_; }
  void set_out(std::string* out) { out_ = out; }
  // 2 or 3 (HELLO switches it per connection); anything but 3 means 2.
  int protocol() const { return protocol_; }
  void set_protocol(int protocol) { protocol_ = protocol == 3 ? 3 : 2; }
  bool resp3() const { return protocol_ == 3; }
  DoubleFormat double_format() const { return double_format_; }
  void set_double_format(DoubleFormat format) { double_format_ = format; }

  // "+s". CR and LF in s become spaces, so a status can never break the framing.
  void simple(std::string_view s);
  void ok() { out_->append("+OK\r\n", 5); }
  // "-s" where s starts with the error code: error("ERR unknown command"), error("WRONGTYPE ...").
  // CR and LF become spaces, as in Redis's addReplyErrorFormat.
  void error(std::string_view s);
  // RESP3 "!<len>\r\n<s>\r\n" (may hold any bytes); RESP2: error(s).
  void blob_error(std::string_view s);
  void integer(int64_t v);
  void bulk(std::string_view s);
  // The integer v as a bulk string (Redis addReplyBulkLongLong).
  void bulk_integer(int64_t v);
  // A missing value: RESP2 "$-1", RESP3 "_".
  void null();
  // A missing aggregate (e.g. BLPOP timeout, EXEC after a failed WATCH): RESP2 "*-1", RESP3 "_".
  void null_array();
  void array(size_t n) { header('*', n); }
  // n key/value pairs follow (2n elements). RESP2: "*<2n>".
  void map(size_t n) { header(protocol_ == 3 ? '%' : '*', protocol_ == 3 ? n : 2 * n); }
  void set(size_t n) { header(protocol_ == 3 ? '~' : '*', n); }
  void push(size_t n) { header(protocol_ == 3 ? '>' : '*', n); }
  // RESP3 only: n key/value pairs of attributes, then the element they describe. In RESP2 it writes
  // nothing and returns false, and the caller must not write the 2n attribute elements either (Redis
  // refuses attributes on RESP2 connections the same way).
  bool attribute(size_t n);
  // RESP3 ",<d>"; RESP2 a bulk string. Text per double_format() (shortest round-trip by default).
  void double_value(double d);
  // RESP3 "#t"/"#f"; RESP2 ":1"/":0".
  void boolean(bool b);
  // RESP3 "(<digits>"; RESP2 a bulk string. The caller passes a valid integer text.
  void big_number(std::string_view digits);
  // RESP3 "=<len>\r\n<fmt>:<text>"; RESP2 a bulk string of text. fmt is three bytes ("txt", "mkd").
  void verbatim(std::string_view text, std::string_view format = "txt");
  // Bytes that are already RESP (e.g. a reply passed through by the proxy).
  void raw(std::string_view bytes) { out_->append(bytes); }

 private:
  void header(char type, size_t n);
  void line(char type, std::string_view s);

  std::string* out_;
  int protocol_;
  DoubleFormat double_format_ = DoubleFormat::kShortest;
};

// One reply as a string of its own, for code that passes replies around as values (the proxy's calls).
std::string error_reply(std::string_view s);
std::string bulk_reply(std::string_view s);

}  // namespace codis::resp
