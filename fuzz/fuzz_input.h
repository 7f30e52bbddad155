// What the structure-aware fuzz targets share: the input read as a stream of bytes, and the trace switch
// and byte printer they use to turn a crash into a readable repro (CODIS_FUZZ_TRACE=1).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace codis::fuzz {

// The input, read front to back; reading past the end yields zeros and sets `done`.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  bool done() const { return done_; }
  bool empty() const { return n_ == 0; }
  uint8_t byte() {
    if (n_ == 0) {
      done_ = true;
      return 0;
    }
    --n_;
    return *p_++;
  }
  uint16_t u16() { return static_cast<uint16_t>(byte() | (byte() << 8)); }
  std::string_view bytes(size_t len) {
    len = std::min(len, n_);
    std::string_view s(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    n_ -= len;
    return s;
  }

 private:
  const uint8_t* p_;
  size_t n_;
  bool done_ = false;
};

// CODIS_FUZZ_TRACE=1: print every step and its replies to stderr.
inline bool trace() {
  static const bool on = [] {
    const char* e = std::getenv("CODIS_FUZZ_TRACE");
    return e != nullptr && e[0] == '1';
  }();
  return on;
}

// s with bytes outside printable ASCII (and backslashes) as \xNN, cut after `max` bytes.
inline std::string printable(std::string_view s, size_t max = 160) {
  std::string out;
  for (unsigned char c : s.substr(0, std::min(max, s.size()))) {
    if (c >= 32 && c < 127 && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

}  // namespace codis::fuzz
