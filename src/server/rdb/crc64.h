// CRC-64 as Redis computes it for DUMP payloads and RDB files (crc64.c): the Jones polynomial
// 0xad93d23594c935a9, reflected input and output, initial value 0, no final xor.
// crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstdint>
#include <string_view>

namespace codis::server::rdb {

// Continues a CRC over more bytes: crc64(crc64(0, a), b) == crc64(0, a + b).
uint64_t crc64(uint64_t crc, std::string_view bytes);

}  // namespace codis::server::rdb
