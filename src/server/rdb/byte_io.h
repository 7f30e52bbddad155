// Bounds-checked reading of untrusted bytes, little-endian helpers, and the decode budget that caps the
// memory a decoded value may take. Internal to the codec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace codis::server::rdb {

inline uint64_t load_le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline uint64_t load_be(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
inline void append_le(uint64_t v, int n, std::string* out) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void append_be(uint64_t v, int n, std::string* out) {
  for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A cursor over untrusted bytes: every read checks the remaining length first.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  bool read_u8(uint8_t* out) {
    if (remaining() < 1) return false;
    *out = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  bool read(size_t n, std::string_view* out) {
    if (remaining() < n) return false;
    *out = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool read_le(int n, uint64_t* out) {
    if (remaining() < static_cast<size_t>(n)) return false;
    *out = load_le(reinterpret_cast<const unsigned char*>(in_.data() + pos_), n);
    pos_ += static_cast<size_t>(n);
    return true;
  }
  bool read_be(int n, uint64_t* out) {
    if (remaining() < static_cast<size_t>(n)) return false;
    *out = load_be(reinterpret_cast<const unsigned char*>(in_.data() + pos_), n);
    pos_ += static_cast<size_t>(n);
    return true;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

// Charges decoded elements against DecodeOptions::max_decoded_bytes. The per-element overhead stands
// for the container slot and string header an element costs once decoded.
class Budget {
 public:
  static constexpr uint64_t kPerElement = 32;
  explicit Budget(uint64_t limit) : left_(limit) {}
  // False once the limit is exceeded; the decoder then stops with kBadFormat.
  bool charge(uint64_t bytes) {
    const uint64_t cost = bytes + kPerElement;
    if (cost > left_) return false;
    left_ -= cost;
    return true;
  }

 private:
  uint64_t left_;
};

}  // namespace codis::server::rdb
