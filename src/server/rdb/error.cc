// Reply texts of the codec's errors, exactly as Redis 7.0's RESTORE words them.
#include "server/rdb/error.h"

namespace codis::server::rdb {

std::string_view dump_error_reply(DumpErrc code) {
  switch (code) {
    case DumpErrc::kVersionOrChecksum:
      return "ERR DUMP payload version or checksum are wrong";
    case DumpErrc::kBadFormat:
    case DumpErrc::kUnsupported:
      return "ERR Bad data format";
    case DumpErrc::kInvalidValue:
      break;
  }
  return "ERR value cannot be encoded";
}

}  // namespace codis::server::rdb
