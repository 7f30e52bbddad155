// Tests for RequestParser: Redis 7.0 behaviour (texts checked against redis-server 7.0.15), limits,
// pipelines, split input and buffers that move between reads.
#include "resp/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace codis::resp {
namespace {

using Args = std::vector<std::string>;

struct Outcome {
  std::vector<Args> commands;
  std::string error;     // error_message() if parsing failed
  bool pending = false;  // input ended inside a command
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{";
  for (const Args& c : o.commands) {
    os << "[";
    for (const std::string& a : c) os << '"' << a << "\" ";
    os << "] ";
  }
  return os << "error='" << o.error << "' pending=" << o.pending << "}";
}

// Runs `input` through a connection loop that receives it `fragment` bytes at a time (0 = all at once)
// and, like a real loop, compacts its buffer into a fresh allocation before every read, so stale views
// or absolute positions would show up as wrong results (or ASan reports).
Outcome run(std::string_view input, size_t fragment = 0, RequestLimits limits = {},
            bool authenticated = true) {
  RequestParser parser(limits);
  parser.set_authenticated(authenticated);
  Outcome out;
  std::string buf;
  size_t fed = 0;
  for (;;) {
    const size_t take = fragment == 0 ? input.size() - fed : std::min(fragment, input.size() - fed);
    std::string next = buf;  // moves the pending bytes to a new address
    next.append(input.substr(fed, take));
    buf.swap(next);
    fed += take;
    size_t start = 0;
    for (;;) {
      const ParseResult r = parser.parse(std::string_view(buf).substr(start));
      start += r.consumed;
      if (r.ok()) {
        out.commands.emplace_back(parser.args().begin(), parser.args().end());
        continue;
      }
      if (r.error()) {
        out.error = std::string(parser.error_message());
        return out;
      }
      EXPECT_GE(parser.want(), 1u);
      break;
    }
    buf.erase(0, start);
    if (fed == input.size()) {
      out.pending = parser.in_progress();
      return out;
    }
  }
}

// Runs input one-shot and at every fragment size up to 17 and checks all agree; returns the one-shot.
Outcome run_all_splits(std::string_view input, RequestLimits limits = {}, bool authenticated = true) {
  const Outcome whole = run(input, 0, limits, authenticated);
  for (size_t f = 1; f <= 17; ++f) EXPECT_EQ(run(input, f, limits, authenticated), whole) << "fragment " << f;
  return whole;
}

Outcome ok(std::vector<Args> commands, bool pending = false) {
  return Outcome{std::move(commands), "", pending};
}
Outcome err(std::vector<Args> commands, std::string error) {
  return Outcome{std::move(commands), std::move(error), false};
}

TEST(RequestParser, Multibulk) {
  EXPECT_EQ(run_all_splits("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"), ok({{"SET", "k", "value"}}));
  EXPECT_EQ(run_all_splits("*1\r\n$0\r\n\r\n"), ok({{""}}));
  const std::string binary("*1\r\n$5\r\na\0\r\nb\r\n", 15);
  EXPECT_EQ(run_all_splits(binary), ok({{std::string("a\0\r\nb", 5)}}));
}

TEST(RequestParser, Inline) {
  EXPECT_EQ(run_all_splits("PING\r\n"), ok({{"PING"}}));
  EXPECT_EQ(run_all_splits("SET k \"a b\"\n"), ok({{"SET", "k", "a b"}}));
  EXPECT_EQ(run_all_splits("PING\r\r\n"), ok({{"PING"}}));  // one '\r' is dropped, the other ends the word
  EXPECT_EQ(run_all_splits("PING"), ok({}, true));
}

TEST(RequestParser, EmptyCommandsAreSkipped) {
  EXPECT_EQ(run_all_splits("\r\n\nPING\r\n"), ok({{"PING"}}));
  EXPECT_EQ(run_all_splits("   \n*0\r\n*-1\r\n*-2\r\nPING\n"), ok({{"PING"}}));
}

TEST(RequestParser, Pipeline) {
  const std::string input =
      "*2\r\n$3\r\nGET\r\n$1\r\na\r\n"
      "PING\r\n"
      "\r\n"
      "*0\r\n"
      "SET x 'y z'\r\n"
      "*3\r\n$4\r\nMSET\r\n$1\r\nb\r\n$3\r\n1 2\r\n"
      "ECHO \"\\x00\"\n";
  EXPECT_EQ(run_all_splits(input), ok({{"GET", "a"},
                                       {"PING"},
                                       {"SET", "x", "y z"},
                                       {"MSET", "b", "1 2"},
                                       {"ECHO", std::string(1, '\0')}}));
}

TEST(RequestParser, RedisSkipsTheTwoBytesAfterCrWithoutLookingAtThem) {
  // redis-server 7.0.15 answers +PONG twice to this.
  EXPECT_EQ(run_all_splits("*1\rX$4\r\nPINGXY*1\r\n$4\r\nPING\r\n"), ok({{"PING"}, {"PING"}}));
}

TEST(RequestParser, ErrorTexts) {
  // Every expectation is what redis-server 7.0.15 replies (after "-ERR ").
  EXPECT_EQ(run_all_splits("*x\r\n"), err({}, "Protocol error: invalid multibulk length"));
  EXPECT_EQ(run_all_splits("*\r\n"), err({}, "Protocol error: invalid multibulk length"));
  EXPECT_EQ(run_all_splits("*+1\r\n"), err({}, "Protocol error: invalid multibulk length"));
  EXPECT_EQ(run_all_splits("*01\r\n"), err({}, "Protocol error: invalid multibulk length"));
  EXPECT_EQ(run_all_splits("*-0\r\n"), err({}, "Protocol error: invalid multibulk length"));
  EXPECT_EQ(run_all_splits("*1 \r\n"), err({}, "Protocol error: invalid multibulk length"));
  EXPECT_EQ(run_all_splits("*2147483648\r\n"), err({}, "Protocol error: invalid multibulk length"));
  EXPECT_EQ(run_all_splits("*1\r\n$-1\r\n"), err({}, "Protocol error: invalid bulk length"));
  EXPECT_EQ(run_all_splits("*1\r\n$01\r\n"), err({}, "Protocol error: invalid bulk length"));
  EXPECT_EQ(run_all_splits("*1\r\n$-0\r\n"), err({}, "Protocol error: invalid bulk length"));
  EXPECT_EQ(run_all_splits("*1\r\n$ 3\r\n"), err({}, "Protocol error: invalid bulk length"));
  EXPECT_EQ(run_all_splits("*1\r\n$\r\n"), err({}, "Protocol error: invalid bulk length"));
  EXPECT_EQ(run_all_splits("*1\r\n$536870913\r\n"), err({}, "Protocol error: invalid bulk length"));
  EXPECT_EQ(run_all_splits("*1\r\nx\r\n"), err({}, "Protocol error: expected '$', got 'x'"));
  EXPECT_EQ(run_all_splits("*1\r\n\xff\r\n"), err({}, "Protocol error: expected '$', got '\xff'"));
  EXPECT_EQ(run_all_splits("*1\r\n\r\n"), err({}, "Protocol error: expected '$', got ' '"));
  EXPECT_EQ(run_all_splits("*1\r\n\n\r\n"), err({}, "Protocol error: expected '$', got ' '"));
  EXPECT_EQ(run_all_splits("ECHO \"abc\r\n"), err({}, "Protocol error: unbalanced quotes in request"));
  EXPECT_EQ(run_all_splits("ECHO \"a\"b\r\n"), err({}, "Protocol error: unbalanced quotes in request"));
  EXPECT_EQ(run_all_splits("ECHO a\"b c\"d\r\n"), err({}, "Protocol error: unbalanced quotes in request"));
}

TEST(RequestParser, CommandsBeforeAnErrorAreReturned) {
  EXPECT_EQ(run_all_splits("PING\r\n*1\r\n$3\r\nGET\r\n*1\r\nx\r\nPING\r\n"),
            err({{"PING"}, {"GET"}}, "Protocol error: expected '$', got 'x'"));
}

TEST(RequestParser, ErrorIsSticky) {
  RequestParser p;
  EXPECT_TRUE(p.parse("*x\r\n").error());
  EXPECT_TRUE(p.parse("PING\r\n").error());
  EXPECT_EQ(p.error(), RequestError::kInvalidMultibulkLength);
  p.reset();
  EXPECT_TRUE(p.parse("PING\r\n").ok());
}

TEST(RequestParser, TooBigInline) {
  const std::string at_limit = std::string(64 * 1024, 'A') + "\n";  // '\n' at offset 65536: accepted
  EXPECT_EQ(run(at_limit).commands.size(), 1u);
  EXPECT_EQ(run(at_limit, 4096).commands.size(), 1u);
  const std::string over = std::string(64 * 1024 + 1, 'A') + "\n";
  EXPECT_EQ(run(over).error, "Protocol error: too big inline request");
  EXPECT_EQ(run(over, 4096).error, "Protocol error: too big inline request");
  // Without any newline the error comes as soon as more than 64 KiB are buffered.
  EXPECT_EQ(run(std::string(64 * 1024, 'A')).error, "");
  EXPECT_EQ(run(std::string(64 * 1024 + 1, 'A')).error, "Protocol error: too big inline request");
}

TEST(RequestParser, TooBigCountStrings) {
  const std::string mbulk = "*" + std::string(70000, '1');
  EXPECT_EQ(run(mbulk).error, "Protocol error: too big mbulk count string");
  EXPECT_EQ(run(mbulk, 1000).error, "Protocol error: too big mbulk count string");
  const std::string bulk = "*1\r\n$" + std::string(70000, '1');
  EXPECT_EQ(run(bulk).error, "Protocol error: too big bulk count string");
  EXPECT_EQ(run(bulk, 1000).error, "Protocol error: too big bulk count string");
  // 64 KiB of header without '\r' is still waiting, one more byte is too many.
  EXPECT_EQ(run("*1\r\n$" + std::string(64 * 1024 - 1, '1')).error, "");
  EXPECT_EQ(run("*1\r\n$" + std::string(64 * 1024, '1')).error, "Protocol error: too big bulk count string");
}

TEST(RequestParser, DefaultLimitsAreRedis70s) {
  RequestLimits l;
  EXPECT_EQ(l.max_bulk_len, 512LL * 1024 * 1024);
  EXPECT_EQ(l.max_multibulk_len, 2147483647);
  EXPECT_EQ(l.max_inline_len, 65536u);
  EXPECT_EQ(l.unauth_max_multibulk_len, 10);
  EXPECT_EQ(l.unauth_max_bulk_len, 16384);
  // At the limits the headers are accepted and the parser waits for the data.
  EXPECT_EQ(run("*2147483647\r\n"), ok({}, true));
  EXPECT_EQ(run("*1\r\n$536870912\r\n"), ok({}, true));
}

TEST(RequestParser, ConfigurableLimits) {
  RequestLimits l;
  l.max_bulk_len = 3;
  l.max_multibulk_len = 2;
  EXPECT_EQ(run_all_splits("*2\r\n$3\r\nGET\r\n$3\r\nabc\r\n", l), ok({{"GET", "abc"}}));
  EXPECT_EQ(run_all_splits("*1\r\n$4\r\nPING\r\n", l), err({}, "Protocol error: invalid bulk length"));
  EXPECT_EQ(run_all_splits("*3\r\n", l), err({}, "Protocol error: invalid multibulk length"));
  l.max_inline_len = 8;
  EXPECT_EQ(run_all_splits("PING\nECHO abcd\n", l),
            err({{"PING"}}, "Protocol error: too big inline request"));
}

TEST(RequestParser, UnauthenticatedLimits) {
  EXPECT_EQ(run_all_splits("*11\r\n", {}, false),
            err({}, "Protocol error: unauthenticated multibulk length"));
  EXPECT_EQ(run_all_splits("*10\r\n", {}, false), ok({}, true));
  EXPECT_EQ(run_all_splits("*-5\r\nPING\r\n", {}, false), ok({{"PING"}}));
  EXPECT_EQ(run_all_splits("*2\r\n$4\r\nAUTH\r\n$16385\r\n", {}, false),
            err({}, "Protocol error: unauthenticated bulk length"));
  EXPECT_EQ(run("*2\r\n$4\r\nAUTH\r\n$16384\r\n", 0, {}, false), ok({}, true));
  // Oversized counts are "invalid" before they are "unauthenticated", as in Redis.
  EXPECT_EQ(run("*2147483648\r\n", 0, {}, false).error, "Protocol error: invalid multibulk length");

  RequestParser p;
  p.set_authenticated(false);
  EXPECT_TRUE(p.parse("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n").ok());
  p.set_authenticated(true);
  EXPECT_TRUE(
      p.parse("*11\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\n"
              "a\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n")
          .ok());
}

TEST(RequestParser, ConsumedAndWant) {
  RequestParser p;
  // Skipped empty commands are reported as consumed even when the next command is incomplete.
  ParseResult r = p.parse("\r\n*0\r\n*2\r\n$3\r\nGET\r\n$10\r\nab");
  ASSERT_TRUE(r.need_more());
  EXPECT_EQ(r.consumed, 6u);
  EXPECT_EQ(p.want(), 10u);  // 8 more payload bytes and "\r\n"
  EXPECT_TRUE(p.in_progress());
  // Resume from the consumed point, in a different buffer.
  const std::string rest = "*2\r\n$3\r\nGET\r\n$10\r\nabcdefghij\r\nPING\r\n";
  r = p.parse(rest);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.consumed, rest.size() - 6);
  ASSERT_EQ(p.args().size(), 2u);
  EXPECT_EQ(p.args()[1], "abcdefghij");
  EXPECT_FALSE(p.is_inline());
  EXPECT_FALSE(p.in_progress());
  r = p.parse(std::string_view(rest).substr(r.consumed));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(p.is_inline());
  r = p.parse("");
  EXPECT_TRUE(r.need_more());
  EXPECT_FALSE(p.in_progress());
}

TEST(RequestParser, ArgumentsAreViewsIntoTheBuffer) {
  RequestParser p;
  const std::string in = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
  ASSERT_TRUE(p.parse(in).ok());
  EXPECT_EQ(p.args()[0].data(), in.data() + 8);
  EXPECT_EQ(p.args()[1].data(), in.data() + 17);
}

TEST(RequestParser, BigArgumentIsNotRescanned) {
  // 8 MiB argument arriving in 1 KiB reads: each call only looks at the new bytes, and want() tells the
  // caller exactly how much is still missing so it can grow its buffer once.
  const size_t size = 8 << 20;
  std::string cmd = "*2\r\n$3\r\nSET\r\n$" + std::to_string(size) + "\r\n";
  const size_t header = cmd.size();
  cmd.append(size, 'v');
  cmd.append("\r\n");
  RequestParser p;
  std::string buf = cmd.substr(0, header + 100);
  ParseResult r = p.parse(buf);
  ASSERT_TRUE(r.need_more());
  EXPECT_EQ(p.want(), size - 100 + 2);
  buf.reserve(buf.size() + p.want());
  size_t fed = buf.size();
  while (fed < cmd.size()) {
    const size_t take = std::min<size_t>(1024, cmd.size() - fed);
    buf.append(cmd, fed, take);
    fed += take;
    r = p.parse(buf);
    if (fed < cmd.size()) {
      ASSERT_TRUE(r.need_more());
      ASSERT_EQ(p.want(), cmd.size() - fed);
    }
  }
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(p.args()[1].size(), size);
}

TEST(RequestParser, MillionArguments) {
  std::string cmd = "*1000000\r\n";
  for (int i = 0; i < 1000000; ++i) cmd += "$1\r\nx\r\n";
  const Outcome o = run(cmd, 16 * 1024);
  ASSERT_EQ(o.commands.size(), 1u);
  EXPECT_EQ(o.commands[0].size(), 1000000u);
}

TEST(RequestParser, AppendCommandRoundTrips) {
  const std::vector<std::string_view> args = {"SET", "", std::string_view("a\0\r\n", 4)};
  std::string out;
  append_command(args, out);
  EXPECT_EQ(out, std::string("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\na\0\r\n\r\n", 29));
  EXPECT_EQ(run_all_splits(out), ok({{"SET", "", std::string("a\0\r\n", 4)}}));
}

}  // namespace
}  // namespace codis::resp
