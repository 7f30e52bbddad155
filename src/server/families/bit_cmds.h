// The bit family's shared pieces (families/bits.cc, bitop.cc, bitfield.cc, lcs.cc): Redis's bit offset
// argument, the string a bit write works on, reading a string value as bytes, and the handlers that live
// outside bits.cc for its register function.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/context.h"
#include "server/keyspace.h"

namespace codis::server::bits {

// A string value's bytes (empty for the empty string).
inline std::string_view bytes_of(const Entry& e) {
  return std::string_view(e.value.str());
}

// getBitOffsetFromArgument: a non-negative integer whose byte (offset >> 3) is below proto-max-bulk-len.
// With `hash` (BITFIELD), "#n" means n * bits. Replies "ERR bit offset is not an integer or out of range".
bool parse_bit_offset(CommandContext& ctx, std::string_view arg, bool hash, int bits, uint64_t* out);

// lookupStringForBitCommand: the string at the command's key, created or zero-grown so that bit `max_bit`
// exists. nullptr after replying WRONGTYPE. *dirty: the key was created or grown.
Entry* string_for_bit_write(CommandContext& ctx, std::string_view key, uint64_t max_bit, bool* dirty);

void cmd_bitop(CommandContext& ctx);        // bitop.cc
void cmd_bitfield(CommandContext& ctx);     // bitfield.cc
void cmd_bitfield_ro(CommandContext& ctx);  // bitfield.cc
void cmd_lcs(CommandContext& ctx);          // lcs.cc

}  // namespace codis::server::bits
