#include "tests/server/render.h"

#include <cstdio>

#include "resp/reply_parser.h"

namespace codis::server::testing {

namespace {

std::string quote(std::string_view s) {
  std::string out = "'";
  for (unsigned char c : s) {
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "'";
}

}  // namespace

std::string render(const resp::Value& v) {
  using resp::Kind;
  switch (v.kind) {
    case Kind::kSimpleString:
      return "+" + v.str;
    case Kind::kError:
    case Kind::kBlobError:
      return "-" + v.str;
    case Kind::kInteger:
      return ":" + std::to_string(v.num);
    case Kind::kBulkString:
      return quote(v.str);
    case Kind::kVerbatim:
      return "=" + quote(v.str.size() >= 4 ? std::string_view(v.str).substr(4) : std::string_view(v.str));
    case Kind::kNullBulk:
      return "(nil)";
    case Kind::kNullArray:
      return "(nilarr)";
    case Kind::kNull:
      return "(null)";
    case Kind::kBoolean:
      return v.num ? "#t" : "#f";
    case Kind::kDouble: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", v.dbl);
      return std::string(",") + buf;
    }
    case Kind::kBigNumber:
      return "(" + v.str;
    case Kind::kArray:
    case Kind::kMap:
    case Kind::kSet:
    case Kind::kPush: {
      std::string out = "[";
      for (size_t i = 0; i < v.elems.size(); ++i) {
        out += (i ? ", " : "") + render(v.elems[i]);
      }
      return out + "]";
    }
  }
  return "?";
}

std::string render_all(std::string_view bytes) {
  std::string out;
  resp::ReplyParser p;
  while (!bytes.empty()) {
    resp::Value v;
    auto r = p.parse(bytes, v);
    if (r.error()) {
      return out + (out.empty() ? "" : "\n") + "<bad RESP>";
    }
    if (r.need_more()) {
      return out + (out.empty() ? "" : "\n") + "<incomplete>";
    }
    out += (out.empty() ? "" : "\n") + render(v);
    bytes.remove_prefix(r.consumed);
  }
  return out;
}

}  // namespace codis::server::testing
