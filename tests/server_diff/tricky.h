// Fixed edge cases, per command, that random streams would rarely hit: each is a short script run on
// both servers from an empty keyspace and compared with the same modes as random streams.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace codis::diff {

struct TrickyCase {
  std::string_view name;
  std::vector<std::string_view> lines;  // commands in redis-cli syntax (split_args)
};

std::span<const TrickyCase> tricky_cases();

}  // namespace codis::diff
