// What key extraction produces: positions of keys in argv with how the command uses each, and the error
// values for arguments that make the key positions unknowable (a malformed numkeys, for instance).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "absl/container/inlined_vector.h"

namespace codis::cmd {

struct KeyPos {
  uint32_t index = 0;  // position in argv (argv[0] is the command name)
  uint16_t flags = 0;  // kf:: bits of the key spec that found it
  bool operator==(const KeyPos&) const = default;
};

// Caller-owned and reused across commands: extraction clears it and keeps its capacity, and the first 8
// keys live inline, so the steady state allocates nothing.
using KeyList = absl::InlinedVector<KeyPos, 8>;

enum class KeysError : uint8_t {
  kNone,
  kInvalid,             // "ERR Invalid arguments specified for command" (also: argc fails the arity)
  kNotInteger,          // "ERR value is not an integer or out of range"
  kNumkeysNegative,     // "ERR Number of keys can't be negative"
  kNumkeysTooLarge,     // "ERR Number of keys can't be greater than number of args"
  kNumkeysNotPositive,  // "ERR numkeys should be greater than 0"
  kNeedOneKey,          // "ERR at least 1 input key is needed for '<name>' command"
  kSyntax,              // "ERR syntax error"
  kUnbalancedStreams,   // "ERR Unbalanced '<NAME>' list of streams: for each stream key an ID or '$' ..."
};

// Redis getkeys procedures: the fallback when key specs cannot say (see extract_keys).
using KeysFn = KeysError (*)(std::span<const std::string_view> argv, KeyList& out);

}  // namespace codis::cmd
