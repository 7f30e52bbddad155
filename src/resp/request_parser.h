// Incremental, zero-copy parser for client requests (RESP multibulk and inline commands) with Redis 7.0's
// limits and exact protocol error texts. Used by codis-server and codis-proxy on every connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resp/parse_result.h"

namespace codis::resp {

// Limits, named after the Redis settings they mirror. Defaults are Redis 7.0's.
struct RequestLimits {
  // proto-max-bulk-len: longest argument. (Redis lifts it for its master link; so can a replica here.)
  int64_t max_bulk_len = 512LL * 1024 * 1024;
  // Most arguments in one multibulk request. Redis 7.0 allows up to INT_MAX (6.x allowed 1024*1024).
  int64_t max_multibulk_len = 2147483647;
  // PROTO_INLINE_MAX_SIZE: longest inline line, and longest "*<n>" / "$<n>" header line.
  size_t max_inline_len = 64 * 1024;
  // Before AUTH (when the server needs a password) Redis allows only small requests.
  int64_t unauth_max_multibulk_len = 10;
  int64_t unauth_max_bulk_len = 16384;
};

enum class RequestError : uint8_t {
  kNone,
  kInvalidMultibulkLength,  // "Protocol error: invalid multibulk length"
  kInvalidBulkLength,       // "Protocol error: invalid bulk length"
  kExpectedDollar,          // "Protocol error: expected '$', got 'X'"
  kTooBigInline,            // "Protocol error: too big inline request"
  kTooBigMbulkCount,        // "Protocol error: too big mbulk count string"
  kTooBigBulkCount,         // "Protocol error: too big bulk count string"
  kUnbalancedQuotes,        // "Protocol error: unbalanced quotes in request"
  kUnauthMultibulkLength,   // "Protocol error: unauthenticated multibulk length"
  kUnauthBulkLength,        // "Protocol error: unauthenticated bulk length"
};

// Parses one command per call. The connection loop looks like this:
//
//   size_t start = 0;                     // first unconsumed byte of `in`
//   for (;;) {
//     ParseResult r = parser.parse(std::string_view(in).substr(start));
//     start += r.consumed;
//     if (r.ok()) { execute(parser.args()); continue; }
//     if (r.error()) { reply("-ERR " + parser.error_message()); close after replying; break; }
//     // kNeedMore: drop [0, start) (compact), make room for at least parser.want() more bytes, read.
//     in.erase(0, start); start = 0; in.reserve(in.size() + parser.want()); read_more(in);
//   }
//
// Contract for kNeedMore: the next call must pass the same unconsumed bytes (those from
// `start`) followed by new ones. They may be moved in between (compaction, reallocation): the parser
// keeps its progress through a partial command as offsets from the command's first byte, so a 500 MB
// argument or a million arguments are scanned once, not once per read.
//
// Arguments (args()) are views into the buffer passed to the last parse() call, except for inline
// arguments that contain quotes, which live in a small scratch string owned by the parser (at most the
// inline limit, 64 KiB). They are valid until the buffer changes or parse() is called again.
//
// Compatible with Redis 7.0 (src/networking.c processInlineBuffer/processMultibulkBuffer), including:
//  - a first byte of '*' means multibulk, anything else an inline line ending at '\n' (a '\r' before
//    it is dropped); empty lines, blank lines, "*0" and "*-N" are skipped silently, as Redis skips them;
//  - like Redis, the two bytes after a header line's '\r' and after a bulk's payload are skipped
//    without checking they are "\r\n";
//  - after an error the parser stays in the error state (Redis closes the connection after the reply).
// Deliberate differences, none reachable by a well-behaved client:
//  - a header or inline line is "too big" as soon as its terminator is not within the first
//    max_inline_len + 1 bytes, however the bytes were split into reads, so every split of the input
//    gives the same result (Redis decides on whatever its last read happened to hold);
//  - a NUL byte before the terminator does not stall the line (Redis searches with strchr and would
//    wait for more data forever); in an inline line it ends the line's text, as in Redis's splitter;
//  - in "expected '$', got 'X'" a NUL, '\r' or '\n' is shown as a space.
class RequestParser {
 public:
  explicit RequestParser(const RequestLimits& limits = {});

  // Parses the next command at the start of `buf`; see the class comment for the calling contract.
  ParseResult parse(std::string_view buf);

  // The arguments of the command the last kOk result returned.
  std::span<const std::string_view> args() const { return args_; }
  // Whether that command came as an inline line (Redis treats some of these specially, e.g. masters).
  bool is_inline() const { return last_inline_; }

  // After kNeedMore: the least number of bytes, beyond those passed, before the parser can progress
  // (the rest of the current argument plus its "\r\n", or 1 while reading a header line).
  size_t want() const { return want_; }
  // Whether a command has been started but not finished (bytes of it are pending).
  bool in_progress() const { return mode_ == Mode::kMultibulk || mode_ == Mode::kInline; }

  // Clients that still have to AUTH get Redis's small unauthenticated limits.
  void set_authenticated(bool authenticated) { authenticated_ = authenticated; }
  bool authenticated() const { return authenticated_; }
  const RequestLimits& limits() const { return limits_; }
  void set_limits(const RequestLimits& limits) { limits_ = limits; }

  RequestError error() const { return error_; }
  // The protocol error text without the "ERR " prefix, e.g. "Protocol error: invalid bulk length".
  std::string_view error_message() const { return error_message_; }

  // Forgets any partial command and any error (limits and authentication are kept).
  void reset();

 private:
  enum class Mode : uint8_t { kIdle, kMultibulk, kInline, kError };
  enum class Step : uint8_t { kDone, kNeedMore, kError };
  struct Ref {
    size_t offset;
    size_t length;
  };

  Step parse_multibulk(const char* p, size_t n);
  Step parse_inline(const char* p, size_t n);
  Step fail(RequestError error, char got = 0);

  RequestLimits limits_;
  bool authenticated_ = true;
  Mode mode_ = Mode::kIdle;
  bool last_inline_ = false;
  RequestError error_ = RequestError::kNone;

  // Progress through the current command, as offsets from its first byte.
  int64_t remaining_ = -1;  // arguments still to read; -1 until the "*<n>" line is read
  int64_t bulk_len_ = -1;   // length of the argument being read; -1 until its "$<n>" line is read
  size_t pos_ = 0;          // next unparsed byte
  size_t scan_ = 0;         // the line terminator is not in [line start, scan_)
  size_t done_len_ = 0;     // length of the command just completed
  size_t want_ = 1;

  std::vector<Ref> refs_;
  std::vector<std::string_view> args_;
  std::string scratch_;
  std::string error_message_;
};

// Text for an error code; for kExpectedDollar without the character (see error_message()).
std::string_view request_error_text(RequestError error);

// Appends args as a RESP multibulk request ("*<n>\r\n$<len>\r\n<arg>\r\n...").
void append_command(std::span<const std::string_view> args, std::string& out);

}  // namespace codis::resp
