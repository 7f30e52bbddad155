// crc32_ieee, hash_tag and slot_of against values computed independently with Python's zlib.crc32.
#include "cmd/slot.h"

#include <gtest/gtest.h>

#include <string>

namespace codis::cmd {
namespace {

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

TEST(Crc32, StandardCheckValue) {
  EXPECT_EQ(crc32_ieee("123456789"), 0xCBF43926u);
}

TEST(Crc32, KnownValues) {
  EXPECT_EQ(crc32_ieee(""), 0x00000000u);
  EXPECT_EQ(crc32_ieee("a"), 0xE8B7BE43u);
  EXPECT_EQ(crc32_ieee("foo"), 0x8C736521u);
  EXPECT_EQ(crc32_ieee("hello world"), 0x0D4A1185u);
  EXPECT_EQ(crc32_ieee("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  EXPECT_EQ(crc32_ieee("abcdefghijklmnopq"), 0x9C925619u);  // 8 + 8 + 1: both loops
  EXPECT_EQ(crc32_ieee(std::string("\0", 1)), 0xD202EF8Du);
  EXPECT_EQ(crc32_ieee(std::string("\x00\xff\x80\x7f", 4)), 0x64E51F17u);
  EXPECT_EQ(crc32_ieee(all_bytes()), 0x29058C73u);
}

TEST(HashTag, CodisRule) {
  EXPECT_EQ(hash_tag("plain"), "plain");
  EXPECT_EQ(hash_tag("{}x"), "");  // empty tag is still a tag (Redis Cluster would hash "{}x")
  EXPECT_EQ(hash_tag("{a}b"), "a");
  EXPECT_EQ(hash_tag("a{b"), "a{b");   // no '}' after the '{': whole key
  EXPECT_EQ(hash_tag("a}b{c}"), "c");  // a '}' before the first '{' does not count
  EXPECT_EQ(hash_tag("{{a}}"), "{a");  // first '{', then the first '}' after it
  EXPECT_EQ(hash_tag("user:{1000}:name"), "1000");
  EXPECT_EQ(hash_tag("x{a}{b}"), "a");
  EXPECT_EQ(hash_tag("}{"), "}{");
}

TEST(SlotOf, KnownValues) {
  EXPECT_EQ(kSlots, 1024u);
  EXPECT_EQ(slot_of("123456789"), 294u);
  EXPECT_EQ(slot_of(""), 0u);
  EXPECT_EQ(slot_of("a"), 579u);
  EXPECT_EQ(slot_of("foo"), 289u);
  EXPECT_EQ(slot_of("hello world"), 389u);
  EXPECT_EQ(slot_of(std::string("\0", 1)), 909u);
  EXPECT_EQ(slot_of(std::string("\x00\xff\x80\x7f", 4)), 791u);
  EXPECT_EQ(slot_of(all_bytes()), 666u);  // contains '{' (123), '|' (124), '}' (125): tag "|"
  EXPECT_EQ(slot_of("{}x"), 0u);
  EXPECT_EQ(slot_of("{a}b"), 579u);
  EXPECT_EQ(slot_of("a{b"), 76u);
  EXPECT_EQ(slot_of("a}b{c}"), 879u);
  EXPECT_EQ(slot_of("{{a}}"), 780u);
  EXPECT_EQ(slot_of("user:{1000}:name"), 791u);
  EXPECT_EQ(slot_of("{user1000}.following"), 870u);
}

}  // namespace
}  // namespace codis::cmd
