// Which of the 1024 slots this server serves (ARCHITECTURE.md section 5): per slot a state (owned,
// migrating to a peer, importing from a peer, not owned with its owner when known) and an epoch that only
// grows. The dashboard sets them (SLOTSSETSTATE); the dispatcher reads them on every keyed command, so
// safety never depends on a proxy's routing table being fresh. A plain server (cluster-mode no) owns every
// slot at epoch 0 and nothing changes that. Pure data and rules: persistence (AOF/RDB) stores and reloads
// exactly what `at()` returns, through `set()`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cmd/slot.h"

namespace codis::server {

enum class SlotState : uint8_t { kOwned, kMigrating, kImporting, kNotOwned };

// Deliberate defects planted by the simulator (codis-sim --bug) to prove its checkers can fail; all false
// outside the simulator, read once at construction so the checks cost a flag test.
struct PlantedSlotBugs {
  bool accept_stale_epoch = false;        // slot-accept-stale-epoch: an older epoch replaces the state
  bool importing_without_asking = false;  // slot-importing-without-asking: importing serves anyone
};

struct SlotInfo {
  SlotState state = SlotState::kOwned;
  uint64_t epoch = 0;
  // host:port of the other side: the target while migrating, the source while importing, the owner when
  // not owned ("" when unknown); empty when owned.
  std::string peer;
  bool operator==(const SlotInfo&) const = default;
};

class SlotStates {
 public:
  // cluster_mode false: every slot owned, for good. True: every slot starts not owned (epoch 0, owner
  // unknown) until the dashboard says otherwise, so a server that lost its states serves nothing it
  // might no longer own.
  explicit SlotStates(bool cluster_mode, PlantedSlotBugs planted = {});

  bool cluster_mode() const { return cluster_mode_; }
  const PlantedSlotBugs& planted() const { return planted_; }
  const SlotInfo& at(uint32_t slot) const { return slots_[slot]; }

  // Applies `info` to `slot`: a newer epoch replaces what is there; the same epoch with the same state and
  // peer is accepted again (a retried command); an older epoch, or the same epoch with anything else, is
  // refused. Returns "" when applied, else the reason (for an "ERR ..." reply). migrating and importing
  // need a peer; owned takes none.
  std::string set(uint32_t slot, const SlotInfo& info);
  // Puts back what persistence saved (at start-up, before anyone can call set): no epoch rule applies.
  // Ignored without cluster mode, where every slot is owned for good.
  void restore(uint32_t slot, const SlotInfo& info) {
    if (cluster_mode_ && slot < cmd::kSlots) {
      slots_[slot] = info;
    }
  }
  // What set() would answer, changing nothing.
  std::string check(uint32_t slot, const SlotInfo& info) const;

  static std::string_view name(SlotState s);
  static std::optional<SlotState> parse(std::string_view name);  // case-insensitive

 private:
  bool cluster_mode_;
  PlantedSlotBugs planted_;
  std::array<SlotInfo, cmd::kSlots> slots_;
};

}  // namespace codis::server
