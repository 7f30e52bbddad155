// What the list command files share: key lookups with the write path's semantics, empty-list deletion,
// and LMPOP's parsing and non-blocking attempt (BLMPOP can reuse both), and the registration of the
// position commands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/context.h"
#include "server/families/list_ops.h"
#include "server/registry.h"

namespace codis::server {

// The list at key for a write command: nullptr when missing; on another type replies WRONGTYPE and sets
// *wrong. Unlike lookup_typed it leaves keyspace hits/misses alone, as Redis's lookupKeyWrite does.
Entry* find_list_for_write(CommandContext& ctx, std::string_view key, bool* wrong);

// Deletes key when its list has become empty (Redis never keeps an empty list).
void drop_if_empty(CommandContext& ctx, std::string_view key, const ListValue& l);

struct MpopArgs {
  size_t first_key = 0;
  size_t numkeys = 0;
  listops::End from = listops::End::kHead;
  int64_t count = 1;
};

// Parses `numkeys key... LEFT|RIGHT [COUNT n]` starting at argv[first]; replies Redis's error and returns
// false on bad input.
bool parse_mpop(CommandContext& ctx, size_t first, MpopArgs* a);

// Pops from the first non-empty list among the keys and replies [key, [elements]]: true. Sets *replied
// also when it replied WRONGTYPE (a key of another type before any non-empty list); false and nothing
// written when every list is missing.
bool mpop_try(CommandContext& ctx, const MpopArgs& a, bool* replied);

// LMOVE's work once the ends are parsed (argv[1] source, argv[2] destination): pops, pushes and replies
// the element, or a null when the source is missing (BLMOVE reuses it).
void list_move(CommandContext& ctx, listops::End from, listops::End to);

// BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP (list_blocking.cc).
void register_list_blocking_commands(Registry& r);
void register_list_position_commands(Registry& r);

}  // namespace codis::server
