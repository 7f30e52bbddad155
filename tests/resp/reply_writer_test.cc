// Tests for ReplyWriter: the exact bytes of every reply type in RESP2 and RESP3.
#include "resp/reply_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

namespace codis::resp {
namespace {

struct Both {
  std::string resp2;
  std::string resp3;
};

Both write(const std::function<void(ReplyWriter&)>& f) {
  Both out;
  ReplyWriter w2(&out.resp2, 2);
  f(w2);
  ReplyWriter w3(&out.resp3, 3);
  f(w3);
  return out;
}

void expect(const std::function<void(ReplyWriter&)>& f, std::string_view resp2, std::string_view resp3) {
  const Both b = write(f);
  EXPECT_EQ(b.resp2, resp2);
  EXPECT_EQ(b.resp3, resp3);
}

TEST(ReplyWriter, Scalars) {
  expect([](ReplyWriter& w) { w.ok(); }, "+OK\r\n", "+OK\r\n");
  expect([](ReplyWriter& w) { w.simple("PONG"); }, "+PONG\r\n", "+PONG\r\n");
  expect([](ReplyWriter& w) { w.error("ERR unknown command"); }, "-ERR unknown command\r\n",
         "-ERR unknown command\r\n");
  expect([](ReplyWriter& w) { w.integer(0); }, ":0\r\n", ":0\r\n");
  expect([](ReplyWriter& w) { w.integer(-42); }, ":-42\r\n", ":-42\r\n");
  expect([](ReplyWriter& w) { w.integer(std::numeric_limits<int64_t>::min()); }, ":-9223372036854775808\r\n",
         ":-9223372036854775808\r\n");
  expect([](ReplyWriter& w) { w.bulk("hello"); }, "$5\r\nhello\r\n", "$5\r\nhello\r\n");
  expect([](ReplyWriter& w) { w.bulk(""); }, "$0\r\n\r\n", "$0\r\n\r\n");
  expect([](ReplyWriter& w) { w.bulk_integer(-7); }, "$2\r\n-7\r\n", "$2\r\n-7\r\n");
}

TEST(ReplyWriter, StatusAndErrorLinesCannotBreakFraming) {
  expect([](ReplyWriter& w) { w.simple("a\r\nb"); }, "+a  b\r\n", "+a  b\r\n");
  expect([](ReplyWriter& w) { w.error("ERR x\ny"); }, "-ERR x y\r\n", "-ERR x y\r\n");
}

TEST(ReplyWriter, Nulls) {
  expect([](ReplyWriter& w) { w.null(); }, "$-1\r\n", "_\r\n");
  expect([](ReplyWriter& w) { w.null_array(); }, "*-1\r\n", "_\r\n");
}

TEST(ReplyWriter, Aggregates) {
  expect(
      [](ReplyWriter& w) {
        w.array(2);
        w.bulk("a");
        w.integer(1);
      },
      "*2\r\n$1\r\na\r\n:1\r\n", "*2\r\n$1\r\na\r\n:1\r\n");
  expect(
      [](ReplyWriter& w) {
        w.map(1);
        w.bulk("k");
        w.bulk("v");
      },
      "*2\r\n$1\r\nk\r\n$1\r\nv\r\n", "%1\r\n$1\r\nk\r\n$1\r\nv\r\n");
  expect([](ReplyWriter& w) { w.set(0); }, "*0\r\n", "~0\r\n");
  expect(
      [](ReplyWriter& w) {
        w.push(3);
        w.bulk("message");
        w.bulk("ch");
        w.bulk("hi");
      },
      "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

TEST(ReplyWriter, AttributesAreResp3Only) {
  std::string out2, out3;
  ReplyWriter w2(&out2, 2), w3(&out3, 3);
  EXPECT_FALSE(w2.attribute(1));
  EXPECT_TRUE(w3.attribute(1));
  EXPECT_EQ(out2, "");
  EXPECT_EQ(out3, "|1\r\n");
}

TEST(ReplyWriter, Doubles) {
  expect([](ReplyWriter& w) { w.double_value(1.5); }, "$3\r\n1.5\r\n", ",1.5\r\n");
  expect([](ReplyWriter& w) { w.double_value(0.1); }, "$3\r\n0.1\r\n", ",0.1\r\n");
  expect([](ReplyWriter& w) { w.double_value(std::numeric_limits<double>::infinity()); }, "$3\r\ninf\r\n",
         ",inf\r\n");
  expect([](ReplyWriter& w) { w.double_value(-std::numeric_limits<double>::infinity()); }, "$4\r\n-inf\r\n",
         ",-inf\r\n");
  expect([](ReplyWriter& w) { w.double_value(std::nan("")); }, "$3\r\nnan\r\n", ",nan\r\n");
  expect([](ReplyWriter& w) { w.double_value(1e20); }, "$5\r\n1e+20\r\n", ",1e+20\r\n");
  // Redis 7.0's own text (redis-server 7.0.15: ZSCORE after ZADD 0.1 / 1e-5).
  expect(
      [](ReplyWriter& w) {
        w.set_double_format(DoubleFormat::kRedis70);
        w.double_value(0.1);
        w.double_value(1e-5);
      },
      "$19\r\n0.10000000000000001\r\n$22\r\n1.0000000000000001e-05\r\n",
      ",0.10000000000000001\r\n,1.0000000000000001e-05\r\n");
}

TEST(ReplyWriter, Resp3OnlyScalars) {
  expect([](ReplyWriter& w) { w.boolean(true); }, ":1\r\n", "#t\r\n");
  expect([](ReplyWriter& w) { w.boolean(false); }, ":0\r\n", "#f\r\n");
  expect([](ReplyWriter& w) { w.big_number("3492890328409238509324850943850943825024385"); },
         "$43\r\n3492890328409238509324850943850943825024385\r\n",
         "(3492890328409238509324850943850943825024385\r\n");
  expect([](ReplyWriter& w) { w.verbatim("Some string"); }, "$11\r\nSome string\r\n",
         "=15\r\ntxt:Some string\r\n");
  expect([](ReplyWriter& w) { w.verbatim("# x", "mkd"); }, "$3\r\n# x\r\n", "=7\r\nmkd:# x\r\n");
  expect([](ReplyWriter& w) { w.blob_error("SYNTAX a\r\nb"); }, "-SYNTAX a  b\r\n",
         "!11\r\nSYNTAX a\r\nb\r\n");
}

TEST(ReplyWriter, HelloReplyMatchesRedis) {
  // The shape of redis-server 7.0.15's HELLO reply, in both protocols.
  auto hello = [](ReplyWriter& w) {
    w.map(2);
    w.bulk("server");
    w.bulk("redis");
    w.bulk("proto");
    w.integer(w.protocol());
  };
  expect(hello, "*4\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:2\r\n",
         "%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n");
}

TEST(ReplyWriter, BulkSizes) {
  for (size_t size : {0u, 1u, 16u, 60u, 89u, 90u, 91u, 1024u, 65536u}) {
    std::string out;
    ReplyWriter w(&out);
    const std::string payload(size, 'x');
    w.bulk(payload);
    EXPECT_EQ(out, "$" + std::to_string(size) + "\r\n" + payload + "\r\n");
  }
}

TEST(ReplyWriter, ReusedBufferDoesNotReallocate) {
  std::string out;
  out.reserve(4096);
  ReplyWriter w(&out, 3);
  const char* data = out.data();
  for (int batch = 0; batch < 100; ++batch) {
    out.clear();
    for (int i = 0; i < 20; ++i) {
      w.bulk("0123456789");
      w.integer(i);
      w.double_value(i * 0.5);
    }
  }
  EXPECT_EQ(out.data(), data);
}

TEST(ReplyWriter, ProtocolSwitch) {
  std::string out;
  ReplyWriter w(&out);
  EXPECT_EQ(w.protocol(), 2);
  w.null();
  w.set_protocol(3);
  EXPECT_TRUE(w.resp3());
  w.null();
  w.set_protocol(7);
  EXPECT_EQ(w.protocol(), 2);
  EXPECT_EQ(out, "$-1\r\n_\r\n");
}

}  // namespace
}  // namespace codis::resp
