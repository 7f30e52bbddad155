// Value -> RESP bytes, so replies built or parsed as Values can be sent on (proxy) and round trips can
// be tested. Requests are encoded by append_command (request_parser.h) and append_inline_command.
#pragma once

#include <string>

#include "resp/number.h"
#include "resp/value.h"

namespace codis::resp {

// Appends v to out.
//  - protocol 3: every kind is written as itself, attributes included (so "$-1" and "*-1" stay as they
//    are), and ReplyParser reads back exactly v: parse(encode(v, 3)) == v.
//  - protocol 2: RESP3 kinds are written as ReplyWriter writes them on a RESP2 connection and
//    attributes are dropped: parse(encode(v, 2)) == to_resp2(v).
// Strings are written as they are: a simple string or error must not contain '\r' (ReplyParser never
// produces one that does). Maps must hold an even number of elements. Recursion follows the tree's
// depth, which ReplyParser bounds (ReplyLimits::max_depth).
void encode(const Value& v, std::string& out, int protocol = 3,
            DoubleFormat format = DoubleFormat::kShortest);

inline std::string encode(const Value& v, int protocol = 3) {
  std::string out;
  encode(v, out, protocol);
  return out;
}

}  // namespace codis::resp
