// A growable byte buffer for a connection's input: reads go into its free tail without zero-filling, and
// consumed bytes are dropped from the front by compacting.
#pragma once

#include <cstring>
#include <memory>
#include <span>
#include <string_view>

namespace codis::resp {

class IoBuf {
 public:
  std::string_view data() const { return {buf_.get() + start_, len_ - start_}; }
  size_t size() const { return len_ - start_; }
  size_t capacity() const { return cap_; }
  size_t free_space() const { return cap_ - len_; }
  void consume(size_t n) { start_ += n; }
  // Free space at the end, at least `min` bytes (compacting or growing as needed).
  std::span<char> tail(size_t min) {
    if (start_ > 0 && (start_ == len_ || cap_ - len_ < min)) {
      std::memmove(buf_.get(), buf_.get() + start_, len_ - start_);
      len_ -= start_;
      start_ = 0;
    }
    if (cap_ - len_ < min) {
      size_t cap = std::max(cap_ * 2, len_ + min);
      auto next = std::make_unique_for_overwrite<char[]>(cap);
      if (len_ > 0) {
        std::memcpy(next.get(), buf_.get(), len_);  // a fresh buffer has no block yet: memcpy from null is UB
      }
      buf_ = std::move(next);
      cap_ = cap;
    }
    return {buf_.get() + len_, cap_ - len_};
  }
  void commit(size_t n) { len_ += n; }
  // Gives back memory after a huge request.
  void shrink_if_idle(size_t keep) {
    if (size() == 0 && cap_ > keep) {
      buf_ = std::make_unique_for_overwrite<char[]>(keep);
      cap_ = keep;
      len_ = start_ = 0;
    }
  }

 private:
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0, len_ = 0, start_ = 0;
};

}  // namespace codis::resp
