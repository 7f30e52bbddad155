// Internal to zset*.cc: one read interface over both encodings, so the range, count, delete and scan
// logic of ZSet is written once. Predicates get an item with score() and member() (the tree's member()
// touches the Member allocation, so score tests stay within the leaf).
#pragma once

#include <cstddef>
#include <string_view>

#include "server/ds/zset.h"
#include "server/ds/zset_indexed.h"
#include "server/ds/zset_listpack.h"

namespace codis::server::ds::zview {

struct LpItem {
  const ZListpack::View& v;
  double score() const { return v.score; }
  std::string_view member() const { return v.member; }
};

struct TreeItem {
  const ZEntry& e;
  double score() const { return e.score; }
  std::string_view member() const { return e.member->view(); }
};

class Lp {
 public:
  explicit Lp(const ZListpack& lp) : lp_(lp) {}
  size_t size() const { return lp_.size(); }
  // Redis scans the listpack: the first entry (from the head) that is not before.
  template <class P>
  size_t first_not(P&& before) const {
    return lp_.partition([&](const ZListpack::View& v) { return before(LpItem{v}); });
  }
  // The last entry (from the tail) that is not after, or size().
  template <class P>
  size_t last_not(P&& after) const {
    return lp_.last_not([&](const ZListpack::View& v) { return after(LpItem{v}); });
  }
  // How many entries from `from` on satisfy keep, walking until the first that does not.
  template <class P>
  size_t count_from(size_t from, P&& keep) const {
    if (from >= size()) return 0;
    size_t n = 0;
    lp_.visit(from, false, [&](const ZListpack::View& v) { return keep(LpItem{v}) ? (++n, true) : false; });
    return n;
  }
  // fn(member, score) -> bool (continue).
  template <class Fn>
  void visit(size_t from, bool reverse, Fn&& fn) const {
    lp_.visit(from, reverse, [&](const ZListpack::View& v) { return fn(v.member, v.score); });
  }
  bool holds(size_t rank, auto&& pred) const {
    const ZListpack::View v = lp_.at(rank);
    return pred(LpItem{v});
  }

 private:
  const ZListpack& lp_;
};

class Tree {
 public:
  explicit Tree(const ZIndexed& z) : t_(z.tree()) {}
  size_t size() const { return t_.size(); }
  // Binary searches, as Redis's skiplist descents.
  template <class P>
  size_t first_not(P&& before) const {
    return t_.partition([&](const ZEntry& e) { return before(TreeItem{e}); });
  }
  template <class P>
  size_t last_not(P&& after) const {
    const size_t n = t_.partition([&](const ZEntry& e) { return !after(TreeItem{e}); });
    return n == 0 ? size() : n - 1;
  }
  template <class P>
  size_t count_from(size_t from, P&& keep) const {
    const size_t end = first_not(keep);
    return end > from ? end - from : 0;
  }
  template <class Fn>
  void visit(size_t from, bool reverse, Fn&& fn) const {
    for (ScoreTree::Cursor c = t_.seek(from); c.valid();) {
      if (!fn(c->member->view(), c->score)) return;
      if (reverse) {
        c.prev();
      } else {
        c.next();
      }
    }
  }
  bool holds(size_t rank, auto&& pred) const { return pred(TreeItem{t_.at(rank)}); }

 private:
  const ScoreTree& t_;
};

}  // namespace codis::server::ds::zview

namespace codis::server::ds {

template <class F>
decltype(auto) ZSet::with_view(F&& f) const {
  if (big_) return f(zview::Tree(*big_));
  return f(zview::Lp(lp_));
}

}  // namespace codis::server::ds
