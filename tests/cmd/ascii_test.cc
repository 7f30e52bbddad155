// parse_scan_cursor reads SCAN cursors as Redis 7.0's parseScanCursorOrReply does (strtoul, base 10): a
// sign wraps around, overflow, a leading space and trailing bytes are invalid, and "" is cursor 0.
#include "cmd/ascii.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace codis::cmd {
namespace {

std::optional<uint64_t> cursor(std::string_view s) {
  uint64_t v = 12345;
  if (!parse_scan_cursor(s, &v)) return std::nullopt;
  return v;
}

TEST(ParseScanCursor, AsRedisStrtoul) {
  EXPECT_EQ(cursor("0"), 0u);
  EXPECT_EQ(cursor("42"), 42u);
  EXPECT_EQ(cursor("007"), 7u);
  EXPECT_EQ(cursor("+5"), 5u);
  EXPECT_EQ(cursor(""), 0u);
  EXPECT_EQ(cursor("-1"), UINT64_MAX);
  EXPECT_EQ(cursor("-0"), 0u);
  EXPECT_EQ(cursor("-18446744073709551615"), 1u);
  EXPECT_EQ(cursor("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(cursor(std::string_view("7\0x", 3)), 7u);       // strtoul stops at the NUL
  EXPECT_EQ(cursor("18446744073709551616"), std::nullopt);  // ERANGE
  EXPECT_EQ(cursor("-18446744073709551616"), std::nullopt);
  EXPECT_EQ(cursor("-"), std::nullopt);
  EXPECT_EQ(cursor("+"), std::nullopt);
  EXPECT_EQ(cursor(" 1"), std::nullopt);
  EXPECT_EQ(cursor("\t1"), std::nullopt);
  EXPECT_EQ(cursor("1 "), std::nullopt);
  EXPECT_EQ(cursor("abc"), std::nullopt);
  EXPECT_EQ(cursor("0x10"), std::nullopt);
  EXPECT_EQ(cursor("1.0"), std::nullopt);
}

}  // namespace
}  // namespace codis::cmd
