#include "server/persist/slot_aux.h"

#include "resp/number.h"

namespace codis::server {

std::string encode_slot_states(const SlotStates& states) {
  std::string out = "v1";
  uint32_t lo = 0;
  for (uint32_t s = 1; s <= cmd::kSlots; ++s) {
    if (s < cmd::kSlots && states.at(s) == states.at(lo)) {
      continue;
    }
    const SlotInfo& i = states.at(lo);
    out += ";" + std::to_string(lo) + "-" + std::to_string(s - 1) + "," +
           std::string(SlotStates::name(i.state)) + "," + std::to_string(i.epoch) + "," + i.peer;
    lo = s;
  }
  return out;
}

namespace {

// Splits off the text up to `sep` (all of it when absent).
std::string_view cut(std::string_view* rest, char sep) {
  const size_t at = rest->find(sep);
  std::string_view head = rest->substr(0, at);
  rest->remove_prefix(at == std::string_view::npos ? rest->size() : at + 1);
  return head;
}

bool parse_u64(std::string_view s, uint64_t* out) {
  int64_t n = 0;
  if (!resp::parse_ll(s, &n) || n < 0) {
    return false;
  }
  *out = static_cast<uint64_t>(n);
  return true;
}

}  // namespace

bool decode_slot_states(std::string_view text, std::vector<std::pair<uint32_t, SlotInfo>>* out) {
  if (cut(&text, ';') != "v1") {
    return false;
  }
  out->clear();
  uint32_t next = 0;
  while (!text.empty()) {
    std::string_view run = cut(&text, ';');
    std::string_view range = cut(&run, ',');
    std::string_view state = cut(&run, ',');
    std::string_view epoch = cut(&run, ',');
    uint64_t lo = 0, hi = 0;
    SlotInfo info;
    std::string_view lo_text = cut(&range, '-');
    const auto parsed = SlotStates::parse(state);
    if (!parse_u64(lo_text, &lo) || !parse_u64(range, &hi) || lo != next || hi < lo || hi >= cmd::kSlots ||
        !parsed || !parse_u64(epoch, &info.epoch)) {
      return false;
    }
    info.state = *parsed;
    info.peer = std::string(run);
    for (uint64_t s = lo; s <= hi; ++s) {
      out->emplace_back(static_cast<uint32_t>(s), info);
    }
    next = static_cast<uint32_t>(hi + 1);
  }
  return next == cmd::kSlots;
}

}  // namespace codis::server
