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

// How the proxy keeps a client's commands on a migrating slot correct when the servers do not enforce slot
// ownership themselves (Codis's servers, or codis-server outside cluster mode): Codis's two methods.
enum class Forward : uint8_t {
  kNone,       // send to the owner; the servers' redirects (docs/slots.md) keep it right
  kSync,       // SLOTSMGRTTAGONE each key from the source first, then send to the owner (the target)
  kSemiAsync,  // SLOTSMGRT-EXEC-WRAPPER on the source: run there, or go to the target, or retry later
};

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
  // A slot being moved names its new owner as "group" and the old one as "migrating_from", with
  // "forward": "sync", "semi-async" (the default) or "none" (see Forward).
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
  // The group slot s is moving away from (kNoGroup when it is not moving), and how calls follow the move.
  int migrating_from(uint32_t slot) const { return migrating_from_[slot]; }
  Forward forward(uint32_t slot) const { return forward_[slot]; }
  bool migrating(uint32_t slot) const { return migrating_from_[slot] != kNoGroup; }
  // Some slot is migrating with forwarding (the router then records the keys of its calls).
  bool any_forwarding() const { return any_forwarding_; }
  // Slots served (with an owner).
  int served_slots() const;
  // The table as the routing file's JSON (the admin API shows it).
  std::string to_json() const;

 private:
  uint64_t epoch_ = 0;
  std::array<int, cmd::kSlots> slots_{};
  std::array<int, cmd::kSlots> migrating_from_{};
  std::array<Forward, cmd::kSlots> forward_{};
  bool any_forwarding_ = false;
  std::map<int, Group> groups_;
};

}  // namespace codis::proxy
