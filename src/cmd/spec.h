// The command record: one per command and per subcommand, modelled on Redis 7.0's src/commands/*.json
// (arity, flags, ACL categories, tips, key specs) plus codis-cpp's proxy policy.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "cmd/bits.h"
#include "cmd/key_list.h"
#include "cmd/policy.h"

namespace codis::cmd {

// Where a key spec starts looking (Redis "begin_search").
enum class BeginSearch : uint8_t {
  kIndex,    // at argv[index]
  kKeyword,  // after the first `keyword` found scanning from argv[index] (negative: backwards from the end)
  kUnknown,  // cannot be described; the command's keys_fn decides
};

// How a key spec finds keys from there (Redis "find_keys").
enum class FindKeys : uint8_t {
  kRange,    // keys from the start to `lastkey` (relative; negative counts from the end), every `keystep`;
             // with `limit` > 0 and lastkey -1, only the first 1/limit of the remaining arguments
  kKeynum,   // argv[start + keynumidx] holds the number of keys, which begin at start + firstkey
  kUnknown,  // cannot be described; the command's keys_fn decides
};

struct KeySpec {
  std::string_view notes{};
  uint16_t flags = 0;  // kf:: bits
  BeginSearch begin = BeginSearch::kIndex;
  int16_t index = 0;  // kIndex: the position; kKeyword: where the search starts ("startfrom")
  std::string_view keyword{};
  FindKeys find = FindKeys::kRange;
  int16_t lastkey = 0;    // kRange
  int16_t keystep = 1;    // kRange and kKeynum
  int16_t limit = 0;      // kRange
  int16_t keynumidx = 0;  // kKeynum
  int16_t firstkey = 0;   // kKeynum
};

// At most three specs per command in Redis 7.0 (SORT and GEORADIUS have three).
struct KeySpecs {
  static constexpr int kMax = 3;
  std::array<KeySpec, kMax> v{};
  uint8_t n = 0;
  constexpr std::span<const KeySpec> view() const { return {v.data(), n}; }
};

struct CommandSpec {
  std::string_view name{};     // lowercase; "container|sub" for a subcommand, as Redis names them
  std::string_view group{};    // Redis COMMAND DOCS group ("string", "sorted-set", ...); "codis" for ours
  std::string_view summary{};  // one line, for COMMAND DOCS and docs
  int32_t arity = 0;   // Redis convention: N = exactly N arguments including the name, -N = at least N
  uint32_t flags = 0;  // flag:: bits; kMovableKeys is derived (see make_command)
  uint32_t acl = 0;    // acl:: bits as COMMAND INFO reports them (implicit ones derived from flags)
  uint32_t tips = 0;   // tip:: bits
  KeySpecs keys{};
  // Redis's getkeys procedure when it has one: extract_keys falls back to it when the specs cannot answer
  // (a spec is unknown or incomplete, flags vary with the arguments, or a numkeys is malformed).
  KeysFn keys_fn = nullptr;
  Policy policy{};
  std::span<const CommandSpec> subcommands{};  // sorted by name; empty for plain commands
  // COMMAND INFO's legacy (first, last, step), derived from the key specs exactly as Redis derives them.
  int32_t first_key = 0;
  int32_t last_key = 0;
  int32_t key_step = 0;

  constexpr bool has(uint32_t f) const { return (flags & f) != 0; }
  constexpr bool is_container() const { return !subcommands.empty(); }
};

// Redis's arity rule: N means exactly N arguments (the name included), -N at least N.
constexpr bool check_arity(const CommandSpec& spec, size_t argc) {
  return spec.arity >= 0 ? argc == static_cast<size_t>(spec.arity) : argc >= static_cast<size_t>(-spec.arity);
}

}  // namespace codis::cmd
