// The compact form of a small sorted set (OBJECT ENCODING "listpack", like Redis up to
// zset-max-listpack-entries / -value): one buffer of entries in (score, member) order, each
//   varint(len << 1 | score_is_integer) | member bytes | zigzag varint score, or 8 raw bytes of double.
// Every operation is a linear scan, fine for the ~128 entries this form is used for, and an entry costs
// its member plus 2-10 bytes (Redis's listpack: about the same), against ~60 in the large form.
//
// Like Redis's listpack, which stores scores as text and "-0" as the integer 0, -0.0 reads back as 0.0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/container/inlined_vector.h"

namespace codis::server::ds {

class ZListpack {
 public:
  struct View {
    std::string_view member;  // points into the buffer: valid until the next change
    double score;
  };

  ZListpack() = default;
  ~ZListpack();
  ZListpack(const ZListpack& o);
  ZListpack& operator=(const ZListpack&) = delete;
  ZListpack(ZListpack&& o) noexcept;
  ZListpack& operator=(ZListpack&& o) noexcept;

  size_t size() const { return n_; }
  size_t encoded_bytes() const { return size_; }
  size_t allocated_bytes() const { return cap_; }

  // The member's score, and its rank, when present.
  struct Found {
    size_t rank;
    double score;
  };
  std::optional<Found> find(std::string_view member) const;

  // Inserts a member that is not present.
  void insert(std::string_view member, double score);
  bool erase(std::string_view member);
  // Removes `count` entries from rank `from` on (from + count <= size()).
  void erase_ranks(size_t from, size_t count);

  View at(size_t rank) const;  // rank < size()
  size_t max_member_len() const;

  // The index of the first entry for which before(view) is false, scanning from the head (the same
  // element Redis's listpack scans pick when the predicate is not monotonic).
  template <class Before>
  size_t partition(Before&& before) const;
  // The index of the last entry for which after(view) is false, scanning from the tail (Redis's
  // zzlLast* walks), or size() when there is none.
  template <class After>
  size_t last_not(After&& after) const;

  // Visits entries from rank `from` towards the tail (or the head when reverse) while fn(view) returns
  // true. rank must be < size().
  template <class Fn>
  void visit(size_t from, bool reverse, Fn&& fn) const;

 private:
  struct Decoded {
    View view;
    uint32_t size;  // bytes of the whole entry
  };
  static Decoded decode(const char* p);
  size_t offset_of(size_t rank) const;
  void reserve_for(size_t extra);
  void maybe_shrink();
  // Offsets of the first `count` entries, into out (for walking backwards).
  template <class Out>
  void offsets(size_t count, Out& out) const;

  char* data_ = nullptr;
  uint32_t size_ = 0;  // bytes used
  uint32_t cap_ = 0;   // bytes allocated
  uint32_t n_ = 0;     // entries
};

template <class Before>
size_t ZListpack::partition(Before&& before) const {
  size_t i = 0;
  for (const char* p = data_; i < n_; ++i) {
    const Decoded d = decode(p);
    if (!before(d.view)) break;
    p += d.size;
  }
  return i;
}

template <class After>
size_t ZListpack::last_not(After&& after) const {
  size_t found = n_;
  size_t i = 0;
  for (const char* p = data_; i < n_; ++i) {
    const Decoded d = decode(p);
    if (!after(d.view)) found = i;
    p += d.size;
  }
  return found;
}

template <class Out>
void ZListpack::offsets(size_t count, Out& out) const {
  const char* p = data_;
  for (size_t i = 0; i < count; ++i) {
    out.push_back(static_cast<uint32_t>(p - data_));
    p += decode(p).size;
  }
}

template <class Fn>
void ZListpack::visit(size_t from, bool reverse, Fn&& fn) const {
  if (!reverse) {
    const char* p = data_ + offset_of(from);
    for (size_t i = from; i < n_; ++i) {
      const Decoded d = decode(p);
      if (!fn(d.view)) return;
      p += d.size;
    }
    return;
  }
  absl::InlinedVector<uint32_t, 128> offs;
  offsets(from + 1, offs);
  for (size_t i = from + 1; i-- > 0;) {
    if (!fn(decode(data_ + offs[i]).view)) return;
  }
}

}  // namespace codis::server::ds
