// Errors of the DUMP payload codec as values: a small code that maps to the exact Redis reply text, a
// static detail string for logs and tests, and DumpResult<T> (a value or a DumpError).
#pragma once

#include <cassert>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

namespace codis::server::rdb {

enum class DumpErrc : unsigned char {
  // The footer is missing, names a newer RDB version than ours, or the CRC-64 does not match.
  kVersionOrChecksum = 1,
  // The object bytes are malformed (truncated, bad length, failed integrity check, empty collection...).
  kBadFormat,
  // Well-formed but a type we do not load (streams, module values).
  kUnsupported,
  // The encoder was asked for something Redis cannot represent (wrong encoding for the value's type,
  // a non-integer member in an intset, a NaN score, an empty collection, a listpack over 4 GiB).
  kInvalidValue,
};

struct DumpError {
  DumpErrc code;
  // Why, in a few words; always a string literal (no allocation on the error path).
  std::string_view detail;
  // Equal when the codes are: the detail is for people, not for control flow.
  friend bool operator==(const DumpError& a, const DumpError& b) { return a.code == b.code; }
};

// The error reply Redis 7.0 gives for the code, without the leading '-' and trailing CRLF:
// "ERR DUMP payload version or checksum are wrong", "ERR Bad data format". kUnsupported is reported as
// "ERR Bad data format" too, which is what RESTORE of an unknown module type says.
std::string_view dump_error_reply(DumpErrc code);

inline DumpError dump_error(DumpErrc code, std::string_view detail) {
  return DumpError{code, detail};
}
inline DumpError bad_format(std::string_view detail) {
  return DumpError{DumpErrc::kBadFormat, detail};
}

template <class T>
class [[nodiscard]] DumpResult {
 public:
  DumpResult(T v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT: implicit on purpose
  DumpResult(DumpError e) : v_(std::in_place_index<1>, e) {}     // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const DumpError& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, DumpError> v_;
};

template <>
class [[nodiscard]] DumpResult<void> {
 public:
  DumpResult() = default;
  DumpResult(DumpError e) : e_(e) {}  // NOLINT
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const DumpError& error() const {
    assert(!ok());
    return *e_;
  }

 private:
  std::optional<DumpError> e_;
};

using DumpStatus = DumpResult<void>;

}  // namespace codis::server::rdb
