// The reference walk of ZRANGEBYSCORE/ZRANGEBYLEX over a sorted vector of (member, score), shared by the
// sorted-set property (props/server_ds/zset_model_props.cc) and the range fuzzer (fuzz/zset_range_fuzzer.cc):
// skip to the first element in range from the chosen end, skip `offset` more, then take while in range.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace codis::server::ds::reference {

using Pairs = std::vector<std::pair<std::string, double>>;

// gte(e): e is at or above the range's low end; lte(e): at or below its high end.
template <class Gte, class Lte>
Pairs range_walk(const Pairs& v, bool reverse, size_t offset, size_t limit, Gte gte, Lte lte) {
  Pairs out;
  if (!reverse) {
    size_t i = 0;
    while (i < v.size() && !gte(v[i])) ++i;
    for (i += offset; i < v.size() && out.size() < limit && lte(v[i]); ++i) out.push_back(v[i]);
  } else {
    size_t i = v.size();
    while (i > 0 && !lte(v[i - 1])) --i;
    if (i < offset) return out;
    for (i -= offset; i > 0 && out.size() < limit && gte(v[i - 1]); --i) out.push_back(v[i - 1]);
  }
  return out;
}

}  // namespace codis::server::ds::reference
