// ChainedDict::scan, Redis's dictScan cursor: every element present for the whole walk is returned while
// the table grows, loses elements and shrinks between steps (also over a hash with few distinct values,
// so chains are long), an unchanged table is walked bucket by bucket with each element once, and the
// cursor follows Redis's reverse-binary order.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "props/pick.h"
#include "props/server_core/dict_gen.h"
#include "server/dict.h"

namespace codis::server {
namespace {

using props::CollidingHash;
using props::key_of;
using props::set_of;

using CollidingSet = ChainedDict<std::string, SetKeyOf, CollidingHash>;

template <class D>
void scan_returns_everything_present_throughout() {
  D d;
  std::set<std::string> present;
  const int initial = *rc::gen::inRange(0, 400);
  for (int i = 0; i < initial; ++i) {
    d.emplace(key_of(i));
    present.insert(key_of(i));
  }
  std::set<std::string> stable = present;  // present before the walk and never removed
  std::set<std::string> returned;
  uint64_t cursor = 0;
  int next = 100000;
  int guard = 0;
  const size_t buckets_at_start = d.bucket_count();
  bool grew = false, shrank = false;
  do {
    grew = grew || d.bucket_count() > buckets_at_start;
    shrank = shrank || d.bucket_count() < buckets_at_start;
    cursor = d.scan(cursor, [&](const std::string& m) {
      RC_ASSERT(present.count(m) == 1u);
      returned.insert(m);
    });
    // Between steps: add keys (the table doubles), remove some, sometimes shrink it to fit.
    const int adds = codis::props::choice(3) == 0 ? *rc::gen::inRange(0, 40) : 0;
    for (int i = 0; i < adds; ++i) {
      d.emplace(key_of(next));
      present.insert(key_of(next++));
    }
    const int removes = codis::props::choice(3) == 0 ? *rc::gen::inRange(0, 40) : 0;
    for (int i = 0; i < removes && !present.empty(); ++i) {
      auto it = present.begin();
      std::advance(it, *rc::gen::inRange<size_t>(0, present.size()));
      RC_ASSERT(d.erase(*it) == 1u);
      stable.erase(*it);
      present.erase(it);
    }
    switch (codis::props::choice(6)) {
      case 0:
        d.rehash(0);
        break;
      case 1:
        shrink_if_sparse(d);
        break;
      case 2:
        d.reserve(static_cast<size_t>(*rc::gen::inRange(0, 2000)));
        break;
      default:
        break;
    }
    RC_ASSERT(++guard < 1000000);
  } while (cursor != 0);
  RC_CLASSIFY(grew, "grew mid-walk");
  RC_CLASSIFY(shrank, "shrank mid-walk");
  for (const auto& k : stable) {
    RC_ASSERT(returned.count(k) == 1u);
  }
}

RC_GTEST_PROP(ChainedDict, ScanReturnsEveryElementPresentThroughout, ()) {
  scan_returns_everything_present_throughout<StrSet>();
}
RC_GTEST_PROP(ChainedDict, ScanReturnsEveryElementPresentThroughoutWithCollidingHashes, ()) {
  scan_returns_everything_present_throughout<CollidingSet>();
}

// A walk over an unchanging table visits each bucket once: every element exactly once, in bucket_count
// steps.
RC_GTEST_PROP(ChainedDict, ScanOfAnUnchangedTableReturnsEachElementOnce, ()) {
  StrSet s = set_of(*rc::gen::inRange(1, 2000));
  std::multiset<std::string> returned;
  uint64_t cursor = 0;
  size_t steps = 0;
  do {
    cursor = s.scan(cursor, [&](const std::string& m) { returned.insert(m); });
    ++steps;
  } while (cursor != 0);
  RC_ASSERT(steps == s.bucket_count());
  RC_ASSERT(returned.size() == s.size());
  RC_ASSERT(std::set<std::string>(returned.begin(), returned.end()).size() == s.size());
}

TEST(ChainedDict, ScanOfAnEmptyDictIsDone) {
  StrSet s;
  EXPECT_EQ(s.scan(0, [](const std::string&) { ADD_FAILURE(); }), 0u);
  s.emplace("a");
  s.erase("a");
  EXPECT_EQ(s.scan(12345, [](const std::string&) { ADD_FAILURE(); }), 0u);
}

// Redis's order over 8 buckets: 0 4 2 6 1 5 3 7, then done; a cursor from a bigger table keeps going.
TEST(ChainedDict, ScanCursorIsReverseBinary) {
  StrSet s;
  s.rehash(8);
  s.emplace("x");
  std::vector<uint64_t> order{0};
  while (order.size() < 9) {
    order.push_back(s.scan(order.back(), [](const std::string&) {}));
  }
  EXPECT_EQ(order, (std::vector<uint64_t>{0, 4, 2, 6, 1, 5, 3, 7, 0}));
  EXPECT_EQ(s.scan(9, [](const std::string&) {}), 5u);  // 9 = 0b1001 of a 16-bucket table; 1 -> 5 here
  EXPECT_EQ(s.scan(~uint64_t{0}, [](const std::string&) {}), 0u);
}

}  // namespace
}  // namespace codis::server
