#include "server/object.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

#include "server/memory_usage.h"

namespace codis::server {

namespace {

template <class T, ObjType kType>
struct Block : ValueHeader {
  explicit Block(T value) : ValueHeader{kType}, v(std::move(value)) {}
  T v;
};
using ListBlock = Block<ListValue, ObjType::kList>;
using HashBlock = Block<HashValue, ObjType::kHash>;
using SetBlock = Block<SetValue, ObjType::kSet>;
using ZSetBlock = Block<ZSetValue, ObjType::kZSet>;

// A string block is allocated at a size glibc hands out whole (a chunk less its 8-byte header), and its
// capacity is kept in the block rather than asked of the allocator: malloc_usable_size depends on the
// heap's history and the build (ASan), and reaches replies through MEMORY USAGE. The top 4 bits of
// size_hi hold the slack (capacity - size) when it is below 8; kSlackFollows says it is stored as 8 bytes
// right after the string's bytes. Sizes are thus limited to 44 bits (16 TiB).
constexpr unsigned kSlackShift = 12;
constexpr uint16_t kSizeHiMask = (1u << kSlackShift) - 1;
constexpr uint16_t kSlackFollows = 8;
constexpr size_t kMaxStringSize = size_t{1} << 44;

size_t usable_for(size_t request) {
  return malloc_chunk(request) - 8;
}

}  // namespace

Object::Object(std::string_view s) {
  if (!s.empty()) {
    str_resize(s.size(), false);
    std::memcpy(str_bytes(), s.data(), s.size());
  }
}

Object Object::list() {
  Object o;
  o.p_ = new ListBlock(ListValue{});
  return o;
}
Object Object::hash() {
  Object o;
  o.p_ = new HashBlock(HashValue{});
  o.hash_value().keep_order();  // a new hash is a listpack
  return o;
}
Object Object::set() {
  Object o;
  o.p_ = new SetBlock(SetValue{});
  o.set_value().keep_order();  // an intset until a non-integer arrives
  return o;
}
Object Object::zset(ZSetValue z) {
  Object o;
  o.p_ = new ZSetBlock(std::move(z));
  return o;
}

void Object::reset() {
  if (p_ == nullptr) {
    return;
  }
  switch (p_->type) {
    case ObjType::kString:
      std::free(p_);
      break;
    case ObjType::kList:
      delete static_cast<ListBlock*>(p_);
      break;
    case ObjType::kHash:
      delete static_cast<HashBlock*>(p_);
      break;
    case ObjType::kSet:
      delete static_cast<SetBlock*>(p_);
      break;
    case ObjType::kZSet:
      delete static_cast<ZSetBlock*>(p_);
      break;
  }
  p_ = nullptr;
}

void Object::set_flags(uint8_t f) {
  if (p_ == nullptr) {
    str_resize(0, false);  // an empty string gets a block to carry the flags
  }
  p_->flags = f;
}

std::string_view Object::str() const {
  return p_ == nullptr ? std::string_view() : std::string_view(str_bytes(), str_size());
}

size_t Object::str_size() const {
  return p_ == nullptr ? 0 : (static_cast<size_t>(p_->size_hi & kSizeHiMask) << 32) | p_->size_lo;
}

size_t Object::str_capacity() const {
  const size_t n = str_size();
  const unsigned tag = p_->size_hi >> kSlackShift;
  if (tag < kSlackFollows) {
    return n + tag;
  }
  uint64_t slack;
  std::memcpy(&slack, str_bytes() + n, sizeof slack);
  return n + slack;
}

void Object::set_str_size(size_t n, size_t capacity) {
  const size_t slack = capacity - n;
  const uint16_t tag = slack < kSlackFollows ? static_cast<uint16_t>(slack) : kSlackFollows;
  p_->size_hi = static_cast<uint16_t>(((n >> 32) & kSizeHiMask) | (tag << kSlackShift));
  p_->size_lo = static_cast<uint32_t>(n);
  if (tag == kSlackFollows) {
    const uint64_t s = slack;
    std::memcpy(str_bytes() + n, &s, sizeof s);
  }
}

// Grows or shrinks the string block to hold n bytes. Growth past the capacity doubles (up to 1 MiB of
// slack, like sds) so that repeated APPENDs are amortised O(1); `keep` = preserve the bytes.
void Object::str_resize(size_t n, bool keep) {
  if (n >= kMaxStringSize) {
    throw std::length_error("string value too long");
  }
  const size_t old = str_size();
  const uint8_t flags = p_ == nullptr ? 0 : p_->flags;  // the owner's bits survive a new block
  size_t capacity = p_ == nullptr ? 0 : str_capacity();
  if (p_ == nullptr || n > capacity) {
    size_t want = n;
    if (p_ != nullptr && n > old) {
      want = n < (size_t{1} << 20) ? n * 2 : n + (size_t{1} << 20);
    }
    const size_t bytes = usable_for(sizeof(ValueHeader) + want);
    capacity = bytes - sizeof(ValueHeader);
    void* mem = (p_ != nullptr && keep) ? std::realloc(p_, bytes) : std::malloc(bytes);
    if (mem == nullptr) {
      throw std::bad_alloc();
    }
    if (p_ != nullptr && !keep) {
      std::free(p_);
    }
    if (p_ == nullptr || !keep) {
      mem = new (mem) ValueHeader{ObjType::kString, flags};
    }
    p_ = static_cast<ValueHeader*>(mem);
  }
  if (keep && n > old) {
    std::memset(str_bytes() + old, 0, n - old);
  }
  set_str_size(n, capacity);
}

void StrRef::resize(size_t n) {
  o_.str_resize(n, true);
}

void StrRef::reserve(size_t n) {
  const size_t old = size();
  if (n > old) {
    o_.str_resize(n, true);
    o_.str_resize(old, true);
  }
}

void StrRef::append(std::string_view s) {
  if (s.empty()) {
    return;
  }
  const size_t old = size();
  // s may point into this string's own bytes, which a reallocation would move.
  if (o_.p_ != nullptr && s.data() >= o_.str_bytes() && s.data() < o_.str_bytes() + old) {
    const size_t off = static_cast<size_t>(s.data() - o_.str_bytes());
    o_.str_resize(old + s.size(), true);
    std::memmove(o_.str_bytes() + old, o_.str_bytes() + off, s.size());
    return;
  }
  o_.str_resize(old + s.size(), true);
  std::memcpy(o_.str_bytes() + old, s.data(), s.size());
}

void StrRef::assign(std::string_view s) {
  if (o_.p_ != nullptr && s.data() >= o_.str_bytes() && s.data() < o_.str_bytes() + size()) {
    std::memmove(o_.str_bytes(), s.data(), s.size());
    o_.str_resize(s.size(), true);
    return;
  }
  o_.str_resize(s.size(), size() >= s.size() && o_.p_ != nullptr);
  if (!s.empty()) {
    std::memcpy(o_.str_bytes(), s.data(), s.size());
  }
}

ListValue& Object::list_value() {
  return static_cast<ListBlock*>(p_)->v;
}
HashValue& Object::hash_value() {
  return static_cast<HashBlock*>(p_)->v;
}
SetValue& Object::set_value() {
  return static_cast<SetBlock*>(p_)->v;
}
ZSetValue& Object::zset_value() {
  return static_cast<ZSetBlock*>(p_)->v;
}

Object Object::clone() const {
  Object o;
  switch (type()) {
    case ObjType::kString:
      o = Object(str());
      break;
    case ObjType::kList:
      o.p_ = new ListBlock(list_value());
      break;
    case ObjType::kHash:
      o.p_ = new HashBlock(hash_value());
      break;
    case ObjType::kSet:
      o.p_ = new SetBlock(set_value());
      break;
    case ObjType::kZSet:
      o.p_ = new ZSetBlock(zset_value().clone());
      break;
  }
  if (p_ != nullptr && p_->flags != 0) {
    o.set_flags(p_->flags);
  }
  return o;
}

size_t Object::block_bytes() const {
  switch (type()) {
    case ObjType::kString:
      return p_ == nullptr ? 0 : sizeof(ValueHeader) + str_capacity();
    case ObjType::kList:
      return sizeof(ListBlock);
    case ObjType::kHash:
      return sizeof(HashBlock);
    case ObjType::kSet:
      return sizeof(SetBlock);
    case ObjType::kZSet:
      return sizeof(ZSetBlock);
  }
  return 0;
}

std::string_view type_name(ObjType t) {
  switch (t) {
    case ObjType::kString:
      return "string";
    case ObjType::kList:
      return "list";
    case ObjType::kSet:
      return "set";
    case ObjType::kZSet:
      return "zset";
    case ObjType::kHash:
      return "hash";
  }
  return "none";
}

}  // namespace codis::server
