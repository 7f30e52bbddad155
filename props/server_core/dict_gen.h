// Shared by the ChainedDict properties: key names, a set of the first n of them, and a hash with few
// distinct values (long chains, many keys sharing a bucket).
#pragma once

#include <string>
#include <string_view>

#include "server/dict.h"

namespace codis::server::props {

inline std::string key_of(int i) {
  return "k" + std::to_string(i);
}

inline StrSet set_of(int n) {
  StrSet s;
  for (int i = 0; i < n; ++i) {
    s.emplace(key_of(i));
  }
  return s;
}

// Eight hash values in all: most keys collide.
struct CollidingHash {
  size_t operator()(std::string_view s) const noexcept { return StrHash{}(s) % 8; }
};

}  // namespace codis::server::props
