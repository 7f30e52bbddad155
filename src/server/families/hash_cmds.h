// The hash family's handlers that live outside hashes.cc (one job per file), for its register function.
#pragma once

#include "server/context.h"

namespace codis::server::hashes {

void cmd_hrandfield(CommandContext& ctx);  // hash_random.cc
void cmd_hscan(CommandContext& ctx);       // hash_scan.cc

}  // namespace codis::server::hashes
