// A value stored in the keyspace: its type (numbered like Redis's OBJ_* so TYPE, OBJECT and DUMP can map it)
// and its data. Strings are held inline; containers behind a pointer so an entry stays small.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <variant>

#include "server/dict.h"
#include "server/ds/zset.h"

namespace codis::server {

enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4 };

using ListValue = std::deque<std::string>;
using HashValue = StrMap<std::string>;
using SetValue = StrSet;
using ZSetValue = ds::ZSet;

class Object {
 public:
  Object() = default;
  explicit Object(std::string s) : v_(std::move(s)) {}
  static Object list() { return Object(std::make_unique<ListValue>()); }
  static Object hash() { return Object(std::make_unique<HashValue>()); }
  static Object set() { return Object(std::make_unique<SetValue>()); }
  static Object zset(ZSetValue z) { return Object(std::make_unique<ZSetValue>(std::move(z))); }

  ObjType type() const {
    switch (v_.index()) {
      case 0:
        return ObjType::kString;
      case 1:
        return ObjType::kList;
      case 2:
        return ObjType::kHash;
      case 3:
        return ObjType::kSet;
      default:
        return ObjType::kZSet;
    }
  }
  bool is(ObjType t) const { return type() == t; }

  std::string& str() { return std::get<0>(v_); }
  const std::string& str() const { return std::get<0>(v_); }
  ListValue& list_value() { return *std::get<1>(v_); }
  HashValue& hash_value() { return *std::get<2>(v_); }
  SetValue& set_value() { return *std::get<3>(v_); }
  const ListValue& list_value() const { return *std::get<1>(v_); }
  const HashValue& hash_value() const { return *std::get<2>(v_); }
  const SetValue& set_value() const { return *std::get<3>(v_); }
  ZSetValue& zset_value() { return *std::get<4>(v_); }
  const ZSetValue& zset_value() const { return *std::get<4>(v_); }

  // Deep copy (COPY, and DUMP/RESTORE within one process).
  Object clone() const;

 private:
  using V = std::variant<std::string, std::unique_ptr<ListValue>, std::unique_ptr<HashValue>,
                         std::unique_ptr<SetValue>, std::unique_ptr<ZSetValue>>;
  template <class T>
  explicit Object(std::unique_ptr<T> p) : v_(std::move(p)) {}
  V v_;
};

std::string_view type_name(ObjType t);

}  // namespace codis::server
