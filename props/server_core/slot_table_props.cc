// SlotTable: finds exactly the keys inserted and not erased, and SCAN's reverse-binary cursor returns every
// key present for the whole scan at least once, while keys are added and removed between steps (so the
// table grows and shrinks mid-scan).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <string>

#include "server/slot_table.h"

namespace codis::server {
namespace {

std::string key_of(int i) {
  return "k" + std::to_string(i);
}

RC_GTEST_PROP(SlotTable, FindMatchesASetModel, ()) {
  SlotTable t;
  std::set<std::string> model;
  const int steps = *rc::gen::inRange(0, 400);
  for (int i = 0; i < steps; ++i) {
    const std::string k = key_of(*rc::gen::inRange(0, 200));
    if (*rc::gen::arbitrary<bool>()) {
      if (t.find(k) == nullptr) {
        t.insert(k, SlotTable::hash(k));
      }
      model.insert(k);
    } else if (Entry* e = t.find(k)) {
      t.erase(e, SlotTable::hash(k));
      model.erase(k);
    }
    RC_ASSERT(t.size() == model.size());
  }
  std::set<std::string> seen;
  for (const Entry& e : t) {
    RC_ASSERT(seen.insert(std::string(e.key())).second);
  }
  RC_ASSERT(seen == model);
  for (const auto& k : model) {
    RC_ASSERT(t.find(k) != nullptr);
    RC_ASSERT(t.find(k)->key() == k);
  }
}

RC_GTEST_PROP(SlotTable, ScanReturnsEveryKeyPresentThroughout, ()) {
  SlotTable t;
  std::set<std::string> present;
  const int initial = *rc::gen::inRange(0, 300);
  for (int i = 0; i < initial; ++i) {
    const std::string k = key_of(i);
    t.insert(k, SlotTable::hash(k));
    present.insert(k);
  }
  std::set<std::string> stable = present;  // present before the scan and never removed
  std::set<std::string> returned;
  uint64_t cursor = 0;
  int next = 1000;
  int guard = 0;
  const size_t buckets_at_start = t.bucket_count();
  bool grew = false, shrank = false;
  do {
    grew = grew || t.bucket_count() > buckets_at_start;
    shrank = shrank || t.bucket_count() < buckets_at_start;
    cursor = t.scan(cursor, [&](const Entry& e) { returned.insert(std::string(e.key())); });
    // Change the table between steps: add some keys, remove some.
    const int adds = *rc::gen::inRange(0, 8);
    for (int i = 0; i < adds; ++i) {
      const std::string k = key_of(next++);
      t.insert(k, SlotTable::hash(k));
      present.insert(k);
    }
    const int removes = *rc::gen::inRange(0, 8);
    for (int i = 0; i < removes && !present.empty(); ++i) {
      auto it = present.begin();
      std::advance(it, *rc::gen::inRange<size_t>(0, present.size()));
      t.erase(t.find(*it), SlotTable::hash(*it));
      stable.erase(*it);
      present.erase(it);
    }
    RC_ASSERT(++guard < 100000);
  } while (cursor != 0);
  RC_CLASSIFY(grew, "grew mid-scan");
  RC_CLASSIFY(shrank, "shrank mid-scan");
  for (const auto& k : stable) {
    RC_ASSERT(returned.count(k) == 1u);
  }
}

}  // namespace
}  // namespace codis::server
