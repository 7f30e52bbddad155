// Bit commands on string values: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD, and LCS.
#include "server/registry.h"

namespace codis::server {

void register_bit_family(Registry&) {}

}  // namespace codis::server
