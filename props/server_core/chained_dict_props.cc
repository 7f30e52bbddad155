// ChainedDict (the table of hash and set values): random sequences of its operations agree with a
// std::map model (contents, size, find), the bucket interface and iteration cover every element exactly
// once, elements never move while other keys come and go or the table rehashes, and erase(iterator) hands
// back the next element. The model property also runs over a hash with few distinct values, so chains are
// long and many keys share a bucket. In ordered mode iteration follows insertion order (maps) or ascending
// integers (sets) through the same operations.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "props/pick.h"
#include "props/server_core/dict_gen.h"
#include "server/dict.h"

namespace codis::server {
namespace {

using props::CollidingHash;
using props::key_of;
using props::set_of;

using Map = StrMap<std::string>;
using CollidingMap = ChainedDict<std::pair<const std::string, std::string>, MapKeyOf, CollidingHash>;
using Model = std::map<std::string, std::string>;

// Contents, size, iteration (each element once), find, and the bucket interface agree with the model.
template <class D>
void check_matches(const D& d, const Model& model) {
  RC_ASSERT(d.size() == model.size());
  RC_ASSERT(d.empty() == model.empty());
  Model seen;
  for (const auto& [k, v] : d) {
    RC_ASSERT(seen.emplace(k, v).second);  // never twice
  }
  RC_ASSERT(seen == model);
  for (const auto& [k, v] : model) {
    auto it = d.find(k);
    RC_ASSERT(it != d.end());
    RC_ASSERT(it->first == k);
    RC_ASSERT(it->second == v);
    RC_ASSERT(d.contains(k));
    RC_ASSERT(d.count(k) == 1u);
  }
  RC_ASSERT(d.find("absent") == d.end());
  RC_ASSERT(d.count("absent") == 0u);
  // Buckets: the sizes add up to size(), local iteration covers exactly the elements, each in bucket(key).
  size_t total = 0;
  Model local;
  for (size_t b = 0; b < d.bucket_count(); ++b) {
    size_t n = 0;
    for (auto it = d.begin(b); it != d.end(b); ++it, ++n) {
      RC_ASSERT(d.bucket(it->first) == b);
      RC_ASSERT(local.emplace(it->first, it->second).second);
    }
    RC_ASSERT(n == d.bucket_size(b));
    total += n;
  }
  RC_ASSERT(total == d.size());
  RC_ASSERT(local == model);
  if (d.bucket_count() != 0) {
    RC_ASSERT(std::has_single_bit(d.bucket_count()));
    RC_ASSERT(d.size() <= d.bucket_count());  // grows at load 1
  }
}

template <class D>
void operations_match_a_model() {
  D d;
  Model model;
  std::map<std::string, const std::string*> where;  // the address each present key's value had when added
  const int keys = *rc::gen::inRange(1, 300);
  const int steps = *rc::gen::inRange(0, 600);
  for (int step = 0; step < steps; ++step) {
    const std::string k = key_of(*rc::gen::inRange(0, keys));
    const std::string v = "v" + std::to_string(step);
    switch (codis::props::choice(14)) {
      case 0: {
        const auto [it, added] = d.emplace(k, v);
        RC_ASSERT(added == model.emplace(k, v).second);
        RC_ASSERT(it->first == k);
        RC_ASSERT(it->second == model[k]);
        break;
      }
      case 1: {
        const auto [it, added] = d.insert(std::pair<const std::string, std::string>(k, v));
        RC_ASSERT(added == model.emplace(k, v).second);
        RC_ASSERT(it->second == model[k]);
        break;
      }
      case 2: {
        const auto [it, added] = d.insert_or_assign(k, v);
        RC_ASSERT(added == (model.count(k) == 0));
        model[k] = v;
        RC_ASSERT(it->second == v);
        break;
      }
      case 3:
        d[k] = v;
        model[k] = v;
        break;
      case 4:
        RC_ASSERT(d.erase(k) == model.erase(k));
        where.erase(k);
        break;
      case 5: {
        auto it = d.find(k);
        RC_ASSERT((it != d.end()) == (model.count(k) == 1));
        if (it != d.end()) {
          d.erase(it);
          model.erase(k);
          where.erase(k);
        }
        break;
      }
      case 6:
        d.rehash(static_cast<size_t>(*rc::gen::inRange(0, 1000)));
        break;
      case 7:
        d.reserve(static_cast<size_t>(*rc::gen::inRange(0, 1000)));
        RC_ASSERT(d.bucket_count() >= d.size());
        break;
      case 8:
        if (codis::props::choice(10) == 0) {
          d.clear();
          model.clear();
          where.clear();
        }
        break;
      case 9: {  // copies are equal and independent
        D c(d);
        check_matches(c, model);
        D a;
        a = c;
        c.clear();
        check_matches(a, model);
        break;
      }
      case 10: {  // moves keep the nodes
        D m(std::move(d));
        RC_ASSERT(d.empty());  // NOLINT(bugprone-use-after-move): a moved-from dict is empty
        check_matches(m, model);
        d = std::move(m);
        break;
      }
      case 11: {  // erasing while iterating visits every element once
        const int mod = *codis::props::uniform(1, 4);
        const size_t before = d.size();
        size_t visited = 0;
        for (auto it = d.begin(); it != d.end();) {
          ++visited;
          if (std::hash<std::string>{}(it->first) % mod == 0) {
            model.erase(it->first);
            where.erase(it->first);
            it = d.erase(it);
          } else {
            ++it;
          }
        }
        RC_ASSERT(visited == before);
        RC_ASSERT(d.size() == model.size());
        break;
      }
      default: {
        auto it = d.find(k);
        RC_ASSERT((it != d.end()) == (model.count(k) == 1));
        break;
      }
    }
    RC_ASSERT(d.size() == model.size());
    // Every value stays where it was first built, whatever was added, erased or rehashed since.
    for (const auto& [key, value] : model) {
      const std::string* at = &d.find(key)->second;
      const auto [w, fresh] = where.emplace(key, at);
      RC_ASSERT(fresh || w->second == at);
    }
    if (step % 16 == 0) {
      check_matches(d, model);
    }
  }
  check_matches(d, model);
}

RC_GTEST_PROP(ChainedDict, OperationsMatchAMapModel, ()) {
  operations_match_a_model<Map>();
}
RC_GTEST_PROP(ChainedDict, OperationsMatchAMapModelWithCollidingHashes, ()) {
  operations_match_a_model<CollidingMap>();
}

// erase(iterator) returns the element after the erased one, so erasing everything in one loop visits
// each element once and leaves nothing.
RC_GTEST_PROP(ChainedDict, EraseEverythingWhileIterating, ()) {
  const int n = *rc::gen::inRange(0, 500);
  StrSet s = set_of(n);
  std::set<std::string> visited;
  for (auto it = s.begin(); it != s.end();) {
    RC_ASSERT(visited.insert(*it).second);
    it = s.erase(it);
  }
  RC_ASSERT(visited.size() == static_cast<size_t>(n));
  RC_ASSERT(s.empty());
  RC_ASSERT(s.begin() == s.end());
}

// rehash(n): at least n and size() buckets, the smallest power of two (at least 4) that is; rehash(0) of
// an empty dict gives the buckets back.
RC_GTEST_PROP(ChainedDict, RehashPicksTheSmallestPowerOfTwo, ()) {
  const int n = *rc::gen::inRange(0, 500);
  StrSet s = set_of(n);
  const size_t want = static_cast<size_t>(*rc::gen::inRange(0, 3000));
  s.rehash(want);
  if (n == 0 && want == 0) {
    RC_ASSERT(s.bucket_count() == 0u);
  } else {
    RC_ASSERT(s.bucket_count() == std::max<size_t>({std::bit_ceil(want), std::bit_ceil(s.size()), 4}));
  }
}

// Ordered mode (a listpack hash): iteration is insertion order through adds, overwrites (which keep the
// place), erases by key or iterator, copies, moves and rehashes; the table itself still matches the model.
template <class D>
void ordered_map_keeps_insertion_order() {
  D d;
  d.keep_order();
  Model model;
  std::vector<std::string> order;
  const auto drop = [&](const std::string& k) { order.erase(std::find(order.begin(), order.end(), k)); };
  const int keys = *rc::gen::inRange(1, 200);
  const int steps = *rc::gen::inRange(0, 400);
  for (int step = 0; step < steps; ++step) {
    const std::string k = key_of(*rc::gen::inRange(0, keys));
    const std::string v = "v" + std::to_string(step);
    switch (codis::props::choice(9)) {
      case 0:
      case 1:
        if (d.emplace(k, v).second) {
          order.push_back(k);
          model[k] = v;
        }
        break;
      case 2:
        if (d.insert_or_assign(k, v).second) order.push_back(k);
        model[k] = v;
        break;
      case 3:
        if (model.count(k) == 0) order.push_back(k);
        d[k] = v;
        model[k] = v;
        break;
      case 4:
        if (d.erase(k) == 1) drop(k);
        model.erase(k);
        break;
      case 5: {  // erase every element whose key hashes even, while iterating in order
        for (auto it = d.begin(); it != d.end();) {
          if (std::hash<std::string>{}(it->first) % 2 == 0) {
            drop(it->first);
            model.erase(it->first);
            it = d.erase(it);
          } else {
            ++it;
          }
        }
        break;
      }
      case 6: {  // a copy keeps the order (and the mode); a move keeps the nodes
        D c(d);
        RC_ASSERT(c.ordered());
        D m(std::move(c));
        d = std::move(m);
        break;
      }
      case 7:
        d.rehash(static_cast<size_t>(*rc::gen::inRange(0, 600)));
        break;
      default:
        if (codis::props::choice(20) == 0) {
          d.clear();
          model.clear();
          order.clear();
        }
        break;
    }
    RC_ASSERT(d.ordered());
    std::vector<std::string> seen;
    for (const auto& kv : d) seen.push_back(kv.first);
    RC_ASSERT(seen == order);
  }
  check_matches(d, model);
}

RC_GTEST_PROP(ChainedDict, OrderedMapKeepsInsertionOrder, ()) {
  ordered_map_keeps_insertion_order<Map>();
}
RC_GTEST_PROP(ChainedDict, OrderedMapKeepsInsertionOrderWithCollidingHashes, ()) {
  ordered_map_keeps_insertion_order<CollidingMap>();
}

// Ordered mode of a set (an intset): integers iterate ascending however they arrive and leave; a
// non-integer goes after them; keep_order() on a set built unordered sorts it the same way.
RC_GTEST_PROP(ChainedDict, OrderedSetIteratesIntegersAscending, ()) {
  StrSet s;
  s.keep_order();
  std::set<int64_t> model;
  const int steps = *rc::gen::inRange(0, 400);
  for (int step = 0; step < steps; ++step) {
    const auto v = *rc::gen::oneOf(rc::gen::inRange<int64_t>(-50, 50), rc::gen::arbitrary<int64_t>());
    if (codis::props::choice(3) == 0) {
      RC_ASSERT(s.erase(std::to_string(v)) == model.erase(v));
    } else {
      RC_ASSERT(s.emplace(std::to_string(v)).second == model.insert(v).second);
    }
  }
  std::vector<std::string> want;
  for (int64_t v : model) want.push_back(std::to_string(v));
  RC_ASSERT(std::vector<std::string>(s.begin(), s.end()) == want);

  StrSet unordered(want.rbegin(), want.rend());
  RC_ASSERT(!unordered.ordered());
  unordered.keep_order();
  RC_ASSERT(std::vector<std::string>(unordered.begin(), unordered.end()) == want);

  s.emplace("x");  // not an integer: last
  want.push_back("x");
  RC_ASSERT(std::vector<std::string>(s.begin(), s.end()) == want);
  s.unorder();  // contents stay, order is the table's
  RC_ASSERT(std::set<std::string>(s.begin(), s.end()) == std::set<std::string>(want.begin(), want.end()));
}

// A dict leaves ordered mode by itself past kMaxOrdered elements (so a raised limit cannot make every add
// and erase walk a long list), keeping its contents.
TEST(ChainedDict, OrderedModeEndsPastTheCap) {
  StrSet s = set_of(0);
  s.keep_order();
  const int n = static_cast<int>(StrSet::kMaxOrdered) + 1;
  for (int i = 0; i < n - 1; ++i) s.emplace(std::to_string(i));
  EXPECT_TRUE(s.ordered());
  s.emplace(std::to_string(n - 1));
  EXPECT_FALSE(s.ordered());
  EXPECT_EQ(s.size(), static_cast<size_t>(n));
  EXPECT_EQ(static_cast<size_t>(std::distance(s.begin(), s.end())), s.size());
}

}  // namespace
}  // namespace codis::server
