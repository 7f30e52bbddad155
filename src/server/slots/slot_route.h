// The ownership check of a keyed command (docs/slots.md): given the slot states and, for each key, its slot
// and whether it is here and in flight to the target, serve the command here or answer with the redirect or
// retry the proxy follows. Pure: the dispatcher gathers the facts, this decides, the reply text is built
// by `route_error` so its grammar lives in one place.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "server/slots/slot_states.h"

namespace codis::server {

struct KeyFacts {
  uint32_t slot = 0;
  bool present = false;    // the key exists here (not expired)
  bool in_flight = false;  // the key belongs to a migration batch not yet acknowledged by the target
};

enum class Verdict : uint8_t {
  kServe,
  kMoved,      // the slot is served elsewhere: -MOVED slot addr epoch
  kAsk,        // migrating and the keys are not here: -ASK slot addr epoch (send ASKING first)
  kTryAgain,   // a write to a key in flight, or the keys are split between source and target
  kCrossSlot,  // keys of different slots
};

struct Route {
  Verdict verdict = Verdict::kServe;
  uint32_t slot = 0;
};

// write: the command may modify its keys. asking: the client sent ASKING just before (the proxy does so
// after an -ASK), which is what lets an importing slot serve. A plain server (not cluster mode) serves
// everything but a write to a key in flight.
Route route(const SlotStates& states, std::span<const KeyFacts> keys, bool write, bool asking);

// The error reply (without the leading '-') for a verdict other than kServe.
std::string route_error(const SlotStates& states, const Route& r);

}  // namespace codis::server
