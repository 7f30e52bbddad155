// Errors as values at module boundaries: one small error enum shared by both runtimes, and Result<T>.
#pragma once

#include <cassert>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace codis::rt {

// Both runtimes must report the same Errc for the same situation (the contract tests check it).
enum class Errc {
  kTimeout = 1,
  kCancelled,
  kConnRefused,
  kConnReset,
  kEof,
  kAddrInUse,
  kNotFound,
  kExists,
  kNoSpace,
  kIoError,
  kInvalidArgument,
  kSessionExpired,
  kConnectionLoss,
  kBadVersion,
  kNoNode,
  kNodeExists,
};

std::string_view errc_name(Errc e);

struct Error {
  Errc code;
  friend bool operator==(const Error&, const Error&) = default;
};

inline Error err(Errc e) {
  return Error{e};
}

template <class T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  Result(T v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT: implicit on purpose
  Result(Error e) : v_(std::in_place_index<1>, e) {}         // NOLINT
  Result(Errc e) : v_(std::in_place_index<1>, Error{e}) {}   // NOLINT

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
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  Errc error() const {
    assert(!ok());
    return std::get<1>(v_).code;
  }
  T value_or(T other) const& { return ok() ? std::get<0>(v_) : std::move(other); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  Result() = default;
  Result(Error e) : e_(e) {}        // NOLINT
  Result(Errc e) : e_(Error{e}) {}  // NOLINT
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  void value() const { assert(ok()); }
  Errc error() const {
    assert(!ok());
    return e_->code;
  }

 private:
  std::optional<Error> e_;
};

inline Result<void> ok() {
  return {};
}

template <class T>
struct is_result : std::false_type {};
template <class T>
struct is_result<Result<T>> : std::true_type {};
template <class T>
inline constexpr bool is_result_v = is_result<T>::value;

}  // namespace codis::rt
