// The slot of a key: crc32_ieee of its hash tag (or of the whole key) modulo 1024, exactly as Codis
// computes it, so keys land where a Codis cluster would put them. On every request's path in the proxy.
#pragma once

#include <cstdint>
#include <string_view>

namespace codis::cmd {

inline constexpr uint32_t kSlots = 1024;

// Standard reflected CRC-32 (polynomial 0xEDB88320, init and final xor 0xFFFFFFFF), the one zlib's
// crc32() and Go's crc32.ChecksumIEEE compute. Slicing-by-8: eight table lookups per 8 bytes.
uint32_t crc32_ieee(std::string_view bytes);

// Codis's hash tag rule: the bytes between the first '{' and the first '}' after it, even when empty
// ("{}x" hashes ""; Redis Cluster would hash the whole key there). No '{', or no '}' after it: the key.
constexpr std::string_view hash_tag(std::string_view key) {
  const size_t open = key.find('{');
  if (open == std::string_view::npos) return key;
  const size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos) return key;
  return key.substr(open + 1, close - open - 1);
}

inline uint32_t slot_of(std::string_view key) {
  return crc32_ieee(hash_tag(key)) & (kSlots - 1);
}

}  // namespace codis::cmd
