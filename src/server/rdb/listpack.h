// Listpack, the compact list of strings Redis 7.0 stores small hashes, sorted sets and quicklist nodes in
// (listpack.c): <total bytes:4 LE><count:2 LE, 65535 = unknown><entries><0xFF>, each entry an encoding
// byte (7-bit uint, 6/12/32-bit string length, 13/16/24/32/64-bit int) with its data and a backward
// length (1-5 bytes, 7 bits each). A builder that writes what lpAppend writes, and a decoder that checks
// what lpValidateIntegrity(deep) checks before trusting a byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/rdb/byte_io.h"
#include "server/rdb/error.h"

namespace codis::server::rdb {

class ListpackBuilder {
 public:
  ListpackBuilder() { reset(); }
  // Appends s as lpAppend does: as an integer if it is a canonical int64 text, else as a string.
  void append(std::string_view s);
  void append_int(int64_t v);
  // Size of the listpack if finished now (lpBytes), and the number of entries.
  uint64_t bytes() const { return buf_.size() + 1; }
  uint64_t count() const { return count_; }
  // Writes the header and terminator and appends the listpack to *out; false (and nothing appended) if it
  // would exceed the format's 4 GiB limit. Leaves the builder empty.
  bool finish(std::string* out);
  void reset();

 private:
  void append_backlen(uint64_t entry_len);
  std::string buf_;
  uint64_t count_ = 0;
};

// Validates a listpack (total bytes equal to its size, terminator last and nowhere else, every entry's
// encoding known, inside the listpack and with a matching backward length, count equal to the header's
// unless 65535) and appends its entries to *out, integers as decimal text.
DumpStatus decode_listpack(std::string_view lp, Budget& budget, std::vector<std::string>* out);

}  // namespace codis::server::rdb
