// Tests for split_inline: Redis sdssplitargs quoting rules, checked against redis-server 7.0.15.
#include "resp/inline_split.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace codis::resp {
namespace {

// Returns the arguments, or {"<error>"} for a malformed line.
std::vector<std::string> split(std::string_view line) {
  std::vector<std::string_view> args;
  std::string scratch;
  if (!split_inline(line, args, scratch)) return {"<error>"};
  return std::vector<std::string>(args.begin(), args.end());
}

using V = std::vector<std::string>;

TEST(SplitInline, Plain) {
  EXPECT_EQ(split("SET key value"), (V{"SET", "key", "value"}));
  EXPECT_EQ(split("  PING  "), (V{"PING"}));
  EXPECT_EQ(split(""), V{});
  EXPECT_EQ(split(" \t "), V{});
  EXPECT_EQ(split("a\tb"), (V{"a", "b"}));
}

TEST(SplitInline, VerticalTabAndFormFeedOnlySeparateAtTheEdges) {
  // Leading blanks are skipped with isspace(), but inside a word only space, \t, \n, \r end it.
  EXPECT_EQ(split("ECHO a\vb"), (V{"ECHO", "a\vb"}));
  EXPECT_EQ(split("\vECHO\f a"), (V{"ECHO\f", "a"}));
}

TEST(SplitInline, DoubleQuotes) {
  EXPECT_EQ(split("SET \"a b\" c"), (V{"SET", "a b", "c"}));
  EXPECT_EQ(split("\"\""), V{""});
  EXPECT_EQ(split(R"("a\x41\n")"), V{"aA\n"});
  EXPECT_EQ(split(R"("\r\t\b\a\\\"")"), V{"\r\t\b\a\\\""});
  EXPECT_EQ(split(R"("\q")"), V{"q"});      // unknown escape: the character itself
  EXPECT_EQ(split(R"("\x4g")"), V{"x4g"});  // not two hex digits: \x is just x
  EXPECT_EQ(split(R"("\xFf")"), V{"\xff"});
  EXPECT_EQ(split("\"a\"\vPING"), (V{"a", "PING"}));  // any isspace() may follow the closing quote
}

TEST(SplitInline, SingleQuotes) {
  EXPECT_EQ(split(R"('a\'b')"), V{"a'b"});
  EXPECT_EQ(split(R"('a\nb')"), V{"a\\nb"});  // no other escapes in single quotes
  EXPECT_EQ(split(R"('a"b')"), V{"a\"b"});
}

TEST(SplitInline, QuoteInsideAWord) {
  EXPECT_EQ(split("ECHO a\"b c\" d"), (V{"ECHO", "ab c", "d"}));
  EXPECT_EQ(split("x'y z'"), V{"xy z"});
}

TEST(SplitInline, Unbalanced) {
  EXPECT_EQ(split("ECHO \"abc"), V{"<error>"});
  EXPECT_EQ(split("ECHO 'abc"), V{"<error>"});
  EXPECT_EQ(split("ECHO \"a\"b"), V{"<error>"});  // closing quote followed by a non-space
  EXPECT_EQ(split("ECHO a\"b c\"d"), V{"<error>"});
  EXPECT_EQ(split("ECHO \"abc\\"), V{"<error>"});
}

TEST(SplitInline, NulEndsTheLine) {
  EXPECT_EQ(split(std::string_view("PING\0junk", 9)), V{"PING"});
  EXPECT_EQ(split(std::string_view("ECHO \"a\0b\"", 10)), V{"<error>"});
}

TEST(SplitInline, UnquotedWordsAreViewsIntoTheLine) {
  const std::string line = "GET \"q k\" key";
  std::vector<std::string_view> args;
  std::string scratch;
  ASSERT_TRUE(split_inline(line, args, scratch));
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0].data(), line.data());
  EXPECT_EQ(args[2].data(), line.data() + 10);
  EXPECT_EQ(args[1], "q k");
}

TEST(SplitInline, EncoderRoundTrips) {
  const std::vector<std::string> cases[] = {
      {"SET", "a b", "c\"d", "e\\f"},
      {"", "\r\n\t", std::string("\0\x01\x7f\xff", 4)},
      {"'", "\"", "x"},
  };
  for (const auto& args : cases) {
    std::vector<std::string_view> views(args.begin(), args.end());
    std::string line;
    append_inline_command(views, line);
    ASSERT_EQ(line.substr(line.size() - 2), "\r\n");
    EXPECT_EQ(split(std::string_view(line).substr(0, line.size() - 2)), args) << line;
  }
}

}  // namespace
}  // namespace codis::resp
