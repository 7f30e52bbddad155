#include "server/object.h"

namespace codis::server {

Object Object::clone() const {
  switch (type()) {
    case ObjType::kString:
      return Object(str());
    case ObjType::kList:
      return Object(std::make_unique<ListValue>(list_value()));
    case ObjType::kHash:
      return Object(std::make_unique<HashValue>(hash_value()));
    case ObjType::kSet:
      return Object(std::make_unique<SetValue>(set_value()));
    case ObjType::kZSet:
      return Object(std::make_unique<ZSetValue>(zset_value().clone()));
  }
  return Object();
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
