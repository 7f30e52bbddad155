// Request targets split into decoded paths and query parameters; header lookup ignores case.
#include <gtest/gtest.h>

#include "http/message.h"

namespace codis::http {
namespace {

TEST(Message, SplitsOriginFormTargets) {
  std::string path;
  Fields query;
  split_target("/a%20b/c?x=1&y=two+words&z=%41%2", path, query);
  EXPECT_EQ(path, "/a b/c");
  ASSERT_EQ(query.size(), 3u);
  EXPECT_EQ(query[0], (std::pair<std::string, std::string>("x", "1")));
  EXPECT_EQ(query[1], (std::pair<std::string, std::string>("y", "two words")));
  EXPECT_EQ(query[2], (std::pair<std::string, std::string>("z", "A%2")));

  split_target("/plain", path, query);
  EXPECT_EQ(path, "/plain");
  EXPECT_TRUE(query.empty());

  // '+' is a space in queries only; empty pairs are skipped; a name without '=' has an empty value.
  split_target("/a+b?&k&=v&&%2B=+#frag", path, query);
  EXPECT_EQ(path, "/a+b");
  ASSERT_EQ(query.size(), 3u);
  EXPECT_EQ(query[0], (std::pair<std::string, std::string>("k", "")));
  EXPECT_EQ(query[1], (std::pair<std::string, std::string>("", "v")));
  EXPECT_EQ(query[2], (std::pair<std::string, std::string>("+", " ")));
}

TEST(Message, SplitsOtherTargetForms) {
  std::string path;
  Fields query;
  split_target("http://example.com:8080/p/q?a=b", path, query);
  EXPECT_EQ(path, "/p/q");
  ASSERT_EQ(query.size(), 1u);
  split_target("http://example.com", path, query);
  EXPECT_EQ(path, "/");
  split_target("http://example.com?a=1", path, query);
  EXPECT_EQ(path, "/");
  EXPECT_EQ(query.size(), 1u);
  split_target("*", path, query);
  EXPECT_EQ(path, "*");
  split_target("example.com:443", path, query);
  EXPECT_EQ(path, "example.com:443");
}

TEST(Message, PercentDecodingKeepsBrokenEscapes) {
  EXPECT_EQ(percent_decode("%", false), "%");
  EXPECT_EQ(percent_decode("%4", false), "%4");
  EXPECT_EQ(percent_decode("%zz%41", false), "%zzA");
  EXPECT_EQ(percent_decode("%00", false), std::string(1, '\0'));
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
}

TEST(Message, LooksUpHeadersIgnoringCase) {
  Request r;
  r.headers = {{"Content-Type", "text/html"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(r.header("content-type").value_or(""), "text/html");
  EXPECT_EQ(r.header("X-A").value_or(""), "1");  // the first of repeated fields
  EXPECT_FALSE(r.header("X-B").has_value());
  r.query = {{"a", "1"}, {"A", "2"}};
  EXPECT_EQ(r.param("A").value_or(""), "2");  // parameters are case-sensitive
  EXPECT_FALSE(r.param("b").has_value());
  EXPECT_TRUE(iequals("aBc", "AbC"));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("abc", "ab"));
}

TEST(Message, ReasonPhrases) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(299), "Unknown");
}

}  // namespace
}  // namespace codis::http
