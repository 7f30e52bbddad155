// The order-statistic B+tree of zset_btree.h: insertion with splits (lopsided at the two ends of the
// order, so ascending or descending inserts fill leaves completely), deletion with borrow/merge, rank
// and select through per-child counts, and an invariant checker for the tests.
#include "server/ds/zset_btree.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace codis::server::ds {
namespace {

// e < (score, member) and e <= (score, member).
bool entry_less(const ZEntry& e, double score, std::string_view member) {
  return zless(e.score, e.member->view(), score, member);
}
bool entry_le(const ZEntry& e, double score, std::string_view member) {
  return !zless(score, member, e.score, e.member->view());
}

// The first index in the leaf whose entry is not below (score, member).
int leaf_lower_bound(const ScoreTree::Leaf* leaf, double score, std::string_view member) {
  int lo = 0, hi = leaf->n;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (entry_less(leaf->e[mid], score, member)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// The last child whose smallest entry is <= (score, member), or 0: the child that holds the key if
// it is present.
int child_for(const ScoreTree::Inner* in, double score, std::string_view member) {
  int lo = 0, hi = in->n;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (entry_le(in->key[mid], score, member)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo > 0 ? lo - 1 : 0;
}

template <class T>
void shift_right(T* a, int from, int n) {
  std::memmove(static_cast<void*>(a + from + 1), a + from, sizeof(T) * static_cast<size_t>(n - from));
}
template <class T>
void shift_left(T* a, int from, int n, int by) {
  std::memmove(static_cast<void*>(a + from), a + from + by, sizeof(T) * static_cast<size_t>(n - from - by));
}

}  // namespace

ScoreTree::~ScoreTree() {
  if (root_ != nullptr) free_all(root_);
}

ScoreTree::ScoreTree(ScoreTree&& o) noexcept
    : root_(std::exchange(o.root_, nullptr)),
      head_(std::exchange(o.head_, nullptr)),
      tail_(std::exchange(o.tail_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      depth_(std::exchange(o.depth_, 0)),
      leaves_(std::exchange(o.leaves_, 0)),
      inners_(std::exchange(o.inners_, 0)) {}

ScoreTree& ScoreTree::operator=(ScoreTree&& o) noexcept {
  if (this != &o) {
    if (root_ != nullptr) free_all(root_);
    root_ = std::exchange(o.root_, nullptr);
    head_ = std::exchange(o.head_, nullptr);
    tail_ = std::exchange(o.tail_, nullptr);
    size_ = std::exchange(o.size_, 0);
    depth_ = std::exchange(o.depth_, 0);
    leaves_ = std::exchange(o.leaves_, 0);
    inners_ = std::exchange(o.inners_, 0);
  }
  return *this;
}

size_t ScoreTree::subtree_size(const Node* n) {
  if (n->leaf) return n->n;
  const auto* in = static_cast<const Inner*>(n);
  size_t s = 0;
  for (int i = 0; i < in->n; ++i) s += in->count[i];
  return s;
}

ZEntry ScoreTree::min_entry(const Node* n) {
  return n->leaf ? static_cast<const Leaf*>(n)->e[0] : static_cast<const Inner*>(n)->key[0];
}

ScoreTree::Leaf* ScoreTree::new_leaf() {
  auto* l = new Leaf;  // entries left uninitialised on purpose: they are written before being read
  l->leaf = true;
  ++leaves_;
  return l;
}

ScoreTree::Inner* ScoreTree::new_inner() {
  auto* in = new Inner;
  ++inners_;
  return in;
}

void ScoreTree::free_node(Node* n) {
  if (n->leaf) {
    delete static_cast<Leaf*>(n);
    --leaves_;
  } else {
    delete static_cast<Inner*>(n);
    --inners_;
  }
}

void ScoreTree::free_all(Node* n) {
  if (!n->leaf) {
    auto* in = static_cast<Inner*>(n);
    for (int i = 0; i < in->n; ++i) free_all(in->child[i]);
  }
  free_node(n);
}

ScoreTree::Leaf* ScoreTree::descend_exact(double score, std::string_view member, Step* path,
                                          int& depth) const {
  depth = 0;
  Node* node = root_;
  while (!node->leaf) {
    auto* in = static_cast<Inner*>(node);
    const int i = child_for(in, score, member);
    path[depth++] = {in, i};
    node = in->child[i];
  }
  return static_cast<Leaf*>(node);
}

ScoreTree::Leaf* ScoreTree::descend_rank(size_t rank, Step* path, int& depth, int& idx) const {
  depth = 0;
  Node* node = root_;
  while (!node->leaf) {
    auto* in = static_cast<Inner*>(node);
    int i = 0;
    while (rank >= in->count[i]) rank -= in->count[i++];
    path[depth++] = {in, i};
    node = in->child[i];
  }
  idx = static_cast<int>(rank);
  return static_cast<Leaf*>(node);
}

void ScoreTree::insert(Member* m) {
  const double score = m->score();
  const std::string_view key = m->view();
  const ZEntry entry{score, m};
  if (root_ == nullptr) {
    Leaf* l = new_leaf();
    root_ = head_ = tail_ = l;
  }
  Step path[kMaxDepth];
  int depth = 0;
  Leaf* leaf = descend_exact(score, key, path, depth);
  const int idx = leaf_lower_bound(leaf, score, key);
  Node* split = nullptr;
  int level = depth - 1;
  if (leaf->n < kLeafCap) {
    shift_right(leaf->e, idx, leaf->n);
    leaf->e[idx] = entry;
    ++leaf->n;
  } else if (depth > 0 && spill(path[depth - 1].node, path[depth - 1].idx, leaf, idx, entry)) {
    --level;  // spill() has updated the parent's counts and keys
  } else {
    split = split_leaf(leaf, idx, entry);
  }
  ++size_;
  for (; level >= 0; --level) {
    auto [in, i] = path[level];
    if (split == nullptr) {
      ++in->count[i];
      in->key[i] = min_entry(in->child[i]);
      continue;
    }
    in->count[i] = subtree_size(in->child[i]);
    in->key[i] = min_entry(in->child[i]);
    const uint64_t split_count = subtree_size(split);
    const ZEntry split_key = min_entry(split);
    if (in->n < kInnerCap) {
      inner_insert(in, i + 1, split, split_count, split_key);
      split = nullptr;
    } else {
      split = split_inner(in, i + 1, split, split_count, split_key);
    }
  }
  if (split != nullptr) {
    Inner* r = new_inner();
    r->n = 2;
    r->child[0] = root_;
    r->child[1] = split;
    r->count[0] = subtree_size(root_);
    r->count[1] = subtree_size(split);
    r->key[0] = min_entry(root_);
    r->key[1] = min_entry(split);
    root_ = r;
    ++depth_;
  }
}

ScoreTree::Leaf* ScoreTree::split_leaf(Leaf* leaf, int idx, const ZEntry& e) {
  ZEntry tmp[kLeafCap + 1];
  std::copy(leaf->e, leaf->e + idx, tmp);
  tmp[idx] = e;
  std::copy(leaf->e + idx, leaf->e + leaf->n, tmp + idx + 1);
  constexpr int total = kLeafCap + 1;
  // Appending past the last entry or before the first one keeps the full side full: sequential
  // inserts then leave every leaf but the newest one full instead of half full.
  int left = total / 2;
  if (idx == kLeafCap && leaf->next == nullptr) left = kLeafCap;
  if (idx == 0 && leaf->prev == nullptr) left = 1;
  Leaf* r = new_leaf();
  std::copy(tmp + left, tmp + total, r->e);
  r->n = static_cast<uint16_t>(total - left);
  std::copy(tmp, tmp + left, leaf->e);
  leaf->n = static_cast<uint16_t>(left);
  r->prev = leaf;
  r->next = leaf->next;
  if (leaf->next != nullptr) {
    leaf->next->prev = r;
  } else {
    tail_ = r;
  }
  leaf->next = r;
  return r;
}

// A full leaf gives entries to a neighbour with room instead of splitting (as a B*-tree does), which
// keeps leaves about 80% full under random inserts instead of 70%. Inserts `e` at `idx` on the way.
bool ScoreTree::spill(Inner* parent, int i, Leaf* leaf, int idx, const ZEntry& e) {
  Leaf* right = i + 1 < parent->n ? static_cast<Leaf*>(parent->child[i + 1]) : nullptr;
  Leaf* left = i > 0 ? static_cast<Leaf*>(parent->child[i - 1]) : nullptr;
  const bool to_right = right != nullptr && right->n <= kLeafCap - 2;
  if (!to_right && (left == nullptr || left->n > kLeafCap - 2)) return false;
  ZEntry tmp[kLeafCap + 1];
  std::copy(leaf->e, leaf->e + idx, tmp);
  tmp[idx] = e;
  std::copy(leaf->e + idx, leaf->e + leaf->n, tmp + idx + 1);
  constexpr int total = kLeafCap + 1;
  if (to_right) {
    // Even the two out: the last k entries move to the front of the right neighbour.
    const int keep = (total + right->n + 1) / 2;
    const int k = total - keep;
    std::memmove(static_cast<void*>(right->e + k), right->e, sizeof(ZEntry) * right->n);
    std::copy(tmp + keep, tmp + total, right->e);
    right->n = static_cast<uint16_t>(right->n + k);
    std::copy(tmp, tmp + keep, leaf->e);
    leaf->n = static_cast<uint16_t>(keep);
    parent->count[i] = leaf->n;
    parent->count[i + 1] = right->n;
    parent->key[i] = leaf->e[0];
    parent->key[i + 1] = right->e[0];
    return true;
  }
  const int k = total - (total + left->n + 1) / 2;  // the first k entries go to the left neighbour
  std::copy(tmp, tmp + k, left->e + left->n);
  left->n = static_cast<uint16_t>(left->n + k);
  std::copy(tmp + k, tmp + total, leaf->e);
  leaf->n = static_cast<uint16_t>(total - k);
  parent->count[i - 1] = left->n;
  parent->count[i] = leaf->n;
  parent->key[i] = leaf->e[0];
  return true;
}

void ScoreTree::inner_insert(Inner* in, int pos, Node* child, uint64_t count, const ZEntry& key) {
  shift_right(in->child, pos, in->n);
  shift_right(in->count, pos, in->n);
  shift_right(in->key, pos, in->n);
  in->child[pos] = child;
  in->count[pos] = count;
  in->key[pos] = key;
  ++in->n;
}

ScoreTree::Inner* ScoreTree::split_inner(Inner* in, int pos, Node* child, uint64_t count, const ZEntry& key) {
  Node* tc[kInnerCap + 1];
  uint64_t tn[kInnerCap + 1];
  ZEntry tk[kInnerCap + 1];
  std::copy(in->child, in->child + pos, tc);
  std::copy(in->count, in->count + pos, tn);
  std::copy(in->key, in->key + pos, tk);
  tc[pos] = child;
  tn[pos] = count;
  tk[pos] = key;
  std::copy(in->child + pos, in->child + in->n, tc + pos + 1);
  std::copy(in->count + pos, in->count + in->n, tn + pos + 1);
  std::copy(in->key + pos, in->key + in->n, tk + pos + 1);
  constexpr int total = kInnerCap + 1;
  constexpr int left = total / 2;
  Inner* r = new_inner();
  std::copy(tc + left, tc + total, r->child);
  std::copy(tn + left, tn + total, r->count);
  std::copy(tk + left, tk + total, r->key);
  r->n = total - left;
  std::copy(tc, tc + left, in->child);
  std::copy(tn, tn + left, in->count);
  std::copy(tk, tk + left, in->key);
  in->n = left;
  return r;
}

void ScoreTree::remove_child(Inner* in, int pos) {
  shift_left(in->child, pos, in->n, 1);
  shift_left(in->count, pos, in->n, 1);
  shift_left(in->key, pos, in->n, 1);
  --in->n;
}

Member* ScoreTree::erase(double score, std::string_view member) {
  if (root_ == nullptr) return nullptr;
  Step path[kMaxDepth];
  int depth = 0;
  Leaf* leaf = descend_exact(score, member, path, depth);
  const int idx = leaf_lower_bound(leaf, score, member);
  if (idx == leaf->n || leaf->e[idx].score != score || leaf->e[idx].member->view() != member) return nullptr;
  Member* m = leaf->e[idx].member;
  shift_left(leaf->e, idx, leaf->n, 1);
  --leaf->n;
  after_erase(path, depth, 1);
  return m;
}

void ScoreTree::update_score(Member* m, double new_score) {
  const std::string_view key = m->view();
  Step path[kMaxDepth];
  int depth = 0;
  Leaf* leaf = descend_exact(m->score(), key, path, depth);
  const int idx = leaf_lower_bound(leaf, m->score(), key);
  // In place when the new key still sorts between its neighbours (often so for small changes).
  const ZEntry* before = idx > 0                 ? &leaf->e[idx - 1]
                         : leaf->prev != nullptr ? &leaf->prev->e[leaf->prev->n - 1]
                                                 : nullptr;
  const ZEntry* after = idx + 1 < leaf->n       ? &leaf->e[idx + 1]
                        : leaf->next != nullptr ? &leaf->next->e[0]
                                                : nullptr;
  const bool fits = (before == nullptr || entry_less(*before, new_score, key)) &&
                    (after == nullptr || zless(new_score, key, after->score, after->member->view()));
  if (fits) {
    leaf->e[idx].score = new_score;
    m->set_score(new_score);
    if (idx == 0) {
      for (int level = depth - 1; level >= 0; --level) {
        path[level].node->key[path[level].idx] = min_entry(path[level].node->child[path[level].idx]);
      }
    }
    return;
  }
  shift_left(leaf->e, idx, leaf->n, 1);
  --leaf->n;
  after_erase(path, depth, 1);
  m->set_score(new_score);
  insert(m);
}

size_t ScoreTree::rank_of(double score, std::string_view member) const {
  size_t rank = 0;
  const Node* node = root_;
  while (!node->leaf) {
    const auto* in = static_cast<const Inner*>(node);
    const int i = child_for(in, score, member);
    for (int c = 0; c < i; ++c) rank += in->count[c];
    node = in->child[i];
  }
  return rank + static_cast<size_t>(leaf_lower_bound(static_cast<const Leaf*>(node), score, member));
}

ScoreTree::Cursor ScoreTree::seek(size_t rank) const {
  if (rank >= size_) return Cursor();
  Step path[kMaxDepth];
  int depth = 0;
  int idx = 0;
  const Leaf* leaf = descend_rank(rank, path, depth, idx);
  return Cursor(leaf, idx);
}

void ScoreTree::erase_ranks(size_t from, size_t count, absl::FunctionRef<void(Member*)> on_erase) {
  while (count > 0) {
    Step path[kMaxDepth];
    int depth = 0;
    int idx = 0;
    Leaf* leaf = descend_rank(from, path, depth, idx);
    const int k = static_cast<int>(std::min<size_t>(count, static_cast<size_t>(leaf->n - idx)));
    for (int j = idx; j < idx + k; ++j) on_erase(leaf->e[j].member);
    shift_left(leaf->e, idx, leaf->n, k);
    leaf->n = static_cast<uint16_t>(leaf->n - k);
    after_erase(path, depth, static_cast<size_t>(k));
    count -= static_cast<size_t>(k);
  }
}

void ScoreTree::clear(absl::FunctionRef<void(Member*)> on_erase) {
  for (const Leaf* l = head_; l != nullptr; l = l->next) {
    for (int i = 0; i < l->n; ++i) on_erase(l->e[i].member);
  }
  if (root_ != nullptr) free_all(root_);
  root_ = head_ = tail_ = nullptr;
  size_ = 0;
  depth_ = 0;
}

void ScoreTree::after_erase(Step* path, int depth, size_t removed) {
  size_ -= removed;
  for (int level = depth - 1; level >= 0; --level) {
    auto [in, i] = path[level];
    in->count[i] -= removed;
    const Node* c = in->child[i];
    const bool under = c->leaf ? c->n < kLeafMin : c->n < kInnerMin;
    if (under) {
      rebalance(in, i);
    } else {
      in->key[i] = min_entry(c);
    }
  }
  shrink_root();
}

// Child i of `in` is under its minimum fill: merge it with a neighbour when both fit in one node,
// otherwise even the two out. Refreshes the parent's counts and keys for both.
void ScoreTree::rebalance(Inner* in, int i) {
  const int l = i + 1 < in->n ? i : i - 1;
  Node* a = in->child[l];
  Node* b = in->child[l + 1];
  if (a->leaf) {
    auto* L = static_cast<Leaf*>(a);
    auto* R = static_cast<Leaf*>(b);
    const int total = L->n + R->n;
    if (total <= kLeafCap) {
      std::copy(R->e, R->e + R->n, L->e + L->n);
      L->n = static_cast<uint16_t>(total);
      L->next = R->next;
      if (R->next != nullptr) {
        R->next->prev = L;
      } else {
        tail_ = L;
      }
      free_node(R);
      remove_child(in, l + 1);
      in->count[l] = L->n;
      in->key[l] = L->e[0];
      return;
    }
    const int want = total / 2;
    if (L->n < want) {
      const int k = want - L->n;
      std::copy(R->e, R->e + k, L->e + L->n);
      shift_left(R->e, 0, R->n, k);
    } else {
      const int k = L->n - want;
      std::memmove(static_cast<void*>(R->e + k), R->e, sizeof(ZEntry) * R->n);
      std::copy(L->e + want, L->e + L->n, R->e);
    }
    R->n = static_cast<uint16_t>(total - want);
    L->n = static_cast<uint16_t>(want);
    in->count[l] = L->n;
    in->count[l + 1] = R->n;
    in->key[l] = L->e[0];
    in->key[l + 1] = R->e[0];
    return;
  }
  auto* L = static_cast<Inner*>(a);
  auto* R = static_cast<Inner*>(b);
  const int total = L->n + R->n;
  if (total <= kInnerCap) {
    std::copy(R->child, R->child + R->n, L->child + L->n);
    std::copy(R->count, R->count + R->n, L->count + L->n);
    std::copy(R->key, R->key + R->n, L->key + L->n);
    L->n = static_cast<uint16_t>(total);
    free_node(R);
    remove_child(in, l + 1);
    in->count[l] = subtree_size(L);
    in->key[l] = L->key[0];
    return;
  }
  const int want = total / 2;
  if (L->n < want) {
    const int k = want - L->n;
    std::copy(R->child, R->child + k, L->child + L->n);
    std::copy(R->count, R->count + k, L->count + L->n);
    std::copy(R->key, R->key + k, L->key + L->n);
    shift_left(R->child, 0, R->n, k);
    shift_left(R->count, 0, R->n, k);
    shift_left(R->key, 0, R->n, k);
  } else {
    const int k = L->n - want;
    std::memmove(static_cast<void*>(R->child + k), R->child, sizeof(Node*) * R->n);
    std::memmove(static_cast<void*>(R->count + k), R->count, sizeof(uint64_t) * R->n);
    std::memmove(static_cast<void*>(R->key + k), R->key, sizeof(ZEntry) * R->n);
    std::copy(L->child + want, L->child + L->n, R->child);
    std::copy(L->count + want, L->count + L->n, R->count);
    std::copy(L->key + want, L->key + L->n, R->key);
  }
  R->n = static_cast<uint16_t>(total - want);
  L->n = static_cast<uint16_t>(want);
  in->count[l] = subtree_size(L);
  in->count[l + 1] = subtree_size(R);
  in->key[l] = L->key[0];
  in->key[l + 1] = R->key[0];
}

void ScoreTree::shrink_root() {
  while (root_ != nullptr && !root_->leaf && root_->n == 1) {
    auto* old = static_cast<Inner*>(root_);
    root_ = old->child[0];
    free_node(old);
    --depth_;
  }
  if (root_ != nullptr && root_->leaf && root_->n == 0) {
    free_node(root_);
    root_ = head_ = tail_ = nullptr;
  }
}

size_t ScoreTree::node_bytes() const {
  // malloc adds 8 bytes and rounds to 16: both node sizes land on a 1 KiB chunk.
  auto chunk = [](size_t n) { return (n + 8 + 15) & ~size_t{15}; };
  return leaves_ * chunk(sizeof(Leaf)) + inners_ * chunk(sizeof(Inner));
}

bool ScoreTree::check_node(const Node* n, int level, const ZEntry** prev, size_t& count) const {
  const bool is_root = n == root_;
  if (n->leaf) {
    if (level != depth_ || n->n == 0 || n->n > kLeafCap) return false;
    const auto* l = static_cast<const Leaf*>(n);
    for (int i = 0; i < l->n; ++i) {
      const ZEntry& e = l->e[i];
      if (e.score != e.member->score()) return false;
      if (*prev != nullptr && !zless((*prev)->score, (*prev)->member->view(), e.score, e.member->view())) {
        return false;
      }
      *prev = &e;
    }
    count += l->n;
    return true;
  }
  const auto* in = static_cast<const Inner*>(n);
  if (in->n > kInnerCap || in->n < (is_root ? 2 : kInnerMin)) return false;
  for (int i = 0; i < in->n; ++i) {
    size_t sub = 0;
    const ZEntry mn = min_entry(in->child[i]);
    if (mn.member != in->key[i].member || mn.score != in->key[i].score) return false;
    if (!check_node(in->child[i], level + 1, prev, sub)) return false;
    if (sub != in->count[i]) return false;
    count += sub;
  }
  return true;
}

bool ScoreTree::check() const {
  if (root_ == nullptr)
    return size_ == 0 && head_ == nullptr && tail_ == nullptr && leaves_ == 0 && inners_ == 0;
  const ZEntry* prev = nullptr;
  size_t count = 0;
  if (!check_node(root_, 0, &prev, count) || count != size_) return false;
  // The leaf chain visits the same entries in both directions.
  size_t forward = 0, leaves = 0;
  const Leaf* last = nullptr;
  for (const Leaf* l = head_; l != nullptr; l = l->next) {
    if (l->prev != last) return false;
    forward += l->n;
    ++leaves;
    last = l;
  }
  return last == tail_ && forward == size_ && leaves == leaves_;
}

}  // namespace codis::server::ds
