// The slot states and epochs in an RDB file: one aux field, "codis-slots", that redis-server skips (its
// loader ignores aux fields it does not know, by the AUX contract) and codis-server restores at start-up.
// Compact text: runs of consecutive slots with the same state, epoch and peer,
//   "v1;0-511,owned,7,;512-1023,not-owned,7,10.0.0.2:6379"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/slots/slot_states.h"

namespace codis::server {

inline constexpr std::string_view kSlotsAuxField = "codis-slots";

std::string encode_slot_states(const SlotStates& states);
// Every slot's info; false (and *out unspecified) when the text is not what encode_slot_states writes.
bool decode_slot_states(std::string_view text, std::vector<std::pair<uint32_t, SlotInfo>>* out);

}  // namespace codis::server
