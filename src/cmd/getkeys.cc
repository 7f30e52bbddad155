// Ports of Redis 7.0's getkeys procedures (db.c), returning the command's own error for malformed input.
#include "cmd/getkeys.h"

#include <cstdint>

#include "cmd/ascii.h"
#include "cmd/bits.h"

namespace codis::cmd::getkeys {
namespace {

// How each family of numkeys commands words its complaints (checked against redis-server 7.0.15).
enum class NumkeysStyle : uint8_t {
  kEval,        // not integer / more keys than args / negative
  kZset,        // not integer / "at least 1 input key" / syntax error
  kSintercard,  // "numkeys should be greater than 0" / more keys than args
  kMpop,        // "numkeys should be greater than 0" / syntax error
};

struct NumkeysForm {
  int numkeys_at;  // argv index of numkeys
  int first_at;    // argv index of the first key
  int store_at;    // argv index of a destination key, 0 if none
  int trailing;    // arguments that must follow the keys (LMPOP's LEFT|RIGHT)
  NumkeysStyle style;
  uint16_t key_flags;
  uint16_t store_flags;
};

KeysError numkeys_keys(Argv argv, KeyList& out, const NumkeysForm& f) {
  out.clear();
  const int64_t argc = static_cast<int64_t>(argv.size());
  if (f.numkeys_at >= argc) return KeysError::kInvalid;
  const std::optional<int64_t> n = parse_int64(argv[f.numkeys_at]);
  const int64_t room = argc - f.first_at - f.trailing;
  switch (f.style) {
    case NumkeysStyle::kEval:
      if (!n) return KeysError::kNotInteger;
      if (*n > room) return KeysError::kNumkeysTooLarge;
      if (*n < 0) return KeysError::kNumkeysNegative;
      break;
    case NumkeysStyle::kZset:
      if (!n) return KeysError::kNotInteger;
      if (*n < 1) return KeysError::kNeedOneKey;
      if (*n > room) return KeysError::kSyntax;
      break;
    case NumkeysStyle::kSintercard:
      if (!n || *n < 1) return KeysError::kNumkeysNotPositive;
      if (*n > room) return KeysError::kNumkeysTooLarge;
      break;
    case NumkeysStyle::kMpop:
      if (!n || *n < 1) return KeysError::kNumkeysNotPositive;
      if (*n > room) return KeysError::kSyntax;
      break;
  }
  if (f.store_at) out.push_back({static_cast<uint32_t>(f.store_at), f.store_flags});
  for (int64_t i = 0; i < *n; ++i) out.push_back({static_cast<uint32_t>(f.first_at + i), f.key_flags});
  return KeysError::kNone;
}

constexpr uint16_t kRead = kf::kRO | kf::kAccess;
constexpr uint16_t kReadWrite = kf::kRW | kf::kAccess | kf::kUpdate;
constexpr uint16_t kStore = kf::kOW | kf::kUpdate;
constexpr uint16_t kPop = kf::kRW | kf::kAccess | kf::kDelete;

}  // namespace

KeysError eval(Argv argv, KeyList& out) {
  return numkeys_keys(argv, out, {2, 3, 0, 0, NumkeysStyle::kEval, kReadWrite, 0});
}
KeysError eval_ro(Argv argv, KeyList& out) {
  return numkeys_keys(argv, out, {2, 3, 0, 0, NumkeysStyle::kEval, kRead, 0});
}
KeysError zset_numkeys(Argv argv, KeyList& out) {
  return numkeys_keys(argv, out, {1, 2, 0, 0, NumkeysStyle::kZset, kRead, 0});
}
KeysError zset_store_numkeys(Argv argv, KeyList& out) {
  return numkeys_keys(argv, out, {2, 3, 1, 0, NumkeysStyle::kZset, kRead, kStore});
}
KeysError sintercard(Argv argv, KeyList& out) {
  return numkeys_keys(argv, out, {1, 2, 0, 0, NumkeysStyle::kSintercard, kRead, 0});
}
KeysError mpop(Argv argv, KeyList& out) {
  return numkeys_keys(argv, out, {1, 2, 0, 1, NumkeysStyle::kMpop, kPop, 0});
}
KeysError bmpop(Argv argv, KeyList& out) {
  return numkeys_keys(argv, out, {2, 3, 0, 1, NumkeysStyle::kMpop, kPop, 0});
}

KeysError sort_ro(Argv argv, KeyList& out) {
  out.clear();
  if (argv.size() < 2) return KeysError::kInvalid;
  out.push_back({1, kRead});
  return KeysError::kNone;
}

KeysError sort(Argv argv, KeyList& out) {
  out.clear();
  if (argv.size() < 2) return KeysError::kInvalid;
  out.push_back({1, kRead});
  // Like Redis, only LIMIT, GET and BY are known to take arguments; any other word is skipped alone, and
  // the last STORE wins. (So "SORT k GET store" has no destination: "store" is GET's pattern.)
  struct Skip {
    std::string_view name;
    size_t skip;
  };
  static constexpr Skip kSkips[] = {{"limit", 2}, {"get", 1}, {"by", 1}};
  size_t store_at = 0;
  for (size_t i = 2; i < argv.size(); ++i) {
    for (const Skip& s : kSkips) {
      if (iequals(argv[i], s.name)) {
        i += s.skip;
        break;
      }
      if (iequals(argv[i], "store") && i + 1 < argv.size()) {
        store_at = i + 1;
        break;
      }
    }
  }
  if (store_at) out.push_back({static_cast<uint32_t>(store_at), kStore});
  return KeysError::kNone;
}

KeysError migrate(Argv argv, KeyList& out) {
  out.clear();
  size_t first = 3;
  size_t num = 1;
  struct Skip {
    std::string_view name;
    size_t skip;
  };
  static constexpr Skip kSkips[] = {{"copy", 0}, {"replace", 0}, {"auth", 1}, {"auth2", 2}};
  for (size_t i = 6; i < argv.size(); ++i) {
    if (iequals(argv[i], "keys")) {
      if (!argv[3].empty()) return KeysError::kInvalid;  // KEYS needs "" in the key position
      first = i + 1;
      num = argv.size() - first;
      break;
    }
    for (const Skip& s : kSkips) {
      if (iequals(argv[i], s.name)) {
        i += s.skip;
        break;
      }
    }
  }
  if (num == 0 || first + num > argv.size()) return KeysError::kInvalid;
  for (size_t i = 0; i < num; ++i) {
    out.push_back({static_cast<uint32_t>(first + i), kf::kRW | kf::kAccess | kf::kDelete});
  }
  return KeysError::kNone;
}

KeysError georadius(Argv argv, KeyList& out) {
  out.clear();
  if (argv.size() < 2) return KeysError::kInvalid;
  size_t stored = 0;
  for (size_t i = 5; i < argv.size(); ++i) {
    // STORE and STOREDIST both name the destination; a later one overrides, as in the command.
    if ((iequals(argv[i], "store") || iequals(argv[i], "storedist")) && i + 1 < argv.size()) {
      stored = i + 1;
      ++i;
    }
  }
  out.push_back({1, kRead});
  if (stored) out.push_back({static_cast<uint32_t>(stored), kStore});
  return KeysError::kNone;
}

KeysError xread(Argv argv, KeyList& out) {
  out.clear();
  // "STREAMS" may also be a group, consumer or key name, so the options before it are parsed.
  size_t streams_at = 0;
  for (size_t i = 1; i < argv.size(); ++i) {
    std::string_view a = argv[i];
    if (iequals(a, "block") || iequals(a, "count")) {
      ++i;
    } else if (iequals(a, "group")) {
      i += 2;
    } else if (iequals(a, "noack")) {
      // no argument
    } else if (iequals(a, "streams")) {
      streams_at = i;
      break;
    } else {
      break;
    }
  }
  if (streams_at == 0) return KeysError::kSyntax;
  const size_t rest = argv.size() - streams_at - 1;
  if (rest == 0) return KeysError::kSyntax;
  if (rest % 2 != 0) return KeysError::kUnbalancedStreams;
  for (size_t i = 0; i < rest / 2; ++i) {
    out.push_back({static_cast<uint32_t>(streams_at + 1 + i), kRead});
  }
  return KeysError::kNone;
}

KeysError set(Argv argv, KeyList& out) {
  out.clear();
  if (argv.size() < 2) return KeysError::kInvalid;
  for (size_t i = 3; i < argv.size(); ++i) {
    if (iequals(argv[i], "get")) {
      out.push_back({1, kReadWrite});
      return KeysError::kNone;
    }
  }
  out.push_back({1, kStore});
  return KeysError::kNone;
}

KeysError bitfield(Argv argv, KeyList& out) {
  out.clear();
  if (argv.size() < 2) return KeysError::kInvalid;
  bool readonly = true;
  for (size_t i = 2; i < argv.size(); ++i) {
    const size_t remaining = argv.size() - i - 1;
    std::string_view a = argv[i];
    if (iequals(a, "get") && remaining >= 2) {
      i += 2;
    } else if ((iequals(a, "set") || iequals(a, "incrby")) && remaining >= 3) {
      readonly = false;
      break;
    } else if (iequals(a, "overflow") && remaining >= 1) {
      i += 1;
    } else {
      readonly = false;  // a syntax error: assume the worst, as Redis does
      break;
    }
  }
  out.push_back({1, readonly ? kRead : kReadWrite});
  return KeysError::kNone;
}

}  // namespace codis::cmd::getkeys
