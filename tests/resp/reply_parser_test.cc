// Tests for ReplyParser, ReplyScanner and encode(): every RESP2/RESP3 type, attributes, errors, limits,
// split input and round trips.
#include "resp/reply_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "resp/encoder.h"

namespace codis::resp {
namespace {

struct Parsed {
  std::vector<Value> values;
  std::vector<size_t> lengths;  // from the scanner
  ReplyError error = ReplyError::kNone;
  bool pending = false;
};

// Parses every reply in `input`, fed `fragment` bytes at a time (0 = at once), with the buffer moved to
// a new allocation before every call; the scanner runs alongside and must agree on every length.
Parsed run(std::string_view input, size_t fragment = 0, const ReplyLimits& limits = {}) {
  ReplyParser parser(limits);
  ReplyScanner scanner(limits);
  Parsed out;
  std::string buf;
  size_t fed = 0;
  for (;;) {
    const size_t take = fragment == 0 ? input.size() - fed : std::min(fragment, input.size() - fed);
    std::string next = buf;
    next.append(input.substr(fed, take));
    buf.swap(next);
    fed += take;
    size_t start = 0;
    for (;;) {
      const std::string_view rest = std::string_view(buf).substr(start);
      Value v;
      const ParseResult r = parser.parse(rest, v);
      const ParseResult s = scanner.scan(rest);
      EXPECT_EQ(r.status, s.status);
      if (r.ok()) {
        EXPECT_EQ(r.consumed, s.consumed);
        out.values.push_back(std::move(v));
        out.lengths.push_back(r.consumed);
        start += r.consumed;
        continue;
      }
      if (r.error()) {
        EXPECT_EQ(parser.error(), scanner.error());
        out.error = parser.error();
        return out;
      }
      break;
    }
    buf.erase(0, start);
    if (fed == input.size()) {
      out.pending = parser.in_progress();
      return out;
    }
  }
}

Value one(std::string_view input) {
  const Parsed whole = run(input);
  EXPECT_EQ(whole.error, ReplyError::kNone) << input;
  EXPECT_EQ(whole.values.size(), 1u) << input;
  for (size_t f = 1; f <= 9; ++f) {
    const Parsed split = run(input, f);
    EXPECT_EQ(split.values, whole.values) << "fragment " << f;
  }
  return whole.values.empty() ? Value() : whole.values[0];
}

ReplyError error_of(std::string_view input, const ReplyLimits& limits = {}) {
  const ReplyError e = run(input, 0, limits).error;
  for (size_t f = 1; f <= 5; ++f) EXPECT_EQ(run(input, f, limits).error, e) << input << " fragment " << f;
  return e;
}

TEST(ReplyParser, Resp2Types) {
  EXPECT_EQ(one("+OK\r\n"), Value::simple_string("OK"));
  EXPECT_EQ(one("-ERR bad\r\n"), Value::error("ERR bad"));
  EXPECT_EQ(one(":-12\r\n"), Value::integer(-12));
  EXPECT_EQ(one("$5\r\nhe\r\no\r\n"), Value::bulk("he\r\no"));
  EXPECT_EQ(one("$0\r\n\r\n"), Value::bulk(""));
  EXPECT_EQ(one("$-1\r\n"), Value::null_bulk());
  EXPECT_EQ(one("*-1\r\n"), Value::null_array());
  EXPECT_EQ(one("*0\r\n"), Value::array({}));
  EXPECT_EQ(one("*2\r\n:1\r\n*1\r\n$1\r\nx\r\n"),
            Value::array({Value::integer(1), Value::array({Value::bulk("x")})}));
}

TEST(ReplyParser, Resp3Types) {
  EXPECT_EQ(one("_\r\n"), Value::null());
  EXPECT_EQ(one(",1.5\r\n"), Value::double_value(1.5));
  EXPECT_EQ(one(",-inf\r\n"), Value::double_value(-INFINITY));
  EXPECT_TRUE(std::isnan(one(",nan\r\n").dbl));
  EXPECT_EQ(one(",1e+20\r\n"), Value::double_value(1e20));
  EXPECT_EQ(one("#t\r\n"), Value::boolean(true));
  EXPECT_EQ(one("#f\r\n"), Value::boolean(false));
  EXPECT_EQ(one("!21\r\nSYNTAX invalid syntax\r\n"), Value::blob_error("SYNTAX invalid syntax"));
  const Value v = one("=15\r\ntxt:Some string\r\n");
  EXPECT_EQ(v, Value::verbatim("txt", "Some string"));
  EXPECT_EQ(v.verbatim_format(), "txt");
  EXPECT_EQ(v.verbatim_text(), "Some string");
  EXPECT_EQ(one("(3492890328409238509324850943850943825024385\r\n"),
            Value::big_number("3492890328409238509324850943850943825024385"));
  EXPECT_EQ(one("(-1\r\n"), Value::big_number("-1"));
  EXPECT_EQ(one("%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n"),
            Value::map({Value::simple_string("a"), Value::integer(1), Value::simple_string("b"),
                        Value::integer(2)}));
  EXPECT_EQ(one("~2\r\n+a\r\n+b\r\n"), Value::set({Value::simple_string("a"), Value::simple_string("b")}));
  EXPECT_EQ(one(">2\r\n+message\r\n+x\r\n"),
            Value::push({Value::simple_string("message"), Value::simple_string("x")}));
  EXPECT_EQ(one("%0\r\n"), Value::map({}));
}

TEST(ReplyParser, Attributes) {
  // The example from the RESP3 specification.
  Value v =
      one("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:"
          "9543892\r\n");
  EXPECT_EQ(v.kind, Kind::kArray);
  ASSERT_EQ(v.attrs.size(), 2u);
  EXPECT_EQ(v.attrs[0], Value::simple_string("key-popularity"));
  EXPECT_EQ(v.attrs[1].kind, Kind::kMap);
  EXPECT_EQ(v.elems.size(), 2u);
  // An attribute on an element inside an aggregate does not count as an element.
  v = one("*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n");
  ASSERT_EQ(v.elems.size(), 2u);
  EXPECT_TRUE(v.elems[0].attrs.empty());
  EXPECT_EQ(v.elems[1].attrs, (std::vector<Value>{Value::simple_string("ttl"), Value::integer(3600)}));
  // Two attribute maps in a row merge; an attribute value may itself carry attributes.
  v = one("|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n|1\r\n+c\r\n:3\r\n:2\r\n+x\r\n");
  ASSERT_EQ(v.attrs.size(), 4u);
  EXPECT_EQ(v.attrs[0], Value::simple_string("a"));
  EXPECT_EQ(v.attrs[2], Value::simple_string("b"));
  EXPECT_EQ(v.attrs[3].attrs.size(), 2u);
  EXPECT_EQ(v.attrs[3].num, 2);
  // An empty attribute map is the same as none.
  EXPECT_EQ(one("|0\r\n+x\r\n"), Value::simple_string("x"));
  // An attribute alone is not a reply yet.
  EXPECT_TRUE(run("|1\r\n+a\r\n+b\r\n").pending);
}

TEST(ReplyParser, Pipeline) {
  const Parsed p = run("+OK\r\n:1\r\n$-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  ASSERT_EQ(p.values.size(), 4u);
  EXPECT_EQ(p.lengths, (std::vector<size_t>{5, 4, 5, 18}));
}

TEST(ReplyParser, Errors) {
  EXPECT_EQ(error_of("?x\r\n"), ReplyError::kBadType);
  EXPECT_EQ(error_of("\r\n"), ReplyError::kBadType);
  EXPECT_EQ(error_of(":1x\r\n"), ReplyError::kBadInteger);
  EXPECT_EQ(error_of(":01\r\n"), ReplyError::kBadInteger);
  EXPECT_EQ(error_of(":\r\n"), ReplyError::kBadInteger);
  EXPECT_EQ(error_of("$-2\r\n"), ReplyError::kBadLength);
  EXPECT_EQ(error_of("$x\r\n"), ReplyError::kBadLength);
  EXPECT_EQ(error_of("%-1\r\n"), ReplyError::kBadLength);
  EXPECT_EQ(error_of("$3\r\nabcde"), ReplyError::kMissingCrlf);
  EXPECT_EQ(error_of("+OK\rX"), ReplyError::kMissingCrlf);
  EXPECT_EQ(error_of(",1.5.5\r\n"), ReplyError::kBadDouble);
  EXPECT_EQ(error_of("#x\r\n"), ReplyError::kBadBoolean);
  EXPECT_EQ(error_of("_x\r\n"), ReplyError::kBadNull);
  EXPECT_EQ(error_of("(12a\r\n"), ReplyError::kBadBigNumber);
  EXPECT_EQ(error_of("(\r\n"), ReplyError::kBadBigNumber);
  EXPECT_EQ(error_of("=3\r\ntxt\r\n"), ReplyError::kBadVerbatim);
  EXPECT_EQ(error_of("=4\r\ntxtx\r\n"), ReplyError::kBadVerbatim);
  EXPECT_EQ(error_of("$?\r\n;1\r\na\r\n;0\r\n"), ReplyError::kStreamed);
  EXPECT_EQ(error_of("*?\r\n:1\r\n.\r\n"), ReplyError::kStreamed);
  ReplyParser p;
  Value v;
  EXPECT_TRUE(p.parse("?\r\n", v).error());
  EXPECT_EQ(p.error_message(), "Protocol error: unknown reply type");
  EXPECT_TRUE(p.parse("+OK\r\n", v).error());  // sticky
  p.reset();
  EXPECT_TRUE(p.parse("+OK\r\n", v).ok());
}

TEST(ReplyParser, Limits) {
  ReplyLimits l;
  l.max_depth = 3;
  EXPECT_EQ(run("*1\r\n*1\r\n*1\r\n:1\r\n", 0, l).values.size(), 1u);
  EXPECT_EQ(error_of("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", l), ReplyError::kTooDeep);
  EXPECT_EQ(error_of("|1\r\n*1\r\n*1\r\n*1\r\n", l), ReplyError::kTooDeep);
  l = ReplyLimits();
  l.max_aggregate_len = 2;
  EXPECT_EQ(error_of("*3\r\n", l), ReplyError::kTooManyElements);
  EXPECT_EQ(error_of("%3\r\n", l), ReplyError::kTooManyElements);
  l = ReplyLimits();
  l.max_bulk_len = 4;
  EXPECT_EQ(error_of("$5\r\n", l), ReplyError::kBulkTooLong);
  EXPECT_EQ(error_of("!5\r\n", l), ReplyError::kBulkTooLong);
  l = ReplyLimits();
  l.max_line_len = 4;
  EXPECT_EQ(run("+abcd\r\n", 0, l).values.size(), 1u);
  EXPECT_EQ(error_of("+abcde\r\n", l), ReplyError::kLineTooLong);
  EXPECT_EQ(error_of("+abcde", l), ReplyError::kLineTooLong);
  EXPECT_EQ(run("+abcd", 0, l).error, ReplyError::kNone);
}

TEST(ReplyParser, HostileInputNeitherRecursesNorPreallocates) {
  std::string deep;
  for (int i = 0; i < 1000000; ++i) deep += "*1\r\n";
  EXPECT_EQ(run(deep).error, ReplyError::kTooDeep);
  // Announces two billion elements but sends none: waits, without reserving memory for them.
  const Parsed p = run("*2147483647\r\n");
  EXPECT_TRUE(p.pending);
  EXPECT_EQ(p.error, ReplyError::kNone);
}

TEST(ReplyParser, ParserCanMoveBetweenCalls) {
  ReplyParser a;
  Value v;
  ASSERT_TRUE(a.parse("*2\r\n%1\r\n+k\r\n", v).need_more());
  ReplyParser b = std::move(a);
  ASSERT_TRUE(b.parse("*2\r\n%1\r\n+k\r\n+v\r\n:5\r\n", v).ok());
  EXPECT_EQ(v, Value::array(
                   {Value::map({Value::simple_string("k"), Value::simple_string("v")}), Value::integer(5)}));
}

TEST(ReplyParser, InProgress) {
  ReplyParser p;
  Value v;
  EXPECT_TRUE(p.parse("", v).need_more());
  EXPECT_FALSE(p.in_progress());
  EXPECT_TRUE(p.parse("+OK", v).need_more());
  EXPECT_TRUE(p.in_progress());
  EXPECT_TRUE(p.parse("+OK\r\n", v).ok());
  EXPECT_FALSE(p.in_progress());
}

TEST(ReplyParser, WantForBulk) {
  ReplyParser p;
  Value v;
  ASSERT_TRUE(p.parse("*1\r\n$100\r\nabc", v).need_more());
  EXPECT_EQ(p.want(), 99u);
}

TEST(Encoder, RoundTripsEveryKind) {
  const Value all = Value::array({
      Value::simple_string("OK"),
      Value::error("ERR x"),
      Value::integer(-3),
      Value::bulk(std::string("a\0b", 3)),
      Value::null_bulk(),
      Value::null_array(),
      Value::null(),
      Value::double_value(-0.0),
      Value::double_value(3.25),
      Value::boolean(true),
      Value::blob_error("E\r\nx"),
      Value::verbatim("mkd", "# t"),
      Value::big_number("-123456789012345678901234567890"),
      Value::map({Value::bulk("k"), Value::set({Value::integer(1)})}),
      Value::push({Value::bulk("p")}),
  });
  Value with_attrs = all;
  with_attrs.attrs = {Value::bulk("meta"), Value::integer(1)};
  with_attrs.elems[2].attrs = {Value::simple_string("a"), Value::null()};
  for (const Value& v : {all, with_attrs}) {
    EXPECT_EQ(one(encode(v, 3)), v);
    EXPECT_EQ(one(encode(v, 2)), to_resp2(v));
  }
  EXPECT_EQ(encode(Value::double_value(1.5), 2), "$3\r\n1.5\r\n");
  EXPECT_EQ(encode(Value::null(), 2), "$-1\r\n");
  EXPECT_EQ(encode(Value::null_bulk(), 3), "$-1\r\n");
}

TEST(Value, Display) {
  const Value v = Value::map({Value::bulk("k\n"), Value::array({Value::integer(1), Value::null()})});
  EXPECT_EQ(to_display(v), "%{$\"k\\x0a\": *[:1, _]}");
}

}  // namespace
}  // namespace codis::resp
