// The entry codec and the scans of the compact sorted set (zset_listpack.h).
#include "server/ds/zset_listpack.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "server/ds/zset_btree.h"

namespace codis::server::ds {
namespace {

// Integral scores within +-2^53 (every integer there is exact) are stored as zigzag varints: most
// scores in practice are small integers or timestamps, which then take 1-8 bytes instead of 8.
bool integral(double s, int64_t& out) {
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  if (!(s >= -kLimit && s <= kLimit) || std::trunc(s) != s) return false;
  out = static_cast<int64_t>(s);  // -0.0 becomes 0, the listpack behaviour documented in the header
  return true;
}

size_t put_varint(char* out, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<char>(v);
  return n;
}

uint64_t get_varint(const char*& p) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
}

// Header and score of one entry, encoded apart from the member bytes that go between them.
struct EncodedParts {
  char head[10];
  size_t head_len;
  char tail[10];
  size_t tail_len;
};

EncodedParts encode_parts(size_t member_len, double score) {
  EncodedParts e;
  int64_t i = 0;
  const bool is_int = integral(score, i);
  e.head_len = put_varint(e.head, (static_cast<uint64_t>(member_len) << 1) | (is_int ? 1 : 0));
  if (is_int) {
    const uint64_t zz = (static_cast<uint64_t>(i) << 1) ^ static_cast<uint64_t>(i >> 63);
    e.tail_len = put_varint(e.tail, zz);
  } else {
    std::memcpy(e.tail, &score, sizeof score);
    e.tail_len = sizeof score;
  }
  return e;
}

}  // namespace

ZListpack::~ZListpack() {
  std::free(data_);
}

ZListpack::ZListpack(const ZListpack& o) : size_(o.size_), cap_(o.size_), n_(o.n_) {
  if (o.size_ > 0) {
    data_ = static_cast<char*>(std::malloc(o.size_));
    std::memcpy(data_, o.data_, o.size_);
  } else {
    cap_ = 0;
  }
}

ZListpack::ZListpack(ZListpack&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      cap_(std::exchange(o.cap_, 0)),
      n_(std::exchange(o.n_, 0)) {}

ZListpack& ZListpack::operator=(ZListpack&& o) noexcept {
  if (this != &o) {
    std::free(data_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    cap_ = std::exchange(o.cap_, 0);
    n_ = std::exchange(o.n_, 0);
  }
  return *this;
}

ZListpack::Decoded ZListpack::decode(const char* p) {
  const char* start = p;
  const uint64_t head = get_varint(p);
  const size_t len = static_cast<size_t>(head >> 1);
  const std::string_view member(p, len);
  p += len;
  double score;
  if ((head & 1) != 0) {
    const uint64_t zz = get_varint(p);
    const auto i = static_cast<int64_t>((zz >> 1) ^ (~(zz & 1) + 1));
    score = static_cast<double>(i);
  } else {
    std::memcpy(&score, p, sizeof score);
    p += sizeof score;
  }
  return {{member, score}, static_cast<uint32_t>(p - start)};
}

size_t ZListpack::offset_of(size_t rank) const {
  const char* p = data_;
  for (size_t i = 0; i < rank; ++i) p += decode(p).size;
  return static_cast<size_t>(p - data_);
}

std::optional<ZListpack::Found> ZListpack::find(std::string_view member) const {
  const char* p = data_;
  for (size_t i = 0; i < n_; ++i) {
    const Decoded d = decode(p);
    if (d.view.member == member) return Found{i, d.view.score};
    p += d.size;
  }
  return std::nullopt;
}

void ZListpack::reserve_for(size_t extra) {
  const size_t need = size_ + extra;
  if (need <= cap_) return;
  // Grow by half again (not doubling): small sets are the point of this form, so slack is kept low.
  size_t cap = cap_ + cap_ / 2;
  if (cap < need) cap = need;
  cap = (cap + 15) & ~size_t{15};
  data_ = static_cast<char*>(std::realloc(data_, cap));
  cap_ = static_cast<uint32_t>(cap);
}

void ZListpack::maybe_shrink() {
  if (n_ == 0) {
    std::free(data_);
    data_ = nullptr;
    size_ = cap_ = 0;
    return;
  }
  if (cap_ > 2 * size_ + 64) {
    const size_t cap = (size_ + size_ / 4 + 15) & ~size_t{15};
    data_ = static_cast<char*>(std::realloc(data_, cap));
    cap_ = static_cast<uint32_t>(cap);
  }
}

void ZListpack::insert(std::string_view member, double score) {
  // The first entry above (score, member): members are unique, so "not below" is "above".
  size_t off = 0;
  for (size_t i = 0; i < n_; ++i) {
    const Decoded d = decode(data_ + off);
    if (!zless(d.view.score, d.view.member, score, member)) break;
    off += d.size;
  }
  const EncodedParts e = encode_parts(member.size(), score);
  const size_t len = e.head_len + member.size() + e.tail_len;
  reserve_for(len);
  std::memmove(data_ + off + len, data_ + off, size_ - off);
  char* w = data_ + off;
  std::memcpy(w, e.head, e.head_len);
  if (!member.empty()) std::memcpy(w + e.head_len, member.data(), member.size());
  std::memcpy(w + e.head_len + member.size(), e.tail, e.tail_len);
  size_ = static_cast<uint32_t>(size_ + len);
  ++n_;
}

bool ZListpack::erase(std::string_view member) {
  size_t off = 0;
  for (size_t i = 0; i < n_; ++i) {
    const Decoded d = decode(data_ + off);
    if (d.view.member == member) {
      std::memmove(data_ + off, data_ + off + d.size, size_ - off - d.size);
      size_ -= d.size;
      --n_;
      maybe_shrink();
      return true;
    }
    off += d.size;
  }
  return false;
}

void ZListpack::erase_ranks(size_t from, size_t count) {
  if (count == 0) return;
  const size_t begin = offset_of(from);
  size_t end = begin;
  for (size_t i = 0; i < count; ++i) end += decode(data_ + end).size;
  std::memmove(data_ + begin, data_ + end, size_ - end);
  size_ = static_cast<uint32_t>(size_ - (end - begin));
  n_ = static_cast<uint32_t>(n_ - count);
  maybe_shrink();
}

ZListpack::View ZListpack::at(size_t rank) const {
  return decode(data_ + offset_of(rank)).view;
}

size_t ZListpack::max_member_len() const {
  size_t m = 0;
  const char* p = data_;
  for (size_t i = 0; i < n_; ++i) {
    const Decoded d = decode(p);
    if (d.view.member.size() > m) m = d.view.member.size();
    p += d.size;
  }
  return m;
}

}  // namespace codis::server::ds
