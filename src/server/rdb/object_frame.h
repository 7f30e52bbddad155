// Finds where things end in a stream of RDB bytes that may stop anywhere: lengths, strings and whole
// object values, without decoding them. The file reader frames a record first, so it knows whether all
// of it has arrived (or that it is malformed) before it hands the exact span to the decoders, and never
// waits for input that a bad length only pretends is coming.
//
// Framing an object is resumable: a list of a million elements arriving in 64 KiB pieces is walked once,
// element by element, not again from its start on every piece.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/rdb/types.h"

namespace codis::server::rdb {

enum class Scan : uint8_t {
  kDone,   // the item ends inside the bytes given
  kShort,  // more bytes are needed to tell
  kBad,    // malformed whatever follows
};

// A cursor over the bytes buffered so far. Each method steps over one item and returns kDone, or leaves
// the cursor where it was and returns kShort or kBad (with `bad` saying why).
struct FrameCursor {
  std::string_view in;
  size_t pos = 0;
  std::string_view bad;

  Scan byte(uint8_t* out);
  Scan fixed(size_t n);
  // A plain RDB length (not a string encoding).
  Scan len(uint64_t* out);
  // An RDB string in any encoding; raw and LZF strings whose length exceeds max_len are kBad.
  Scan string(uint64_t max_len);
  // rdbLoadDoubleValue's text form: a length byte (253/254/255 for nan/+inf/-inf) and the text.
  Scan text_double();
};

// Frames one object value of a type that holds a value (not a stream or module).
class ObjectFrame {
 public:
  // The value starts at `at` in the record; it may take at most `max_bytes` bytes.
  void start(RdbType type, size_t at, uint64_t max_bytes);
  // Continues over `record` (all bytes of the record buffered so far, growing between calls; the same
  // start each time). kDone: the value spans [at, end()).
  Scan advance(std::string_view record);
  size_t end() const { return pos_; }
  // A collection stored with a count of zero: Redis 7.0 skips such keys when loading.
  bool empty() const { return empty_; }
  std::string_view bad() const { return bad_; }

 private:
  enum Unit : uint8_t { kStr, kLen, kFixed8, kTextDouble };
  Scan unit(FrameCursor& c, Unit u);

  Unit units_[2] = {kStr, kStr};
  int n_units_ = 1;
  bool counted_ = false;
  bool have_count_ = false;
  uint64_t items_left_ = 1;
  int next_unit_ = 0;
  size_t start_ = 0;
  size_t pos_ = 0;
  uint64_t max_bytes_ = 0;
  bool empty_ = false;
  std::string_view bad_;
};

}  // namespace codis::server::rdb
