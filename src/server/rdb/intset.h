// Intset, the sorted array of integers Redis keeps small all-integer sets in (intset.c):
// <encoding: 2, 4 or 8, uint32 LE><length: uint32 LE><values, ascending, that width, LE>.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/rdb/byte_io.h"
#include "server/rdb/error.h"

namespace codis::server::rdb {

// Appends the intset of `values` (any order; duplicates are the caller's error) with the narrowest width
// that holds them all, as a set built by SADD has. Sorts `values`.
void encode_intset(std::vector<int64_t>& values, std::string* out);

// Validates as intsetValidateIntegrity(deep) (known width, size equal to the header's count, not empty,
// strictly ascending) and appends the members as decimal text.
DumpStatus decode_intset(std::string_view is, Budget& budget, std::vector<std::string>* out);

}  // namespace codis::server::rdb
