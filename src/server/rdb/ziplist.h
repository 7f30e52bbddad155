// Ziplist, the compact list Redis 2.6 - 6.2 stored small lists, hashes and sorted sets in (ziplist.c):
// <zlbytes:4 LE><zltail:4 LE><zllen:2 LE><entries><0xFF>, each entry <prevlen: 1 byte, or 0xFE + 4 LE>
// <encoding: string 6/14/32-bit length, or int8/16/24/32/64 or an immediate 0..12><data>. Redis 7.0
// still loads it from old payloads, and so do we; the builder exists to produce such payloads (tests,
// older targets).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/rdb/byte_io.h"
#include "server/rdb/error.h"

namespace codis::server::rdb {

class ZiplistBuilder {
 public:
  ZiplistBuilder() { reset(); }
  // Appends s as ziplistPush does: integers for canonical int64 texts shorter than 32 bytes.
  void append(std::string_view s);
  uint64_t bytes() const { return buf_.size() + 1; }
  uint64_t count() const { return count_; }
  // Appends the finished ziplist to *out; false if over 4 GiB. Leaves the builder empty.
  bool finish(std::string* out);
  void reset();

 private:
  std::string buf_;
  uint64_t count_ = 0;
  uint64_t prev_len_ = 0;
  uint64_t tail_ = 10;
};

// Validates a ziplist as ziplistValidateIntegrity(deep) does (sizes, every entry inside and its prevlen
// equal to the previous entry's size, zltail at the last entry, count equal to the header's unless
// 65535; so an empty ziplist is refused too) and appends its entries to *out, integers as decimal text.
DumpStatus decode_ziplist(std::string_view zl, Budget& budget, std::vector<std::string>* out);

}  // namespace codis::server::rdb
