// The number of elements of a value: a list's, hash's, set's or sorted set's length, 1 for a string (what
// the migration's chunking and lazy free measure a value by).
#pragma once

#include <cstddef>

#include "server/object.h"

namespace codis::server {

inline size_t value_length(const Object& o) {
  switch (o.type()) {
    case ObjType::kList:
      return o.list_value().size();
    case ObjType::kHash:
      return o.hash_value().size();
    case ObjType::kSet:
      return o.set_value().size();
    case ObjType::kZSet:
      return o.zset_value().size();
    default:
      return 1;
  }
}

}  // namespace codis::server
