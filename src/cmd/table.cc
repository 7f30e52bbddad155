// Joins the family tables into one sorted constant array and builds, at compile time, an open-addressing
// index over the names, so lookup is a hash of the lowercased name and a probe or two.
#include "cmd/table.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "cmd/ascii.h"
#include "cmd/table/bitmap.h"
#include "cmd/table/cluster.h"
#include "cmd/table/codis.h"
#include "cmd/table/connection.h"
#include "cmd/table/generic.h"
#include "cmd/table/geo.h"
#include "cmd/table/hash.h"
#include "cmd/table/hyperloglog.h"
#include "cmd/table/list.h"
#include "cmd/table/pubsub.h"
#include "cmd/table/scripting.h"
#include "cmd/table/server.h"
#include "cmd/table/set.h"
#include "cmd/table/sorted_set.h"
#include "cmd/table/stream.h"
#include "cmd/table/string.h"
#include "cmd/table/transactions.h"

namespace codis::cmd {
namespace {

template <size_t... N>
constexpr auto concat(const CommandSpec (&... parts)[N]) {
  std::array<CommandSpec, (N + ...)> out{};
  size_t at = 0;
  ((std::copy(std::begin(parts), std::end(parts), out.begin() + at), at += N), ...);
  std::sort(out.begin(), out.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.name < b.name; });
  return out;
}

constexpr auto kAll =
    concat(table::kBitmapCommands, table::kClusterCommands, table::kCodisCommands, table::kConnectionCommands,
           table::kGenericCommands, table::kGeoCommands, table::kHashCommands, table::kHyperloglogCommands,
           table::kListCommands, table::kPubsubCommands, table::kScriptingCommands, table::kServerCommands,
           table::kSetCommands, table::kSortedSetCommands, table::kStreamCommands, table::kStringCommands,
           table::kTransactionsCommands);

// FNV-1a over the lowercased bytes: names are short and this is cheap enough to run while lowercasing.
constexpr uint32_t name_hash(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) h = (h ^ static_cast<uint8_t>(ascii_lower(c))) * 16777619u;
  return h;
}

constexpr size_t kIndexSize = 1024;  // a power of two, at least 3x the commands: short probe runs
constexpr uint16_t kEmpty = UINT16_MAX;
static_assert(kAll.size() * 3 <= kIndexSize);

constexpr std::array<uint16_t, kIndexSize> build_index() {
  std::array<uint16_t, kIndexSize> index{};
  index.fill(kEmpty);
  for (size_t i = 0; i < kAll.size(); ++i) {
    size_t h = name_hash(kAll[i].name) & (kIndexSize - 1);
    while (index[h] != kEmpty) h = (h + 1) & (kIndexSize - 1);
    index[h] = static_cast<uint16_t>(i);
  }
  return index;
}
constexpr auto kIndex = build_index();

// Checked at compile time: names are lowercase, short, unique, and subcommands are "container|x" rows
// sorted by name; a table edit that breaks one of these does not build.
constexpr bool well_formed() {
  for (size_t i = 0; i < kAll.size(); ++i) {
    const CommandSpec& c = kAll[i];
    if (c.name.empty() || c.name.size() > kMaxNameLength) return false;
    for (char ch : c.name) {
      if (ascii_lower(ch) != ch || ch == '|') return false;
    }
    if (i > 0 && !(kAll[i - 1].name < c.name)) return false;
    for (size_t j = 0; j < c.subcommands.size(); ++j) {
      const CommandSpec& s = c.subcommands[j];
      if (s.name.size() <= c.name.size() + 1 || s.name.substr(0, c.name.size()) != c.name ||
          s.name[c.name.size()] != '|' || !s.subcommands.empty()) {
        return false;
      }
      if (j > 0 && !(c.subcommands[j - 1].name < s.name)) return false;
    }
  }
  return true;
}
static_assert(well_formed());

}  // namespace

const CommandSpec* lookup(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return nullptr;
  char lower[kMaxNameLength];
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < name.size(); ++i) {
    lower[i] = ascii_lower(name[i]);
    h = (h ^ static_cast<uint8_t>(lower[i])) * 16777619u;
  }
  const std::string_view key(lower, name.size());
  for (size_t slot = h & (kIndexSize - 1);; slot = (slot + 1) & (kIndexSize - 1)) {
    const uint16_t i = kIndex[slot];
    if (i == kEmpty) return nullptr;
    if (kAll[i].name == key) return &kAll[i];
  }
}

const CommandSpec* lookup_subcommand(const CommandSpec& container, std::string_view name) {
  for (const CommandSpec& s : container.subcommands) {
    if (iequals(short_name(s), name)) return &s;
  }
  return nullptr;
}

std::span<const CommandSpec> all_commands() {
  return kAll;
}

}  // namespace codis::cmd
