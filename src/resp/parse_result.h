// The result every incremental parser in codis::resp returns: what happened and how many bytes of the
// caller's buffer it used up.
#pragma once

#include <cstddef>
#include <cstdint>

namespace codis::resp {

enum class ParseStatus : uint8_t {
  kOk,        // one complete item was parsed
  kNeedMore,  // the buffer ends inside an item; call again with the same bytes plus more
  kError,     // malformed input; the parser stays in this state until reset()
};

struct ParseResult {
  ParseStatus status;
  // kOk: bytes from the start of the buffer through the end of the item; the next call starts there.
  // kNeedMore: bytes the caller may drop (items the parser skipped, such as empty commands); the
  //   partial item starts there, and the next call must pass the buffer from that byte on.
  // kError: bytes of items before the malformed one (they were already returned or skipped).
  size_t consumed;

  bool ok() const { return status == ParseStatus::kOk; }
  bool need_more() const { return status == ParseStatus::kNeedMore; }
  bool error() const { return status == ParseStatus::kError; }
};

}  // namespace codis::resp
