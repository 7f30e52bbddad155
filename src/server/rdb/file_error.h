// Errors of the RDB file reader as values: what went wrong (a code to act on, and a message worded as
// Redis words it where Redis has words for it) and the byte offset in the file where it went wrong.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace codis::server::rdb {

enum class FileErrc : unsigned char {
  kSignature = 1,  // not an RDB file ("REDIS" missing)
  kVersion,        // an RDB version outside 1..10
  kTruncated,      // the input ended inside a record or before the EOF opcode
  kCorrupt,        // malformed bytes: a bad length, an unknown opcode or type, a value that fails to decode
  kChecksum,       // the stored CRC-64 differs from the computed one
  kUnsupported,    // well-formed, but holds what we cannot load: streams, modules, pre-GA functions
  kTooManyDatabases,  // a SELECTDB at or above the configured number of databases
};

struct FileError {
  FileErrc code;
  uint64_t offset;  // where the offending record (or byte) starts, from the start of the file
  std::string message;

  // "<message> (at byte <offset>)", for logs and start-up failures.
  std::string describe() const { return message + " (at byte " + std::to_string(offset) + ")"; }
};

template <class T>
class [[nodiscard]] FileResult {
 public:
  FileResult(T v) : v_(std::in_place_index<0>, std::move(v)) {}          // NOLINT: implicit on purpose
  FileResult(FileError e) : v_(std::in_place_index<1>, std::move(e)) {}  // NOLINT

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
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const FileError& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, FileError> v_;
};

}  // namespace codis::server::rdb
