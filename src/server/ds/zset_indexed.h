// The large form of a sorted set: the ScoreTree for order plus a hash index from member bytes to the
// shared Member (score in O(1)). The index is only ever probed, never iterated, so its address-seeded
// layout cannot leak into any reply: all iteration goes through the tree and is deterministic.
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "server/ds/zset_btree.h"
#include "server/ds/zset_member.h"

namespace codis::server::ds {

class ZIndexed {
 public:
  ZIndexed() = default;
  ~ZIndexed() {
    tree_.clear([](Member* m) { Member::destroy(m); });
  }
  ZIndexed(const ZIndexed&) = delete;
  ZIndexed& operator=(const ZIndexed&) = delete;

  size_t size() const { return tree_.size(); }
  const ScoreTree& tree() const { return tree_; }
  void reserve(size_t n) { index_.reserve(n); }

  Member* find(std::string_view member) const {
    auto it = index_.find(member);
    return it == index_.end() ? nullptr : *it;
  }
  // A new member (not present).
  void insert(std::string_view member, double score) {
    Member* m = Member::create(member, score);
    index_.insert(m);
    tree_.insert(m);
    member_bytes_ += Member::allocation_size(member.size());
  }
  void update(Member* m, double score) { tree_.update_score(m, score); }
  bool erase(std::string_view member) {
    Member* m = find(member);
    if (m == nullptr) return false;
    tree_.erase(m->score(), m->view());
    drop(m);
    return true;
  }
  void erase_ranks(size_t from, size_t count) {
    tree_.erase_ranks(from, count, [this](Member* m) { drop(m); });
  }

  size_t memory_usage() const {
    // flat_hash_set: one pointer slot and one control byte per bucket.
    return sizeof(*this) + tree_.node_bytes() + member_bytes_ + index_.capacity() * (sizeof(Member*) + 1);
  }

 private:
  void drop(Member* m) {
    member_bytes_ -= Member::allocation_size(m->view().size());
    index_.erase(m);
    Member::destroy(m);
  }

  ScoreTree tree_;
  absl::flat_hash_set<Member*, MemberHash, MemberEq> index_;
  size_t member_bytes_ = 0;
};

}  // namespace codis::server::ds
