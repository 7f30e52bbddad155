// Buggify: fault-injection sites inside product code (FoundationDB's BUGGIFY). Off unless a simulator enables
// it; when on, each site is activated once per run with probability 1/4 and then fires 1/4 of the time.
#pragma once

#include <cstdint>
#include <map>
#include <source_location>
#include <string>
#include <utility>

#include "rt/random.h"

namespace codis::rt {

class Buggify {
 public:
  // Disabled: fire() is always false and draws nothing.
  Buggify() = default;
  // Enabled, drawing from its own stream so switching buggify on or off leaves other streams unchanged.
  explicit Buggify(Random r) : enabled_(true), r_(r) {}

  bool enabled() const { return enabled_; }
  bool fire(std::source_location loc = std::source_location::current());
  // How many distinct sites fired at least once (for coverage reports).
  size_t sites_fired() const;

 private:
  struct Site {
    bool active = false;
    uint64_t fired = 0;
  };
  bool enabled_ = false;
  Random r_{0};
  std::map<std::pair<std::string, uint32_t>, Site> sites_;
};

}  // namespace codis::rt
