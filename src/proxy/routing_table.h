// The proxy's routing table: for each of the 1024 slots the group that owns it, for each group its master
// (later its replicas), and an epoch that only grows. Loaded from a routing file (JSON) until the
// coordinator feeds it (control-plane issue). Immutable once built: a reload makes a new table.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cmd/slot.h"
#include "rt/net.h"
#include "rt/result.h"

namespace codis::proxy {

struct Group {
  int id = 0;
  rt::Endpoint master;
  std::vector<rt::Endpoint> replicas;
};

class RoutingTable {
 public:
  static constexpr int kNoGroup = 0;

  // The routing file:
  //   {"epoch": 7,
  //    "groups": [{"id": 1, "master": "127.0.0.1:6380", "replicas": ["127.0.0.1:6390"]}, ...],
  //    "slots": [{"range": [0, 511], "group": 1}, {"range": [512, 1023], "group": 2}]}
  // Group ids are positive; a slot not listed has no owner. On a malformed file the error says where.
  struct ParseError {
    std::string message;
  };
  static std::variant<std::shared_ptr<const RoutingTable>, ParseError> parse(std::string_view json);

  uint64_t epoch() const { return epoch_; }
  // The group owning slot s, or kNoGroup.
  int owner(uint32_t slot) const { return slots_[slot]; }
  const Group* group(int id) const {
    auto it = groups_.find(id);
    return it == groups_.end() ? nullptr : &it->second;
  }
  // The master of slot s's owner, or nullptr when the slot is not served.
  const rt::Endpoint* master_of(uint32_t slot) const {
    const Group* g = group(owner(slot));
    return g ? &g->master : nullptr;
  }
  const std::map<int, Group>& groups() const { return groups_; }
  // Slots served (with an owner).
  int served_slots() const;
  // The table as the routing file's JSON (the admin API shows it).
  std::string to_json() const;

 private:
  uint64_t epoch_ = 0;
  std::array<int, cmd::kSlots> slots_{};
  std::map<int, Group> groups_;
};

}  // namespace codis::proxy
