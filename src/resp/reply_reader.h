// The RESP2/RESP3 reply grammar as one resumable state machine, shared by ReplyParser (which builds a
// Value tree) and ReplyScanner (which only measures). Internal to src/resp; use those two classes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "resp/parse_result.h"
#include "resp/value.h"

namespace codis::resp {

struct ReplyLimits {
  // Deepest nesting of aggregates (and attributes); the reader keeps its own stack, so hostile input
  // cannot exhaust the thread's stack, and the Value trees it builds stay shallow enough to destroy.
  size_t max_depth = 128;
  // Most elements one aggregate may announce (pairs for maps and attributes).
  int64_t max_aggregate_len = 2147483647;
  // Longest bulk string, blob error or verbatim string.
  int64_t max_bulk_len = 512LL * 1024 * 1024;
  // Longest line (simple string, error, number, header), without its "\r\n".
  size_t max_line_len = 64LL * 1024 * 1024;
};

enum class ReplyError : uint8_t {
  kNone,
  kBadType,          // "Protocol error: unknown reply type"
  kBadLength,        // "Protocol error: invalid length"
  kBadInteger,       // "Protocol error: invalid integer"
  kBadDouble,        // "Protocol error: invalid double"
  kBadBoolean,       // "Protocol error: invalid boolean"
  kBadNull,          // "Protocol error: invalid null"
  kBadBigNumber,     // "Protocol error: invalid big number"
  kBadVerbatim,      // "Protocol error: invalid verbatim string"
  kMissingCrlf,      // "Protocol error: expected CRLF"
  kLineTooLong,      // "Protocol error: line too long"
  kBulkTooLong,      // "Protocol error: bulk string too long"
  kTooManyElements,  // "Protocol error: aggregate too long"
  kTooDeep,          // "Protocol error: nesting too deep"
  kStreamed,         // "Protocol error: streamed types are not supported"
};

std::string_view reply_error_text(ReplyError error);

// Resumable reader. read() walks one reply, calling the sink for every element:
//   on_string(Kind, std::string_view)  simple string, error, bulk, blob error, verbatim, big number
//   on_integer(int64_t), on_double(double), on_boolean(bool), on_null(Kind)
//   on_aggregate_begin(Kind, int64_t count) ... on_aggregate_end()   (count = pairs for maps)
//   on_attribute_begin(int64_t pairs) ... on_attribute_end()         (the attributed value follows)
// Between calls it remembers its place as an offset from the reply's first byte plus a stack of open
// aggregates, so the caller may move the buffer between calls and nothing is scanned twice.
//
// Strictness (all replies Redis sends pass): every line must end in "\r\n" (the first '\r' ends a line
// and must be followed by '\n'); payloads must be followed by "\r\n"; integers and lengths follow
// Redis's string2ll rules; "$-1" and "*-1" are the only negative lengths; streamed strings and
// aggregates ("$?", "*?") are not supported.
class ReplyReader {
 public:
  explicit ReplyReader(const ReplyLimits& limits) : limits_(limits) {}

  template <class Sink>
  ParseResult read(std::string_view buf, Sink& sink);

  size_t want() const { return want_; }
  bool in_progress() const { return pos_ != 0 || scan_ != 0; }
  ReplyError error() const { return error_; }
  const ReplyLimits& limits() const { return limits_; }
  void set_limits(const ReplyLimits& limits) { limits_ = limits; }
  void reset();

 private:
  struct Frame {
    bool attribute;
    int64_t remaining;  // elements still to read (2 per pair)
  };

  ParseResult fail(ReplyError error);
  ParseResult need_more(size_t pos, size_t want);
  // Called after an element completed; returns true when it completed the whole reply.
  template <class Sink>
  bool complete(Sink& sink);

  ReplyLimits limits_;
  std::vector<Frame> frames_;
  size_t pos_ = 0;      // start of the next element (or of the pending payload), from the reply's start
  size_t scan_ = 0;     // the current line's '\r' is not before this offset
  char bulk_type_ = 0;  // '$', '!' or '=' while waiting for a payload of bulk_len_ bytes at pos_
  int64_t bulk_len_ = 0;
  size_t want_ = 1;
  ReplyError error_ = ReplyError::kNone;
};

}  // namespace codis::resp

#include "resp/reply_reader_impl.h"
