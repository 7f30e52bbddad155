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
    void* mem = ::operator new(request_size(bytes.size()));
    auto* m =
        new (mem) Member(score, bytes.size() < kLongLen ? static_cast<uint8_t>(bytes.size()) : kLongLen);
    char* p = reinterpret_cast<char*>(m) + kShortOffset;
    if (bytes.size() >= kLongLen) {
      const auto n = static_cast<uint32_t>(bytes.size());
      std::memcpy(p, &n, sizeof n);
      p += sizeof n;
    }
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    return m;
  }
  static void destroy(Member* m) {
    m->~Member();
    ::operator delete(m);
  }
  // Bytes one member allocation occupies (for MEMORY USAGE): the request plus malloc's header, rounded.
  static size_t allocation_size(size_t member_len) {
    const size_t n = request_size(member_len) + 8;
    return n < 32 ? 32 : (n + 15) & ~size_t{15};
  }

  std::string_view view() const {
    const char* p = reinterpret_cast<const char*>(this) + kShortOffset;
    if (len_ != kLongLen) return {p, len_};
    uint32_t n;
    std::memcpy(&n, p, sizeof n);
    return {p + sizeof n, n};
  }
  double score() const { return score_; }
  void set_score(double s) { score_ = s; }

 private:
  // The score, one length byte, then the bytes: 9 bytes of overhead for members up to 254 bytes (a
  // 4-byte length follows the byte 255 for longer ones), so a 15-byte member fits a 32-byte chunk.
  static constexpr size_t kShortOffset = sizeof(double) + 1;
  static constexpr uint8_t kLongLen = 255;

  static size_t request_size(size_t len) {
    const size_t n = kShortOffset + (len >= kLongLen ? sizeof(uint32_t) : 0) + len;
    return n < sizeof(Member) ? sizeof(Member) : n;
  }

  Member(double score, uint8_t len) : score_(score), len_(len) {}

  double score_;
  uint8_t len_;
  // The bytes (or the long length, then the bytes) start here, at kShortOffset, inside the struct's
  // padding when short.
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
