// ChainedDict: the hash table behind hash and set values (StrMap/StrSet in dict.h). A subset of the
// std::unordered_map/set interface, bucket interface included, over chains that start at the bucket: a
// lookup reads the bucket array, then the nodes of one chain (each holds its hash, compared first), then
// the key of the match. libstdc++'s table keeps, per bucket, the node *before* the chain, one more cache
// miss per lookup; in a 100,000-member set that was most of SADD's time.
//
// Power-of-two bucket counts (placement: hash & (bucket_count - 1), which equals hash % bucket_count);
// grows to twice the size when the load passes 1, shrinks only on rehash(). New nodes go to the front of
// their chain. Iteration is bucket by bucket, so its order depends only on the operations applied (the
// simulator replays it), and nodes never move: pointers and references to elements stay valid until the
// element is erased. scan() is Redis's dictScan cursor (HSCAN, SSCAN).
//
// Ordered mode (keep_order(), until unorder()): Redis keeps small hashes in a listpack (insertion order)
// and small integer sets in an intset (ascending), and HGETALL, SMEMBERS, DUMP... show that order. While
// ordered, the nodes are also on a circular list in Order's order (Order::before(a, b): a goes before b;
// never true keeps insertion order), which iteration follows; buckets, lookups, scan() and random draws are
// unchanged. Adding and erasing walk that list, so the owner unorders a value when it converts to its large
// encoding; past kMaxOrdered elements the dict unorders itself.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "server/scan_cursor.h"

namespace codis::server {

// Ordered mode keeping insertion order.
struct InsertionOrder {
  static bool before(std::string_view, std::string_view) { return false; }
};

// KeyOf maps a stored value to its key as a string_view; Hash hashes a string_view.
template <class Value, class KeyOf, class Hash, class Order = InsertionOrder>
class ChainedDict {
  struct Node {
    template <class... A>
    explicit Node(size_t h, A&&... a) : hash(h), value(std::forward<A>(a)...) {}
    Node* next = nullptr;        // bucket chain
    Node* order_next = nullptr;  // ordered mode: the next node in order (the last one points to the first)
    size_t hash;
    Value value;
  };

  template <bool Const>
  struct IterTypes {
    using iterator_category = std::forward_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<Const, const Value*, Value*>;
    using reference = std::conditional_t<Const, const Value&, Value&>;
  };

  template <bool Const>
  class Iter : public IterTypes<Const> {
   public:
    using typename IterTypes<Const>::pointer;
    using typename IterTypes<Const>::reference;

    Iter() = default;
    template <bool C = Const, class = std::enable_if_t<C>>
    Iter(const Iter<false>& o) : d_(o.d_), b_(o.b_), n_(o.n_) {}  // NOLINT: iterator -> const_iterator

    reference operator*() const { return n_->value; }
    pointer operator->() const { return &n_->value; }
    Iter& operator++() {
      if (d_->ordered()) {
        n_ = n_ == d_->tail() ? nullptr : n_->order_next;
        return *this;
      }
      n_ = n_->next;
      if (n_ == nullptr) {
        seek(b_ + 1);
      }
      return *this;
    }
    Iter operator++(int) {
      Iter t = *this;
      ++*this;
      return t;
    }
    friend bool operator==(const Iter& a, const Iter& b) { return a.n_ == b.n_; }

   private:
    friend class ChainedDict;
    template <bool>
    friend class Iter;
    Iter(const ChainedDict* d, size_t b, Node* n) : d_(d), b_(b), n_(n) {}
    void seek(size_t b) {
      n_ = nullptr;
      for (b_ = b; b_ < d_->bucket_count(); ++b_) {
        if ((n_ = d_->buckets_[b_]) != nullptr) {
          return;
        }
      }
    }
    const ChainedDict* d_ = nullptr;
    size_t b_ = 0;
    Node* n_ = nullptr;
  };

  template <bool Const>
  class LocalIter : public IterTypes<Const> {
   public:
    using typename IterTypes<Const>::pointer;
    using typename IterTypes<Const>::reference;

    LocalIter() = default;
    explicit LocalIter(Node* n) : n_(n) {}
    reference operator*() const { return n_->value; }
    pointer operator->() const { return &n_->value; }
    LocalIter& operator++() {
      n_ = n_->next;
      return *this;
    }
    friend bool operator==(const LocalIter& a, const LocalIter& b) { return a.n_ == b.n_; }

   private:
    Node* n_ = nullptr;
  };

 public:
  using value_type = Value;
  using size_type = size_t;
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;
  using local_iterator = LocalIter<false>;
  using const_local_iterator = LocalIter<true>;

  ChainedDict() = default;
  ~ChainedDict() { release(); }
  ChainedDict(const ChainedDict& o) {
    if (o.ordered()) {
      keep_order();
    }
    reserve(o.size());
    for (const Value& v : o) {
      insert(v);
    }
  }
  ChainedDict& operator=(const ChainedDict& o) {
    if (this != &o) {
      ChainedDict t(o);
      swap(t);
    }
    return *this;
  }
  ChainedDict(ChainedDict&& o) noexcept { swap(o); }
  ChainedDict& operator=(ChainedDict&& o) noexcept {
    ChainedDict t(std::move(o));
    swap(t);
    return *this;
  }
  template <class It>
  ChainedDict(It first, It last) {
    insert(first, last);
  }
  ChainedDict(std::initializer_list<Value> il) { insert(il.begin(), il.end()); }
  void swap(ChainedDict& o) noexcept {
    std::swap(buckets_, o.buckets_);
    std::swap(mask_, o.mask_);
    std::swap(size_, o.size_);
    std::swap(order_, o.order_);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() {
    release();
    buckets_ = nullptr;
    mask_ = 0;
    size_ = 0;
    order_ &= kOrderedBit;  // keeps the mode
  }

  bool ordered() const { return (order_ & kOrderedBit) != 0; }
  // Enters ordered mode, ordering the present elements by Order (ties in iteration order).
  void keep_order() {
    if (ordered()) {
      return;
    }
    std::vector<Node*> nodes;
    nodes.reserve(size_);
    for (size_t b = 0; b < bucket_count(); ++b) {
      for (Node* n = buckets_[b]; n != nullptr; n = n->next) {
        nodes.push_back(n);
      }
    }
    std::stable_sort(nodes.begin(), nodes.end(), [](const Node* a, const Node* b) {
      return Order::before(KeyOf{}(a->value), KeyOf{}(b->value));
    });
    for (size_t i = 0; i < nodes.size(); ++i) {
      nodes[i]->order_next = nodes[(i + 1) % nodes.size()];
    }
    set_tail(nodes.empty() ? nullptr : nodes.back());
  }
  // Leaves ordered mode (for good, unless keep_order() is called again).
  void unorder() { order_ = 0; }

  iterator begin() { return first(); }
  iterator end() { return iterator(this, 0, nullptr); }
  const_iterator begin() const { return const_cast<ChainedDict*>(this)->first(); }
  const_iterator end() const { return const_iterator(this, 0, nullptr); }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }

  iterator find(std::string_view k) {
    const size_t h = Hash{}(k);
    if (buckets_ != nullptr) {
      for (Node* n = buckets_[h & mask_]; n != nullptr; n = n->next) {
        if (n->hash == h && KeyOf{}(n->value) == k) {
          return iterator(this, h & mask_, n);
        }
      }
    }
    return end();
  }
  const_iterator find(std::string_view k) const { return const_cast<ChainedDict*>(this)->find(k); }
  size_t count(std::string_view k) const { return find(k) == end() ? 0 : 1; }
  bool contains(std::string_view k) const { return find(k) != end(); }

  // Like std::unordered_*::emplace, but the first argument is the key (anything a string_view can be made
  // from) and is looked up before anything is built, so adding a present key allocates nothing.
  template <class K, class... Rest>
  std::pair<iterator, bool> emplace(K&& key, Rest&&... rest) {
    const std::string_view k(key);
    iterator it = find(k);
    if (it != end()) {
      return {it, false};
    }
    const size_t h = Hash{}(k);
    Node* n = new Node(h, std::forward<K>(key), std::forward<Rest>(rest)...);
    return {link(n), true};
  }
  // Maps only: the key's value, added empty if absent.
  template <class K>
  auto& operator[](K&& key) {
    iterator it = find(std::string_view(key));
    if (it == end()) {
      it = emplace(std::forward<K>(key), typename Value::second_type{}).first;
    }
    return it->second;
  }
  // Maps only: sets the key's value, adding the key if absent.
  template <class K, class M>
  std::pair<iterator, bool> insert_or_assign(K&& key, M&& mapped) {
    iterator it = find(std::string_view(key));
    if (it != end()) {
      it->second = std::forward<M>(mapped);
      return {it, false};
    }
    return emplace(std::forward<K>(key), std::forward<M>(mapped));
  }
  std::pair<iterator, bool> insert(const Value& v) { return insert_value(v); }
  std::pair<iterator, bool> insert(Value&& v) { return insert_value(std::move(v)); }
  template <class It>
  void insert(It first, It last) {
    for (; first != last; ++first) {
      insert_value(*first);
    }
  }

  iterator erase(const_iterator pos) {
    Node* n = pos.n_;
    iterator next(this, pos.b_, n);
    ++next;
    if (ordered()) {
      unlink_order(n);
    }
    Node** link = &buckets_[n->hash & mask_];
    while (*link != n) {
      link = &(*link)->next;
    }
    *link = n->next;
    delete n;
    --size_;
    return next;
  }
  iterator erase(iterator pos) { return erase(const_iterator(pos)); }
  size_t erase(std::string_view k) {
    const_iterator it = find(k);
    if (it == end()) {
      return 0;
    }
    erase(it);
    return 1;
  }

  // Bucket interface (random draws and HSCAN's cursor walk buckets).
  size_t bucket_count() const { return buckets_ == nullptr ? 0 : mask_ + 1; }
  size_t bucket(std::string_view k) const { return Hash{}(k)&mask_; }
  size_t bucket_size(size_t b) const {
    size_t n = 0;
    for (Node* p = buckets_[b]; p != nullptr; p = p->next) {
      ++n;
    }
    return n;
  }
  local_iterator begin(size_t b) { return local_iterator(buckets_[b]); }
  local_iterator end(size_t) { return local_iterator(); }
  const_local_iterator begin(size_t b) const { return const_local_iterator(buckets_[b]); }
  const_local_iterator end(size_t) const { return const_local_iterator(); }
  float load_factor() const {
    return bucket_count() == 0 ? 0.0F : static_cast<float>(size_) / bucket_count();
  }

  // Redis's dictScan: calls fn on each element of bucket `cursor & mask` and returns the next cursor, 0
  // once the walk is done. The cursor counts in reverse binary (the highest bucket bit changes fastest),
  // so the buckets already visited stay a prefix of the order when the table doubles or halves between
  // calls: an element present for the whole walk is passed to fn at least once, whatever growth or
  // rehash() happened between calls (after a shrink some may come twice). fn must not change the dict.
  template <class Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const {
    if (size_ == 0) {
      return 0;
    }
    for (const Node* n = buckets_[cursor & mask_]; n != nullptr; n = n->next) {
      fn(static_cast<const Value&>(n->value));
    }
    return next_scan_cursor(cursor, mask_);
  }

  // At least n buckets and at least size() (load <= 1); rehash(0) shrinks to fit.
  void rehash(size_t n) {
    size_t want = kMinBuckets;
    while (want < n || want < size_) {
      want *= 2;
    }
    if (size_ == 0 && n == 0) {
      clear();
      return;
    }
    if (want != bucket_count()) {
      resize(want);
    }
  }
  void reserve(size_t n) {
    if (n > bucket_count()) {
      rehash(n);
    }
  }

  // Bytes of the bucket array and nodes' bookkeeping, without what values own (MEMORY USAGE).
  static constexpr size_t kNodeOverhead = sizeof(Node) - sizeof(Value);
  size_t bucket_bytes() const { return bucket_count() * sizeof(Node*); }

  // Past this many elements a dict leaves ordered mode by itself (Redis's default limits are 128 fields and
  // 512 integers; this only bounds the cost of a limit raised far beyond them).
  static constexpr size_t kMaxOrdered = 4096;

 private:
  static constexpr size_t kMinBuckets = 4;
  static constexpr uintptr_t kOrderedBit = 1;

  Node* tail() const { return reinterpret_cast<Node*>(order_ & ~kOrderedBit); }
  void set_tail(Node* t) { order_ = reinterpret_cast<uintptr_t>(t) | kOrderedBit; }

  iterator first() {
    iterator it(this, 0, nullptr);
    if (size_ != 0) {
      if (ordered()) {
        it.n_ = tail()->order_next;
      } else {
        it.seek(0);
      }
    }
    return it;
  }

  // Puts n on the order list: after the last node that it does not go before (so at the end when Order
  // keeps insertion order, or when n goes after the last node, the common case of ascending additions).
  void link_order(Node* n) {
    Node* t = tail();
    if (t == nullptr) {
      n->order_next = n;
      set_tail(n);
      return;
    }
    const std::string_view k = KeyOf{}(n->value);
    if (!Order::before(k, KeyOf{}(t->value))) {
      n->order_next = t->order_next;
      t->order_next = n;
      set_tail(n);
      return;
    }
    Node* prev = t;  // n goes before t, so this stops at t at the latest
    while (!Order::before(k, KeyOf{}(prev->order_next->value))) {
      prev = prev->order_next;
    }
    n->order_next = prev->order_next;
    prev->order_next = n;
  }

  void unlink_order(Node* n) {
    Node* t = tail();
    Node* prev = t;
    while (prev->order_next != n) {
      prev = prev->order_next;
    }
    prev->order_next = n->order_next;
    if (n == t) {
      set_tail(prev == n ? nullptr : prev);
    }
  }

  template <class V>
  std::pair<iterator, bool> insert_value(V&& v) {
    const std::string_view k = KeyOf{}(v);
    iterator it = find(k);
    if (it != end()) {
      return {it, false};
    }
    Node* n = new Node(Hash{}(k), std::forward<V>(v));
    return {link(n), true};
  }

  iterator link(Node* n) {
    if (size_ + 1 > bucket_count()) {
      resize(bucket_count() == 0 ? kMinBuckets : bucket_count() * 2);
    }
    Node*& head = buckets_[n->hash & mask_];
    n->next = head;
    head = n;
    ++size_;
    if (ordered()) {
      if (size_ > kMaxOrdered) {
        unorder();
      } else {
        link_order(n);
      }
    }
    return iterator(this, n->hash & mask_, n);
  }

  void resize(size_t count) {
    Node** fresh = new Node*[count]();
    const size_t mask = count - 1;
    for (size_t b = 0; b < bucket_count(); ++b) {
      for (Node* n = buckets_[b]; n != nullptr;) {
        Node* next = n->next;
        Node*& head = fresh[n->hash & mask];
        n->next = head;
        head = n;
        n = next;
      }
    }
    delete[] buckets_;
    buckets_ = fresh;
    mask_ = mask;
  }

  void release() {
    for (size_t b = 0; b < bucket_count(); ++b) {
      for (Node* n = buckets_[b]; n != nullptr;) {
        Node* next = n->next;
        delete n;
        n = next;
      }
    }
    delete[] buckets_;
  }

  Node** buckets_ = nullptr;
  size_t mask_ = 0;
  size_t size_ = 0;
  uintptr_t order_ = 0;  // ordered mode: the last node in order | kOrderedBit; 0 otherwise
};

}  // namespace codis::server
