// Key-spec interpretation (Redis 7.0 db.c getKeysUsingKeySpecs) and the fallback to key functions.
#include "cmd/keys.h"

#include <cstdint>

#include "cmd/ascii.h"

namespace codis::cmd {
namespace {

// Where a spec's search starts; 0 when a keyword spec finds no keyword (the spec then yields nothing).
// Like Redis, a forward search never looks at the last argument and a backward one stops before argv[1],
// since a keyword there could not be followed by a key.
int begin_of(const KeySpec& s, std::span<const std::string_view> argv) {
  const int argc = static_cast<int>(argv.size());
  if (s.begin == BeginSearch::kIndex) return s.index;
  const int start = s.index > 0 ? s.index : argc + s.index;
  const int end = s.index > 0 ? argc - 1 : 1;
  for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
    if (i >= argc || i < 1) break;
    if (iequals(argv[i], s.keyword)) return i + 1;
  }
  return 0;
}

enum class SpecResult : uint8_t { kOk, kSkipped, kInvalid };

SpecResult apply_spec(const KeySpec& s, std::span<const std::string_view> argv, KeyList& out) {
  if (s.begin == BeginSearch::kUnknown || s.find == FindKeys::kUnknown) return SpecResult::kInvalid;
  const int64_t argc = static_cast<int64_t>(argv.size());
  int64_t first = begin_of(s, argv);
  if (first == 0) return SpecResult::kSkipped;
  const int64_t step = s.keystep;
  int64_t last = 0;
  if (s.find == FindKeys::kRange) {
    if (s.lastkey >= 0) {
      last = first + s.lastkey;
    } else if (s.limit == 0) {
      last = argc + s.lastkey;
    } else {
      // Only lastkey -1 makes sense with a limit (XREAD's STREAMS k1 k2 id1 id2: the first half).
      last = first + ((argc - first) / s.limit + s.lastkey);
    }
  } else {
    if (first + s.keynumidx >= argc) return SpecResult::kInvalid;
    const std::optional<int64_t> n = parse_int64(argv[first + s.keynumidx]);
    if (!n || *n < 0 || *n > argc) return SpecResult::kInvalid;
    first += s.firstkey;
    last = first + *n - 1;
  }
  if (last >= argc || last < first || first >= argc || step <= 0) return SpecResult::kInvalid;
  for (int64_t i = first; i <= last; i += step) {
    out.push_back({static_cast<uint32_t>(i), s.flags});
  }
  // An incomplete spec found some keys but maybe not all: only the key function knows.
  if (s.flags & kf::kIncomplete) return SpecResult::kInvalid;
  return SpecResult::kOk;
}

bool keys_by_specs(const CommandSpec& cmd, std::span<const std::string_view> argv, KeySearch search,
                   KeyList& out) {
  for (const KeySpec& s : cmd.keys.view()) {
    if ((s.flags & kf::kNotKey) && search != KeySearch::kIncludeNotKeys) continue;
    if (apply_spec(s, argv, out) == SpecResult::kInvalid) {
      out.clear();
      return false;
    }
  }
  return true;
}

}  // namespace

bool may_have_keys(const CommandSpec& spec) {
  if (spec.keys_fn) return true;
  for (const KeySpec& s : spec.keys.view()) {
    if (!(s.flags & kf::kNotKey)) return true;
  }
  return false;
}

KeysError extract_keys(const CommandSpec& spec, std::span<const std::string_view> argv, KeyList& out,
                       KeySearch search) {
  out.clear();
  if (!check_arity(spec, argv.size())) return KeysError::kInvalid;
  bool has_key_spec = false;
  bool variable_flags = false;
  for (const KeySpec& s : spec.keys.view()) {
    has_key_spec |= !(s.flags & kf::kNotKey);
    variable_flags |= (s.flags & kf::kVariableFlags) != 0;
  }
  if (search == KeySearch::kIncludeNotKeys && !has_key_spec) {
    return keys_by_specs(spec, argv, search, out) ? KeysError::kNone : KeysError::kInvalid;
  }
  // Specs first when they are trustworthy; flags that vary with the arguments need the key function.
  if (has_key_spec && !variable_flags && keys_by_specs(spec, argv, search, out)) {
    // Specs that found nothing (XREAD without STREAMS) leave a command that needs keys malformed: Redis
    // reports "Invalid arguments" there; the key function knows the command's own words for it.
    if (!out.empty() || spec.has(flag::kNoMandatoryKeys)) return KeysError::kNone;
    if (!spec.keys_fn) return KeysError::kInvalid;
  }
  if (spec.keys_fn) return spec.keys_fn(argv, out);
  return has_key_spec ? KeysError::kInvalid : KeysError::kNone;
}

void extract_partial_keys(const CommandSpec& spec, std::span<const std::string_view> argv, KeyList& out) {
  out.clear();
  if (!check_arity(spec, argv.size())) return;
  for (const KeySpec& s : spec.keys.view()) {
    // A spec that does not apply adds nothing; an incomplete one keeps the keys it found.
    if (!(s.flags & kf::kNotKey)) (void)apply_spec(s, argv, out);
  }
}

std::string keys_error_text(const CommandSpec& spec, KeysError e) {
  switch (e) {
    case KeysError::kNone:
      return {};
    case KeysError::kInvalid:
      return "ERR Invalid arguments specified for command";
    case KeysError::kNotInteger:
      return "ERR value is not an integer or out of range";
    case KeysError::kNumkeysNegative:
      return "ERR Number of keys can't be negative";
    case KeysError::kNumkeysTooLarge:
      return "ERR Number of keys can't be greater than number of args";
    case KeysError::kNumkeysNotPositive:
      return "ERR numkeys should be greater than 0";
    case KeysError::kNeedOneKey:
      return "ERR at least 1 input key is needed for '" + std::string(spec.name) + "' command";
    case KeysError::kSyntax:
      return "ERR syntax error";
    case KeysError::kUnbalancedStreams:
      // XREADGROUP says XREAD too (t_stream.c uses one message for both).
      return "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
  }
  return "ERR Invalid arguments specified for command";
}

}  // namespace codis::cmd
