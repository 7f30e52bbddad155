#include "rt/result.h"

namespace codis::rt {

std::string_view errc_name(Errc e) {
  switch (e) {
    case Errc::kTimeout:
      return "timeout";
    case Errc::kCancelled:
      return "cancelled";
    case Errc::kConnRefused:
      return "connection refused";
    case Errc::kConnReset:
      return "connection reset";
    case Errc::kEof:
      return "end of stream";
    case Errc::kAddrInUse:
      return "address in use";
    case Errc::kNotFound:
      return "not found";
    case Errc::kExists:
      return "already exists";
    case Errc::kNoSpace:
      return "no space left";
    case Errc::kIoError:
      return "i/o error";
    case Errc::kInvalidArgument:
      return "invalid argument";
    case Errc::kSessionExpired:
      return "session expired";
    case Errc::kConnectionLoss:
      return "connection loss";
    case Errc::kBadVersion:
      return "bad version";
    case Errc::kNoNode:
      return "no node";
    case Errc::kNodeExists:
      return "node exists";
  }
  return "unknown error";
}

}  // namespace codis::rt
