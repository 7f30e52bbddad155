// A member of a large sorted set: one allocation holding its score and its bytes, pointed to by both the
// B+tree (ordering) and the hash index (member -> score in O(1)), so the bytes are stored once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>

#include "absl/hash/hash.h"

namespace codis::server::ds {

class Member {
 public:
  static Member* create(std::string_view bytes, double score) {
    // The bytes follow the 12 bytes of fields; never allocate less than the struct itself.
    size_t n = kDataOffset + bytes.size();
    if (n < sizeof(Member)) n = sizeof(Member);
    void* mem = ::operator new(n);
    auto* m = new (mem) Member(score, static_cast<uint32_t>(bytes.size()));
    if (!bytes.empty()) std::memcpy(m->data(), bytes.data(), bytes.size());
    return m;
  }
  static void destroy(Member* m) {
    m->~Member();
    ::operator delete(m);
  }
  // Bytes one member allocation occupies (for MEMORY USAGE): the request plus malloc's header, rounded.
  static size_t allocation_size(size_t member_len) {
    size_t n = kDataOffset + member_len;
    if (n < sizeof(Member)) n = sizeof(Member);
    return (n + 8 + 15) & ~size_t{15};
  }

  std::string_view view() const { return {data(), size_}; }
  double score() const { return score_; }
  void set_score(double s) { score_ = s; }

 private:
  static constexpr size_t kDataOffset = sizeof(double) + sizeof(uint32_t);

  Member(double score, uint32_t size) : score_(score), size_(size) {}
  char* data() { return reinterpret_cast<char*>(this) + kDataOffset; }
  const char* data() const { return reinterpret_cast<const char*>(this) + kDataOffset; }

  double score_;
  uint32_t size_;
  // The member's bytes start here, at kDataOffset (inside the struct's padding when short).
};

// Hash and equality over the member's bytes, usable with a string_view (heterogeneous lookup).
struct MemberHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return absl::Hash<std::string_view>{}(s); }
  size_t operator()(const Member* m) const { return (*this)(m->view()); }
};
struct MemberEq {
  using is_transparent = void;
  static std::string_view v(std::string_view s) { return s; }
  static std::string_view v(const Member* m) { return m->view(); }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return v(a) == v(b);
  }
};

}  // namespace codis::server::ds
