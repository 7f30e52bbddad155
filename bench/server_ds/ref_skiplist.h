// A reference Redis-style zskiplist (p = 1/4, at most 32 levels, spans for rank), used only by the
// benchmarks to measure our B+tree against the structure Redis uses: insert, delete, rank, select and
// range walks, member bytes in their own allocation as Redis's sds, index lookups left out (both
// sides would share the same hash index). Levels come from a caller-seeded xorshift, never a global.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace codis::server::ds::bench {

class RefSkiplist {
 public:
  static constexpr int kMaxLevel = 32;

  struct Node {
    double score;
    char* ele;
    uint32_t len;
    Node* backward;
    struct Level {
      Node* forward;
      uint64_t span;
    } level[1];  // really `levels` entries
    std::string_view member() const { return {ele, len}; }
  };

  explicit RefSkiplist(uint64_t seed) : rng_(seed | 1) { header_ = make_node(kMaxLevel, 0, {}); }
  ~RefSkiplist() {
    Node* x = header_->level[0].forward;
    while (x != nullptr) {
      Node* next = x->level[0].forward;
      free_node(x);
      x = next;
    }
    free_node(header_);
  }
  RefSkiplist(const RefSkiplist&) = delete;
  RefSkiplist& operator=(const RefSkiplist&) = delete;

  size_t size() const { return length_; }

  void insert(double score, std::string_view ele) {
    Node* update[kMaxLevel];
    uint64_t rank[kMaxLevel];
    Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
      while (x->level[i].forward != nullptr && less(x->level[i].forward, score, ele)) {
        rank[i] += x->level[i].span;
        x = x->level[i].forward;
      }
      update[i] = x;
    }
    const int lvl = random_level();
    if (lvl > level_) {
      for (int i = level_; i < lvl; ++i) {
        rank[i] = 0;
        update[i] = header_;
        update[i]->level[i].span = length_;
      }
      level_ = lvl;
    }
    x = make_node(lvl, score, ele);
    for (int i = 0; i < lvl; ++i) {
      x->level[i].forward = update[i]->level[i].forward;
      update[i]->level[i].forward = x;
      x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
      update[i]->level[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = lvl; i < level_; ++i) update[i]->level[i].span++;
    x->backward = update[0] == header_ ? nullptr : update[0];
    if (x->level[0].forward != nullptr) {
      x->level[0].forward->backward = x;
    } else {
      tail_ = x;
    }
    ++length_;
  }

  bool erase(double score, std::string_view ele) {
    Node* update[kMaxLevel];
    Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->level[i].forward != nullptr && less(x->level[i].forward, score, ele)) x = x->level[i].forward;
      update[i] = x;
    }
    x = x->level[0].forward;
    if (x == nullptr || x->score != score || x->member() != ele) return false;
    for (int i = 0; i < level_; ++i) {
      if (update[i]->level[i].forward == x) {
        update[i]->level[i].span += x->level[i].span - 1;
        update[i]->level[i].forward = x->level[i].forward;
      } else {
        update[i]->level[i].span -= 1;
      }
    }
    if (x->level[0].forward != nullptr) {
      x->level[0].forward->backward = x->backward;
    } else {
      tail_ = x->backward;
    }
    while (level_ > 1 && header_->level[level_ - 1].forward == nullptr) --level_;
    --length_;
    free_node(x);
    return true;
  }

  // 1-based like zslGetRank; 0 when absent.
  uint64_t rank(double score, std::string_view ele) const {
    uint64_t r = 0;
    const Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->level[i].forward != nullptr && !less_than_node(score, ele, x->level[i].forward)) {
        r += x->level[i].span;
        x = x->level[i].forward;
      }
      if (x != header_ && x->score == score && x->member() == ele) return r;
    }
    return 0;
  }

  // 1-based like zslGetElementByRank.
  const Node* by_rank(uint64_t rank) const {
    uint64_t traversed = 0;
    const Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->level[i].forward != nullptr && traversed + x->level[i].span <= rank) {
        traversed += x->level[i].span;
        x = x->level[i].forward;
      }
      if (traversed == rank) return x;
    }
    return nullptr;
  }

  const Node* first_at_least(double min) const {
    const Node* x = header_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->level[i].forward != nullptr && x->level[i].forward->score < min) x = x->level[i].forward;
    }
    return x->level[0].forward;
  }

 private:
  static bool less(const Node* n, double score, std::string_view ele) {
    return n->score < score || (n->score == score && n->member() < ele);
  }
  static bool less_than_node(double score, std::string_view ele, const Node* n) {
    return score < n->score || (score == n->score && ele < n->member());
  }
  int random_level() {
    int lvl = 1;
    while (lvl < kMaxLevel && (next() & 0xFFFF) < 0xFFFF / 4) ++lvl;
    return lvl;
  }
  uint64_t next() {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_;
  }
  static Node* make_node(int levels, double score, std::string_view ele) {
    const size_t bytes = sizeof(Node) + sizeof(Node::Level) * static_cast<size_t>(levels - 1);
    auto* n = static_cast<Node*>(std::calloc(1, bytes));
    n->score = score;
    n->len = static_cast<uint32_t>(ele.size());
    n->ele = static_cast<char*>(std::malloc(ele.size() + 1));
    if (!ele.empty()) std::memcpy(n->ele, ele.data(), ele.size());
    return n;
  }
  static void free_node(Node* n) {
    std::free(n->ele);
    std::free(n);
  }

  Node* header_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t rng_;
};

}  // namespace codis::server::ds::bench
