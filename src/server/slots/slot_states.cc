#include "server/slots/slot_states.h"

#include <cctype>

namespace codis::server {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

SlotStates::SlotStates(bool cluster_mode, PlantedSlotBugs planted)
    : cluster_mode_(cluster_mode), planted_(planted) {
  if (cluster_mode_) {
    for (auto& s : slots_) {
      s.state = SlotState::kNotOwned;
    }
  }
}

std::string SlotStates::set(uint32_t slot, const SlotInfo& info) {
  std::string error = check(slot, info);
  if (error.empty()) {
    slots_[slot] = info;
  }
  return error;
}

std::string SlotStates::check(uint32_t slot, const SlotInfo& info) const {
  if (!cluster_mode_) {
    return "cluster-mode is off: this server owns every slot (start it with cluster-mode yes)";
  }
  if (slot >= cmd::kSlots) {
    return "invalid slot " + std::to_string(slot);
  }
  const bool needs_peer = info.state == SlotState::kMigrating || info.state == SlotState::kImporting;
  if (needs_peer && info.peer.empty()) {
    return std::string(name(info.state)) + " needs the address of the other server";
  }
  if (info.state == SlotState::kOwned && !info.peer.empty()) {
    return "owned takes no address";
  }
  const SlotInfo& cur = slots_[slot];
  if (info.epoch < cur.epoch && !planted_.accept_stale_epoch) {
    return "stale epoch " + std::to_string(info.epoch) + " for slot " + std::to_string(slot) +
           " (it is at epoch " + std::to_string(cur.epoch) + ")";
  }
  if (info.epoch == cur.epoch) {
    if (info == cur) {
      return "";
    }
    return "slot " + std::to_string(slot) + " is already " + std::string(name(cur.state)) + " at epoch " +
           std::to_string(cur.epoch) + "; a change needs a newer epoch";
  }
  return "";
}

std::string_view SlotStates::name(SlotState s) {
  switch (s) {
    case SlotState::kOwned:
      return "owned";
    case SlotState::kMigrating:
      return "migrating";
    case SlotState::kImporting:
      return "importing";
    case SlotState::kNotOwned:
      return "not-owned";
  }
  return "?";
}

std::optional<SlotState> SlotStates::parse(std::string_view n) {
  for (SlotState s :
       {SlotState::kOwned, SlotState::kMigrating, SlotState::kImporting, SlotState::kNotOwned}) {
    if (iequal(n, name(s))) {
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace codis::server
