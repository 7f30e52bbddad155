// Value encoder over ReplyWriter, writing strings unchanged so parsed replies re-encode byte for byte.
#include "resp/encoder.h"

#include "resp/reply_writer.h"

namespace codis::resp {
namespace {

void line(char type, const std::string& s, std::string& out) {
  out.push_back(type);
  out.append(s);
  out.append("\r\n", 2);
}

void encode_value(const Value& v, ReplyWriter& w) {
  std::string& out = w.out();
  if (!v.attrs.empty() && w.attribute(v.attrs.size() / 2)) {
    for (const Value& a : v.attrs) encode_value(a, w);
  }
  switch (v.kind) {
    case Kind::kSimpleString:
      line('+', v.str, out);
      break;
    case Kind::kError:
      line('-', v.str, out);
      break;
    case Kind::kInteger:
      w.integer(v.num);
      break;
    case Kind::kBulkString:
      w.bulk(v.str);
      break;
    case Kind::kNullBulk:
      out.append("$-1\r\n", 5);
      break;
    case Kind::kNullArray:
      out.append("*-1\r\n", 5);
      break;
    case Kind::kNull:
      w.null();
      break;
    case Kind::kDouble:
      w.double_value(v.dbl);
      break;
    case Kind::kBoolean:
      w.boolean(v.num != 0);
      break;
    case Kind::kBlobError:
      w.blob_error(v.str);
      break;
    case Kind::kVerbatim:
      w.verbatim(v.verbatim_text(), v.verbatim_format());
      break;
    case Kind::kBigNumber:
      w.big_number(v.str);
      break;
    case Kind::kArray:
    case Kind::kSet:
    case Kind::kPush:
      if (v.kind == Kind::kArray) {
        w.array(v.elems.size());
      } else if (v.kind == Kind::kSet) {
        w.set(v.elems.size());
      } else {
        w.push(v.elems.size());
      }
      for (const Value& e : v.elems) encode_value(e, w);
      break;
    case Kind::kMap: {
      const size_t pairs = v.elems.size() / 2;
      w.map(pairs);
      for (size_t i = 0; i < 2 * pairs; ++i) encode_value(v.elems[i], w);
      break;
    }
  }
}

}  // namespace

void encode(const Value& v, std::string& out, int protocol, DoubleFormat format) {
  ReplyWriter w(&out, protocol);
  w.set_double_format(format);
  encode_value(v, w);
}

}  // namespace codis::resp
