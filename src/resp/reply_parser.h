// Incremental RESP2/RESP3 reply parsing: ReplyParser builds an owning Value per reply (clients, proxy
// merges, tests); ReplyScanner only finds where each reply ends (proxy pass-through of whole replies).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "resp/parse_result.h"
#include "resp/reply_reader.h"
#include "resp/value.h"

namespace codis::resp {

// Supported: every RESP2 and RESP3 type (+ - : $ * _ , # ! = ( % ~ > |) including attributes, which are
// attached to the value they precede (Value::attrs). Not supported: RESP3 streamed strings and
// aggregates ("$?", "*?" with ';' chunks and '.' ends), which Redis never sends; they are an error.
//
// Calling contract, as for RequestParser: pass the buffer from the first byte of the current reply;
// kOk returns the reply in `out` and its length in `consumed`; kNeedMore keeps the progress (as offsets
// from the reply's first byte, plus the partly built tree), so the caller may compact or grow the buffer
// and must call again with the same bytes followed by more. The parser may be moved between calls.
class ReplyParser {
 public:
  explicit ReplyParser(const ReplyLimits& limits = {});
  ~ReplyParser();
  ReplyParser(ReplyParser&&) noexcept;
  ReplyParser& operator=(ReplyParser&&) noexcept;

  ParseResult parse(std::string_view buf, Value& out);

  // After kNeedMore: the least number of further bytes needed to progress.
  size_t want() const { return reader_.want(); }
  bool in_progress() const { return reader_.in_progress(); }
  ReplyError error() const { return reader_.error(); }
  std::string_view error_message() const { return reply_error_text(reader_.error()); }
  const ReplyLimits& limits() const { return reader_.limits(); }
  void set_limits(const ReplyLimits& limits) { reader_.set_limits(limits); }
  // Drops a partial reply and any error.
  void reset();

 private:
  class Builder;
  ReplyReader reader_;
  std::unique_ptr<Builder> builder_;
};

// Measures replies without building them: kOk's `consumed` is the byte length of the complete reply at
// the start of the buffer. Same limits, errors and resumption as ReplyParser.
class ReplyScanner {
 public:
  explicit ReplyScanner(const ReplyLimits& limits = {}) : reader_(limits) {}

  ParseResult scan(std::string_view buf);

  size_t want() const { return reader_.want(); }
  bool in_progress() const { return reader_.in_progress(); }
  ReplyError error() const { return reader_.error(); }
  std::string_view error_message() const { return reply_error_text(reader_.error()); }
  void reset() { reader_.reset(); }

 private:
  ReplyReader reader_;
};

}  // namespace codis::resp
