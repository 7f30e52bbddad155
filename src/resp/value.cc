// resp::Value constructors, equality, RESP2 downgrade and display.
#include "resp/value.h"

#include <cmath>
#include <cstring>
#include <ostream>

#include "resp/number.h"

namespace codis::resp {

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kSimpleString:
      return "simple-string";
    case Kind::kError:
      return "error";
    case Kind::kInteger:
      return "integer";
    case Kind::kBulkString:
      return "bulk-string";
    case Kind::kNullBulk:
      return "null-bulk";
    case Kind::kNullArray:
      return "null-array";
    case Kind::kNull:
      return "null";
    case Kind::kDouble:
      return "double";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kBlobError:
      return "blob-error";
    case Kind::kVerbatim:
      return "verbatim-string";
    case Kind::kBigNumber:
      return "big-number";
    case Kind::kArray:
      return "array";
    case Kind::kMap:
      return "map";
    case Kind::kSet:
      return "set";
    case Kind::kPush:
      return "push";
  }
  return "?";
}

Value Value::of(Kind kind) {
  Value v;
  v.kind = kind;
  return v;
}

Value Value::aggregate(Kind kind, std::vector<Value> elems) {
  Value v = of(kind);
  v.elems = std::move(elems);
  return v;
}

Value Value::simple_string(std::string s) {
  Value v = of(Kind::kSimpleString);
  v.str = std::move(s);
  return v;
}

Value Value::error(std::string s) {
  Value v = of(Kind::kError);
  v.str = std::move(s);
  return v;
}

Value Value::integer(int64_t n) {
  Value v = of(Kind::kInteger);
  v.num = n;
  return v;
}

Value Value::bulk(std::string s) {
  Value v = of(Kind::kBulkString);
  v.str = std::move(s);
  return v;
}

Value Value::double_value(double d) {
  Value v = of(Kind::kDouble);
  v.dbl = d;
  return v;
}

Value Value::boolean(bool b) {
  Value v = of(Kind::kBoolean);
  v.num = b ? 1 : 0;
  return v;
}

Value Value::blob_error(std::string s) {
  Value v = of(Kind::kBlobError);
  v.str = std::move(s);
  return v;
}

Value Value::verbatim(std::string_view format, std::string_view text) {
  Value v = of(Kind::kVerbatim);
  char fmt[4] = {' ', ' ', ' ', ':'};
  std::memcpy(fmt, format.data(), format.size() < 3 ? format.size() : 3);
  v.str.assign(fmt, 4);
  v.str.append(text);
  return v;
}

Value Value::big_number(std::string digits) {
  Value v = of(Kind::kBigNumber);
  v.str = std::move(digits);
  return v;
}

std::string_view Value::verbatim_text() const {
  return str.size() >= 4 ? std::string_view(str).substr(4) : std::string_view(str);
}

std::string_view Value::verbatim_format() const {
  return str.size() >= 4 ? std::string_view(str).substr(0, 3) : std::string_view();
}

namespace {

bool same_double(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

}  // namespace

bool operator==(const Value& a, const Value& b) {
  if (a.kind != b.kind || a.attrs != b.attrs) return false;
  switch (a.kind) {
    case Kind::kInteger:
    case Kind::kBoolean:
      return a.num == b.num;
    case Kind::kDouble:
      return same_double(a.dbl, b.dbl);
    case Kind::kNullBulk:
    case Kind::kNullArray:
    case Kind::kNull:
      return true;
    case Kind::kArray:
    case Kind::kMap:
    case Kind::kSet:
    case Kind::kPush:
      return a.elems == b.elems;
    default:
      return a.str == b.str;
  }
}

Value to_resp2(const Value& v) {
  switch (v.kind) {
    case Kind::kNull:
      return Value::null_bulk();
    case Kind::kDouble: {
      char buf[kMaxDoubleChars];
      return Value::bulk(std::string(buf, format_double(v.dbl, buf)));
    }
    case Kind::kBoolean:
      return Value::integer(v.num);
    case Kind::kBigNumber:
      return Value::bulk(v.str);
    case Kind::kVerbatim:
      return Value::bulk(std::string(v.verbatim_text()));
    case Kind::kBlobError: {
      // RESP2 errors are one line; ReplyWriter turns CR/LF into spaces.
      std::string s = v.str;
      for (char& c : s) {
        if (c == '\r' || c == '\n') c = ' ';
      }
      return Value::error(std::move(s));
    }
    case Kind::kArray:
    case Kind::kMap:
    case Kind::kSet:
    case Kind::kPush: {
      std::vector<Value> elems;
      elems.reserve(v.elems.size());
      for (const Value& e : v.elems) elems.push_back(to_resp2(e));
      return Value::array(std::move(elems));
    }
    default: {
      Value copy = v;
      copy.attrs.clear();
      return copy;
    }
  }
}

namespace {

void display_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u >= 0x7f) {
      out.append("\\x");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void display_list(const std::vector<Value>& elems, bool pairs, std::string& out);

void display(const Value& v, std::string& out) {
  if (!v.attrs.empty()) {
    out.push_back('|');
    display_list(v.attrs, true, out);
    out.push_back(' ');
  }
  char buf[kMaxDoubleChars];
  switch (v.kind) {
    case Kind::kSimpleString:
      out.push_back('+');
      display_string(v.str, out);
      break;
    case Kind::kError:
      out.push_back('-');
      display_string(v.str, out);
      break;
    case Kind::kInteger:
      out.push_back(':');
      out.append(buf, format_i64(v.num, buf));
      break;
    case Kind::kBulkString:
      out.push_back('$');
      display_string(v.str, out);
      break;
    case Kind::kNullBulk:
      out.append("$nil");
      break;
    case Kind::kNullArray:
      out.append("*nil");
      break;
    case Kind::kNull:
      out.append("_");
      break;
    case Kind::kDouble:
      out.push_back(',');
      out.append(buf, format_double(v.dbl, buf));
      break;
    case Kind::kBoolean:
      out.append(v.num ? "#t" : "#f");
      break;
    case Kind::kBlobError:
      out.push_back('!');
      display_string(v.str, out);
      break;
    case Kind::kVerbatim:
      out.push_back('=');
      display_string(v.str, out);
      break;
    case Kind::kBigNumber:
      out.push_back('(');
      out.append(v.str);
      break;
    case Kind::kArray:
      out.push_back('*');
      display_list(v.elems, false, out);
      break;
    case Kind::kMap:
      out.push_back('%');
      display_list(v.elems, true, out);
      break;
    case Kind::kSet:
      out.push_back('~');
      display_list(v.elems, false, out);
      break;
    case Kind::kPush:
      out.push_back('>');
      display_list(v.elems, false, out);
      break;
  }
}

void display_list(const std::vector<Value>& elems, bool pairs, std::string& out) {
  out.push_back(pairs ? '{' : '[');
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i > 0) out.append(pairs && i % 2 == 1 ? ": " : ", ");
    display(elems[i], out);
  }
  out.push_back(pairs ? '}' : ']');
}

}  // namespace

std::string to_display(const Value& v) {
  std::string out;
  display(v, out);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Value& v) {
  return os << to_display(v);
}

}  // namespace codis::resp
