// MEMORY USAGE: the bytes a key and its value hold in codis-server, allocator rounding included (glibc
// malloc chunks: the request plus an 8-byte header, rounded up to 16, at least 32 bytes).
#pragma once

#include <cstddef>
#include <string_view>

#include "server/keyspace.h"

namespace codis::server {

// The bytes malloc(n) takes from the heap on glibc (its chunk size); 0 for n == 0.
constexpr size_t malloc_chunk(size_t n) {
  if (n == 0) {
    return 0;
  }
  const size_t c = (n + 8 + 15) & ~size_t{15};
  return c < 32 ? 32 : c;
}

// Heap bytes of a std::string's buffer beyond the object itself (libstdc++: inline up to 15 bytes).
constexpr size_t string_heap(size_t len) {
  return len > 15 ? malloc_chunk(len + 1) : 0;
}

// The entry's share of the keyspace (its block with the key bytes, its bucket pointer, its expiry record)
// plus the value. Containers larger than `samples` elements (0: all) are estimated from their first
// `samples` elements, as Redis's objectComputeSize does.
size_t memory_usage(std::string_view key, const Entry& e, size_t samples = 5);

}  // namespace codis::server
