// LZF, the compression Redis applies to RDB strings (lzf_c.c / lzf_d.c, liblzf 3.x as configured by
// Redis: HLOG 16, VERY_FAST, no ULTRA_FAST). The compressor makes the same choices as Redis's, byte for
// byte, so our DUMP of a compressible string equals Redis's; the decompressor checks every bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace codis::server::rdb {

// Holds the 64K-slot hash table between calls so that compressing many short strings does not clear
// 256 KiB each time: slots carry a generation offset and stale ones are ignored, which gives the same
// output as Redis's compressor over a zeroed table.
class LzfCompressor {
 public:
  // Compresses `in` into *out (replacing its contents). Returns false, as lzf_compress returns 0, when
  // the compressed form would not fit in `max_out` bytes (Redis asks for len - 4, so compression must
  // save at least 4 bytes) or the input is empty or over 4 GiB.
  bool compress(std::string_view in, size_t max_out, std::string* out);

 private:
  std::vector<uint32_t> table_;
  uint32_t base_ = 0;
};

// Decompresses `in` into exactly `out_len` bytes. Returns false if the stream is malformed (a back
// reference before the start, truncated), would produce more than out_len bytes, or produces fewer.
bool lzf_decompress(std::string_view in, size_t out_len, std::string* out);

// The largest output a valid stream of `in_len` bytes can produce (a 3-byte back reference expands to
// 264 bytes): callers reject a claimed length above it before allocating.
inline uint64_t lzf_max_expansion(uint64_t in_len) {
  return in_len * 88 + 1;
}

}  // namespace codis::server::rdb
