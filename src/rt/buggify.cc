#include "rt/buggify.h"

namespace codis::rt {

bool Buggify::fire(std::source_location loc) {
  if (!enabled_) {
    return false;
  }
  auto key = std::make_pair(std::string(loc.file_name()), static_cast<uint32_t>(loc.line()));
  auto it = sites_.find(key);
  if (it == sites_.end()) {
    it = sites_.emplace(std::move(key), Site{r_.chance(0.25), 0}).first;
  }
  if (!it->second.active || !r_.chance(0.25)) {
    return false;
  }
  ++it->second.fired;
  return true;
}

size_t Buggify::sites_fired() const {
  size_t n = 0;
  for (const auto& [k, s] : sites_) {
    n += s.fired > 0 ? 1 : 0;
  }
  return n;
}

}  // namespace codis::rt
