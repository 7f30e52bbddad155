// Zipmap, the small-hash encoding of Redis before 2.6 (zipmap.c): <count: 1 byte, 254 = unknown> then
// <len><field><len><free: 1 byte><value><free bytes> per pair, then 0xFF; a length is one byte below
// 254, or 254 + 4 bytes little endian. Only payloads from very old servers hold one.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/rdb/byte_io.h"
#include "server/rdb/error.h"

namespace codis::server::rdb {

// Appends a zipmap of the pairs (no free bytes), for tests and old targets.
void encode_zipmap(const std::vector<std::pair<std::string, std::string>>& fields, std::string* out);

// Validates as zipmapValidateIntegrity(deep) (every length and value inside, not empty, count equal to
// the header's unless 254) and, stricter, that the terminator is the last byte; appends the pairs.
DumpStatus decode_zipmap(std::string_view zm, Budget& budget,
                         std::vector<std::pair<std::string, std::string>>* out);

}  // namespace codis::server::rdb
