// A value stored in the keyspace: its type (numbered like Redis's OBJ_* so TYPE, OBJECT and DUMP can map it)
// and its data, behind one pointer so a keyspace entry stays small. The pointed-to block starts with a
// header holding the type; a string is one malloc block (header + bytes + slack, its capacity kept in the
// block, so APPEND grows in place like an sds); containers live in a block next to their header. A null
// pointer is the empty string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "server/dict.h"
#include "server/ds/zset.h"

namespace codis::server {

enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4 };

using ListValue = std::deque<std::string>;
using HashValue = StrMap<std::string>;
using SetValue = StrSet;
using ZSetValue = ds::ZSet;

// The header every value block starts with. `flags` belong to the value's owner (OBJECT ENCODING keeps
// Redis's one-way conversions there); strings keep their length (and slack) in the header.
struct ValueHeader {
  ObjType type;
  uint8_t flags = 0;
  uint16_t size_hi = 0;
  uint32_t size_lo = 0;
};
static_assert(sizeof(ValueHeader) == 8);

class Object;

// A mutable view of a string value, returned by Object::str(): the subset of std::string's interface the
// commands use. It refers to the Object, so it stays valid when an append moves the bytes.
class StrRef {
 public:
  explicit StrRef(Object& o) : o_(o) {}
  size_t size() const;
  size_t length() const { return size(); }
  bool empty() const { return size() == 0; }
  char* data();
  const char* data() const;
  char& operator[](size_t i) { return data()[i]; }
  char operator[](size_t i) const { return data()[i]; }
  char* begin() { return data(); }
  char* end() { return data() + size(); }
  std::string_view view() const { return {data(), size()}; }
  operator std::string_view() const { return view(); }  // NOLINT: reads as a string
  std::string_view substr(size_t pos, size_t n = std::string_view::npos) const {
    return view().substr(pos, n);
  }
  // New bytes are zeroed.
  void resize(size_t n);
  void reserve(size_t n);
  void append(std::string_view s);
  void append(const char* p, size_t n) { append(std::string_view(p, n)); }
  void assign(std::string_view s);
  void assign(const char* p, size_t n) { assign(std::string_view(p, n)); }
  void clear() { resize(0); }
  StrRef& operator=(std::string_view s) {
    assign(s);
    return *this;
  }
  friend bool operator==(const StrRef& a, std::string_view b) { return a.view() == b; }

 private:
  Object& o_;
};

class Object {
 public:
  Object() = default;
  explicit Object(std::string_view s);
  static Object list();
  static Object hash();
  static Object set();
  static Object zset(ZSetValue z);

  Object(Object&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  Object& operator=(Object&& o) noexcept {
    if (this != &o) {
      reset();
      p_ = o.p_;
      o.p_ = nullptr;
    }
    return *this;
  }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  ~Object() { reset(); }

  ObjType type() const { return p_ == nullptr ? ObjType::kString : p_->type; }
  bool is(ObjType t) const { return type() == t; }
  // Owner-defined bits kept with the value (0 for the empty string, which has no block).
  uint8_t flags() const { return p_ == nullptr ? 0 : p_->flags; }
  void set_flags(uint8_t f);

  StrRef str() { return StrRef(*this); }
  std::string_view str() const;
  ListValue& list_value();
  HashValue& hash_value();
  SetValue& set_value();
  ZSetValue& zset_value();
  const ListValue& list_value() const { return const_cast<Object*>(this)->list_value(); }
  const HashValue& hash_value() const { return const_cast<Object*>(this)->hash_value(); }
  const SetValue& set_value() const { return const_cast<Object*>(this)->set_value(); }
  const ZSetValue& zset_value() const { return const_cast<Object*>(this)->zset_value(); }

  // Deep copy (COPY, and DUMP/RESTORE within one process).
  Object clone() const;
  // Bytes the allocator holds for this value's own block (containers' contents are not included).
  size_t block_bytes() const;

 private:
  friend class StrRef;
  void reset();
  // String storage: the bytes follow the header.
  size_t str_size() const;
  // Bytes the block holds for the string (its size plus slack), and setting both (object.cc says how).
  size_t str_capacity() const;
  void set_str_size(size_t n, size_t capacity);
  char* str_bytes() const { return reinterpret_cast<char*>(p_ + 1); }
  void str_resize(size_t n, bool keep);

  ValueHeader* p_ = nullptr;
};

inline size_t StrRef::size() const {
  return o_.str_size();
}
inline char* StrRef::data() {
  return o_.p_ == nullptr ? nullptr : o_.str_bytes();
}
inline const char* StrRef::data() const {
  return o_.p_ == nullptr ? nullptr : o_.str_bytes();
}

std::string_view type_name(ObjType t);

}  // namespace codis::server
