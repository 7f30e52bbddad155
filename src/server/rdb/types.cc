// Names and value types of the RDB object types.
#include "server/rdb/types.h"

namespace codis::server::rdb {

std::string_view rdb_type_name(uint8_t type) {
  switch (static_cast<RdbType>(type)) {
    case RdbType::kString:
      return "string";
    case RdbType::kList:
      return "list";
    case RdbType::kSet:
      return "set";
    case RdbType::kZSet:
      return "zset";
    case RdbType::kHash:
      return "hash";
    case RdbType::kZSet2:
      return "zset2";
    case RdbType::kModule:
      return "module";
    case RdbType::kModule2:
      return "module2";
    case RdbType::kHashZipmap:
      return "hash_zipmap";
    case RdbType::kListZiplist:
      return "list_ziplist";
    case RdbType::kSetIntset:
      return "set_intset";
    case RdbType::kZSetZiplist:
      return "zset_ziplist";
    case RdbType::kHashZiplist:
      return "hash_ziplist";
    case RdbType::kListQuicklist:
      return "list_quicklist";
    case RdbType::kStreamListpacks:
      return "stream_listpacks";
    case RdbType::kHashListpack:
      return "hash_listpack";
    case RdbType::kZSetListpack:
      return "zset_listpack";
    case RdbType::kListQuicklist2:
      return "list_quicklist2";
    case RdbType::kStreamListpacks2:
      return "stream_listpacks2";
  }
  return "unknown";
}

bool value_type_of(RdbType type, ValueType* out) {
  switch (type) {
    case RdbType::kString:
      *out = ValueType::kString;
      return true;
    case RdbType::kList:
    case RdbType::kListZiplist:
    case RdbType::kListQuicklist:
    case RdbType::kListQuicklist2:
      *out = ValueType::kList;
      return true;
    case RdbType::kSet:
    case RdbType::kSetIntset:
      *out = ValueType::kSet;
      return true;
    case RdbType::kZSet:
    case RdbType::kZSet2:
    case RdbType::kZSetZiplist:
    case RdbType::kZSetListpack:
      *out = ValueType::kZSet;
      return true;
    case RdbType::kHash:
    case RdbType::kHashZipmap:
    case RdbType::kHashZiplist:
    case RdbType::kHashListpack:
      *out = ValueType::kHash;
      return true;
    case RdbType::kModule:
    case RdbType::kModule2:
    case RdbType::kStreamListpacks:
    case RdbType::kStreamListpacks2:
      return false;
  }
  return false;
}

}  // namespace codis::server::rdb
