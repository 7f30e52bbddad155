// RDB lengths and strings (rdbSaveLen/rdbLoadLen, rdbSaveRawString/rdbGenericLoadStringObject): the
// building blocks of every object encoding. Lengths: 6-bit, 14-bit, 0x80 + 32-bit or 0x81 + 64-bit big
// endian. Strings: a length and raw bytes, or a special encoding: int8/int16/int32 (little endian) or LZF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/rdb/byte_io.h"
#include "server/rdb/error.h"
#include "server/rdb/lzf.h"

namespace codis::server::rdb {

void append_rdb_len(uint64_t len, std::string* out);

// Writes strings exactly as Redis 7.0's rdbSaveRawString: canonical integers of at most 11 bytes that
// fit in 32 bits as int8/int16/int32, then (when compressing) strings over 20 bytes as LZF if that saves
// at least 4 bytes, else length + bytes. Keeps the LZF table and scratch buffer between strings.
class StringWriter {
 public:
  explicit StringWriter(bool compress) : compress_(compress) {}
  void append(std::string_view s, std::string* out);

 private:
  bool compress_;
  LzfCompressor lzf_;
  std::string scratch_;
};

// Reads a plain length; a special-encoding byte where a length belongs is malformed.
DumpStatus read_rdb_len(Reader& in, uint64_t* len);

// Reads a string in any encoding into *out (integers as their decimal text), charging its size.
DumpStatus read_rdb_string(Reader& in, Budget& budget, std::string* out);

}  // namespace codis::server::rdb
