#include "server/slots/slot_route.h"

namespace codis::server {

Route route(const SlotStates& states, std::span<const KeyFacts> keys, bool write, bool asking) {
  if (keys.empty()) {
    return {};
  }
  if (!states.cluster_mode()) {
    // A plain server owns every slot; only a write to a key on its way elsewhere waits (SLOTSMGRT*).
    for (const KeyFacts& k : keys) {
      if (write && k.in_flight) {
        return {Verdict::kTryAgain, k.slot};
      }
    }
    return {};
  }
  const uint32_t slot = keys[0].slot;
  size_t present = 0;
  bool in_flight = false;
  for (const KeyFacts& k : keys) {
    if (k.slot != slot) {
      return {Verdict::kCrossSlot, slot};
    }
    present += k.present ? 1 : 0;
    in_flight = in_flight || k.in_flight;
  }
  const bool all = present == keys.size(), none = present == 0;
  switch (states.at(slot).state) {
    case SlotState::kOwned:
      // A key being moved by SLOTSMGRT* is deleted here once the target has it: a write now would be lost.
      return {write && in_flight ? Verdict::kTryAgain : Verdict::kServe, slot};
    case SlotState::kNotOwned:
      return {Verdict::kMoved, slot};
    case SlotState::kMigrating:
      // Keys still here are served here (reads of keys in flight too: they are still whole here); keys gone
      // are the target's; a write to a key in flight would be lost when the batch lands, so it waits.
      if (none) {
        return {Verdict::kAsk, slot};
      }
      if (!all || (write && in_flight)) {
        return {Verdict::kTryAgain, slot};
      }
      return {Verdict::kServe, slot};
    case SlotState::kImporting:
      // Only what the source sent here: it sends a client only when none of the keys is left there, so
      // keys missing here too are new, while a mix means others may still be on their way.
      if (!asking && !states.planted().importing_without_asking) {
        return {Verdict::kMoved, slot};
      }
      return all || none ? Route{Verdict::kServe, slot} : Route{Verdict::kTryAgain, slot};
  }
  return {};
}

std::string route_error(const SlotStates& states, const Route& r) {
  const SlotInfo& s = states.at(r.slot);
  const std::string where =
      std::to_string(r.slot) + " " + (s.peer.empty() ? "-" : s.peer) + " " + std::to_string(s.epoch);
  switch (r.verdict) {
    case Verdict::kServe:
      return "";
    case Verdict::kMoved:
      return "MOVED " + where;
    case Verdict::kAsk:
      return "ASK " + where;
    case Verdict::kTryAgain:
      return "TRYAGAIN " + where + " keys of the slot are being migrated, retry later";
    case Verdict::kCrossSlot:
      return "CROSSSLOT Keys in request don't hash to the same slot";
  }
  return "";
}

}  // namespace codis::server
