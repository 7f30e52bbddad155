// Slot ownership (server/slots): the epoch rules of SlotStates against a model, and the safety of the
// routing decision between a migration's source and target: a command that follows the redirects is served
// by the one server that holds its key, never by the other.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "props/pick.h"
#include "server/slots/slot_route.h"
#include "server/slots/slot_states.h"

namespace codis::server {
namespace {

using props::choice;
using props::uniform;

SlotInfo gen_info() {
  static const std::string kPeers[] = {"", "10.0.0.1:7000", "10.0.0.2:7000"};
  SlotInfo i;
  i.state = static_cast<SlotState>(choice(4));
  i.peer = kPeers[choice(3)];
  i.epoch = *uniform<uint64_t>(0, 6);
  return i;
}

bool well_formed(const SlotInfo& i) {
  const bool needs_peer = i.state == SlotState::kMigrating || i.state == SlotState::kImporting;
  return needs_peer ? !i.peer.empty() : i.state != SlotState::kOwned || i.peer.empty();
}

// Any sequence of SLOTSSETSTATE: a slot ends with the first well-formed state given at its highest epoch;
// a refused change leaves the slot as it was; epochs never go down.
RC_GTEST_PROP(SlotStatesProps, EpochsOnlyGrowAndTheFirstAtAnEpochWins, ()) {
  SlotStates s(true);
  std::map<uint32_t, SlotInfo> model;
  const int n = *uniform(1, 60);
  for (int k = 0; k < n; ++k) {
    const uint32_t slot = static_cast<uint32_t>(choice(4));
    const SlotInfo info = gen_info();
    const SlotInfo before = s.at(slot);
    SlotInfo& m = model.try_emplace(slot, SlotInfo{SlotState::kNotOwned, 0, ""}).first->second;
    const bool accept = well_formed(info) && (info.epoch > m.epoch || (info.epoch == m.epoch && info == m));
    const std::string error = s.set(slot, info);
    RC_ASSERT(error.empty() == accept);
    if (accept) {
      m = info;
    } else {
      RC_ASSERT(s.at(slot) == before);
    }
    RC_ASSERT(s.at(slot) == m);
    RC_ASSERT(s.at(slot).epoch >= before.epoch);
  }
}

// A source migrating slot 0 to a target importing it; each key of the command is on exactly one of them
// or on neither. A client that starts at the source and follows one ASK (sending ASKING) is served by the
// source only when every key is there, by the target only when none is at the source; a split is retried.
// A write of a key in flight is never served by the source.
RC_GTEST_PROP(SlotRouteProps, AKeyIsServedOnlyWhereItLives, ()) {
  SlotStates src(true), dst(true);
  RC_ASSERT(src.set(0, {SlotState::kMigrating, 1, "dst:1"}).empty());
  RC_ASSERT(dst.set(0, {SlotState::kImporting, 1, "src:1"}).empty());
  const int nkeys = *uniform(1, 4);
  const bool write = choice(2) == 1;
  std::vector<KeyFacts> at_src, at_dst;
  int on_src = 0;
  bool in_flight = false;
  for (int k = 0; k < nkeys; ++k) {
    const int where = choice(3);  // 0 source, 1 target, 2 nowhere
    const bool flying = where == 0 && choice(3) == 0;
    on_src += where == 0;
    in_flight = in_flight || flying;
    at_src.push_back({0, where == 0, flying});
    at_dst.push_back({0, where == 1, false});
  }
  const Route first = route(src, at_src, write, false);
  if (on_src == nkeys) {
    RC_ASSERT(first.verdict == (write && in_flight ? Verdict::kTryAgain : Verdict::kServe));
    return;
  }
  if (on_src > 0) {
    RC_ASSERT(first.verdict == Verdict::kTryAgain);
    return;
  }
  RC_ASSERT(first.verdict == Verdict::kAsk);
  RC_ASSERT(route_error(src, first).starts_with("ASK 0 dst:1 1"));
  // At the target: without ASKING it sends the client back; with it, served unless the keys are split.
  RC_ASSERT(route(dst, at_dst, write, false).verdict == Verdict::kMoved);
  int on_dst = 0;
  for (const auto& k : at_dst) {
    on_dst += k.present;
  }
  const Route second = route(dst, at_dst, write, true);
  RC_ASSERT(second.verdict == (on_dst == 0 || on_dst == nkeys ? Verdict::kServe : Verdict::kTryAgain));
}

// Owned and not-owned slots, cross-slot keys, keys in flight, and a plain server.
RC_GTEST_PROP(SlotRouteProps, OwnedServesNotOwnedMovesCrossSlotRefused, ()) {
  SlotStates s(true);
  RC_ASSERT(s.set(1, {SlotState::kOwned, 2, ""}).empty());
  RC_ASSERT(s.set(2, {SlotState::kNotOwned, 2, "o:1"}).empty());
  const uint32_t slot = static_cast<uint32_t>(*uniform(1, 3));
  std::vector<KeyFacts> keys(static_cast<size_t>(*uniform(1, 4)), KeyFacts{slot, choice(2) == 1, false});
  const bool cross = keys.size() > 1 && choice(2) == 1;
  if (cross) {
    keys.back().slot = 3 - slot;
  }
  // A key being moved by SLOTSMGRT* (its slot owned here): a write to it waits.
  const bool flying = choice(3) == 0;
  keys.front().in_flight = flying;
  const bool write = choice(2) == 1, asking = choice(2) == 1;
  const Verdict v = route(s, keys, write, asking).verdict;
  const Verdict owned = write && flying ? Verdict::kTryAgain : Verdict::kServe;
  RC_ASSERT(v == (cross ? Verdict::kCrossSlot : slot == 1 ? owned : Verdict::kMoved));
  RC_ASSERT(route(SlotStates(false), keys, write, asking).verdict == owned);
}

}  // namespace
}  // namespace codis::server
