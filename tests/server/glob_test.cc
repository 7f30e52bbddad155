// glob_match against Redis's stringmatch: the cases of Redis's own util.c tests and keyspace tests, plus
// the odd corners (unterminated classes, trailing backslash, '*' against empty) and the pathological
// pattern of CVE-2022-36021, which must finish at once.
#include "server/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace codis::server {
namespace {

struct Case {
  const char* pattern;
  const char* subject;
  bool nocase;
  bool want;
};

TEST(Glob, RedisCases) {
  const Case cases[] = {
      {"*", "", false, false},  // Redis: '*' never meets an empty string (KEYS * is special-cased)
      {"**", "", false, false},
      {"*", "a", false, true},
      {"", "", false, true},
      {"", "a", false, false},
      {"a", "", false, false},
      {"h?llo", "hello", false, true},
      {"h?llo", "hllo", false, false},
      {"h*llo", "hllo", false, true},
      {"h*llo", "heeeello", false, true},
      {"h[ae]llo", "hello", false, true},
      {"h[ae]llo", "hillo", false, false},
      {"h[^e]llo", "hallo", false, true},
      {"h[^e]llo", "hello", false, false},
      {"h[a-b]llo", "hbllo", false, true},
      {"h[b-a]llo", "hallo", false, true},  // reversed ranges are swapped
      {"h[a-b]llo", "hcllo", false, false},
      {"h\\*llo", "h*llo", false, true},
      {"h\\*llo", "hello", false, false},
      {"h[\\[]a]llo", "h[a]llo", false, true},
      {"h[\\]]llo", "h]llo", false, true},
      {"[abc", "a", false, true},  // unterminated class: the pattern's end closes it
      {"[abc", "c", false, true},
      {"[abc", "d", false, false},
      {"h[a", "ha", false, true},
      {"[^", "x", false, true},
      {"[^", "", false, false},
      {"[", "[", false, false},
      {"a\\", "a\\", false, true},  // a trailing backslash is literal
      {"a\\", "a", false, false},
      {"HELLO", "hello", false, false},
      {"HELLO", "hello", true, true},
      {"h[A-B]llo", "hallo", true, true},
      {"h[A-B]llo", "hallo", false, false},
      {"h[\\A]llo", "hallo", true, false},  // escaped class members compare exactly, as in Redis
      {"*o", "hello", false, true},
      {"*l*", "hello", false, true},
      {"*x*", "hello", false, false},
      {"a*b*c", "aXbYc", false, true},
      {"a*b*c", "aXbY", false, false},
      {"*a*", "a", false, true},
      {"?*", "a", false, true},
      {"?*?", "a", false, false},
      {"maxmemory*", "maxmemory-policy", true, true},
      {"*max*bulk*", "proto-max-bulk-len", true, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(glob_match(c.pattern, c.subject, c.nocase), c.want)
        << "pattern '" << c.pattern << "' subject '" << c.subject << "' nocase " << c.nocase;
  }
}

TEST(Glob, BinarySafe) {
  EXPECT_TRUE(glob_match(std::string_view("a\0*", 3), std::string_view("a\0bc", 4)));
  EXPECT_FALSE(glob_match(std::string_view("a\0", 2), std::string_view("a", 1)));
}

TEST(Glob, PathologicalPatternIsFast) {
  // Redis's regression test for CVE-2022-36021: exponential without the skip-longer-matches rule.
  std::string pattern;
  for (int i = 0; i < 40; ++i) {
    pattern += "a*";
  }
  pattern += "b";
  std::string subject(5000, 'a');
  EXPECT_FALSE(glob_match(pattern, subject));
  // Deep nesting gives up (no match) instead of overflowing the stack.
  EXPECT_FALSE(glob_match(std::string(3000, '*') + std::string(2000, '?') + "x", std::string(3000, 'a')));
}

}  // namespace
}  // namespace codis::server
