// Key extraction: which arguments of a command are keys, found from the command's key specs as Redis 7.0
// does (db.c getKeysFromCommandWithSpecs), with the command's key function as the fallback.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cmd/key_list.h"
#include "cmd/spec.h"

namespace codis::cmd {

enum class KeySearch : uint8_t {
  kKeys,            // real keys only: what routing, ownership checks and COMMAND GETKEYS want
  kIncludeNotKeys,  // also specs flagged not_key (the shard channel of SPUBLISH/SSUBSCRIBE), from the specs
};

// Fills `out` (cleared first) with the key positions of `argv` (argv[0] is the command name; for a
// subcommand pass the whole argv and its own spec) and returns kNone, or returns why the positions
// cannot be known. Call it after check_arity. Agrees with Redis 7.0's COMMAND GETKEYSANDFLAGS wherever
// Redis finds keys; where Redis says "Invalid arguments", this returns the error the command itself would
// reply (keys_error_text), or no keys. A command with no_mandatory_keys (EVAL ... 0) may have no keys.
[[nodiscard]] KeysError extract_keys(const CommandSpec& spec, std::span<const std::string_view> argv,
                                     KeyList& out, KeySearch search = KeySearch::kKeys);

// The keys that the key specs applying to `argv` find, skipping the specs that do not apply, as Redis's
// GET_KEYSPEC_RETURN_PARTIAL search: for routing and slot-ownership checks where extract_keys fails, since
// some such forms run (PFMERGE dest: its sources' range is empty, dest is still written) and the others
// must reach the server of the keys they name to get their own error. Empty when no spec applies (ZDIFF -1
// k) or argv fails the arity.
void extract_partial_keys(const CommandSpec& spec, std::span<const std::string_view> argv, KeyList& out);

// True when the command can have keys at all (some key spec is not not_key, or it has a key function).
bool may_have_keys(const CommandSpec& spec);

// The Redis error text for `e` (without the leading '-'), e.g. "ERR syntax error". Allocates: error path.
std::string keys_error_text(const CommandSpec& spec, KeysError e);

}  // namespace codis::cmd
