// The compact encodings on their own: listpack, ziplist, intset and zipmap bytes (known vectors from
// redis-server 7.0 and from Redis's own documentation), and the integrity checks that refuse damaged ones.
#include <gtest/gtest.h>

#include "server/rdb/intset.h"
#include "server/rdb/listpack.h"
#include "server/rdb/ziplist.h"
#include "server/rdb/zipmap.h"
#include "tests/server_rdb/test_util.h"

namespace codis::server::rdb {
namespace {

using testing::hex;
using testing::unhex;
using Strings = std::vector<std::string>;

DumpStatus lp_decode(const std::string& lp, Strings* out) {
  Budget budget(1 << 24);
  return decode_listpack(lp, budget, out);
}

DumpStatus zl_decode(const std::string& zl, Strings* out) {
  Budget budget(1 << 24);
  return decode_ziplist(zl, budget, out);
}

std::string listpack_of(const Strings& items) {
  ListpackBuilder b;
  for (const auto& s : items) b.append(s);
  std::string out;
  EXPECT_TRUE(b.finish(&out));
  return out;
}

TEST(Listpack, RedisBytes) {
  // The listpack inside DUMP of RPUSH k a b c (redis-server 7.0).
  EXPECT_EQ(hex(listpack_of({"a", "b", "c"})),
            "10000000030081610281620281630"
            "2ff");
  // HSET k f v n 123 neg -7 empty "": 123 as a 7-bit uint, -7 as a 13-bit int.
  EXPECT_EQ(hex(listpack_of({"f", "v", "n", "123", "neg", "-7", "empty", ""})),
            "23000000080081660281760281"
            "6e027b01836e656704dff90285656d707479068001ff");
}

TEST(Listpack, EveryEncodingRoundTrips) {
  const Strings items = {"0",
                         "127",
                         "128",
                         "-1",
                         "4095",
                         "-4096",
                         "4096",
                         "32767",
                         "-32768",
                         "32768",
                         "8388607",
                         "-8388608",
                         "8388608",
                         "2147483647",
                         "-2147483648",
                         "2147483648",
                         "9223372036854775807",
                         "-9223372036854775808",
                         "01",
                         "-0",
                         "",
                         std::string(63, 'a'),
                         std::string(64, 'b'),
                         std::string(4095, 'c'),
                         std::string(4096, 'd'),
                         std::string(20000, 'e')};
  const std::string lp = listpack_of(items);
  Strings back;
  ASSERT_TRUE(lp_decode(lp, &back).ok());
  EXPECT_EQ(back, items);
}

TEST(Listpack, CountBeyond65534IsUnknown) {
  Strings items(70000, "x");
  const std::string lp = listpack_of(items);
  EXPECT_EQ(hex(lp.substr(4, 2)), "ffff");
  Strings back;
  ASSERT_TRUE(lp_decode(lp, &back).ok());
  EXPECT_EQ(back.size(), 70000u);
}

TEST(Listpack, RefusesDamage) {
  const std::string good = listpack_of({"a", "bb", "300"});
  Strings out;
  ASSERT_TRUE(lp_decode(good, &out).ok());
  auto refused = [&](std::string lp) {
    Strings ignored;
    return !lp_decode(lp, &ignored).ok();
  };
  EXPECT_TRUE(refused(good.substr(0, good.size() - 1)));  // size mismatch, no terminator
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused(unhex("06000000")));
  std::string s = good;
  s[4] = 5;  // count mismatch
  EXPECT_TRUE(refused(s));
  s = good;
  s[6] = static_cast<char>(0xf5);  // unknown encoding
  EXPECT_TRUE(refused(s));
  s = good;
  s[8] = 3;  // backlen mismatch
  EXPECT_TRUE(refused(s));
  s = good;
  s[6] = static_cast<char>(0xff);  // terminator in the middle
  EXPECT_TRUE(refused(s));
  s = good;
  s[6] = static_cast<char>(0xbf);  // 63-byte string running past the end
  EXPECT_TRUE(refused(s));
  s = good;
  s[6] = static_cast<char>(0xf0);  // 32-bit string length past the end
  EXPECT_TRUE(refused(s));
  // An unknown count (65535) is accepted whatever the number of entries.
  s = good;
  s[4] = static_cast<char>(0xff);
  s[5] = static_cast<char>(0xff);
  EXPECT_FALSE(refused(s));
}

TEST(Ziplist, DocumentedExample) {
  // From ziplist.c: the ziplist holding "2" and "5".
  const std::string zl = unhex(
      "0f0000000c0000000200"
      "00f3"
      "02f6"
      "ff");
  Strings out;
  ASSERT_TRUE(zl_decode(zl, &out).ok());
  EXPECT_EQ(out, (Strings{"2", "5"}));
  ZiplistBuilder b;
  b.append("2");
  b.append("5");
  std::string built;
  ASSERT_TRUE(b.finish(&built));
  EXPECT_EQ(hex(built), hex(zl));
}

TEST(Ziplist, EveryEncodingRoundTrips) {
  const Strings items = {"0",
                         "12",
                         "13",
                         "-1",
                         "127",
                         "-128",
                         "128",
                         "32767",
                         "-32769",
                         "8388607",
                         "-8388608",
                         "8388608",
                         "2147483647",
                         "-2147483649",
                         "9223372036854775807",
                         "-9223372036854775808",
                         "01",
                         "",
                         "Hello World",
                         std::string(63, 'a'),
                         std::string(64, 'b'),
                         std::string(300, 'c'),
                         std::string(16383, 'd'),
                         std::string(16384, 'e')};
  ZiplistBuilder b;
  for (const auto& s : items) b.append(s);
  std::string zl;
  ASSERT_TRUE(b.finish(&zl));
  Strings back;
  ASSERT_TRUE(zl_decode(zl, &back).ok());
  EXPECT_EQ(back, items);
}

TEST(Ziplist, AcceptsLargePrevlenForSmallEntry) {
  // Redis may keep a 5-byte prevlen after the previous entry shrank (no cascade shrinking).
  const std::string zl = unhex(
      "13000000"
      "0c000000"
      "0200"
      "00f3"
      "fe02000000f6"
      "ff");
  Strings out;
  ASSERT_TRUE(zl_decode(zl, &out).ok());
  EXPECT_EQ(out, (Strings{"2", "5"}));
}

TEST(Ziplist, RefusesDamage) {
  const std::string good = unhex(
      "0f0000000c0000000200"
      "00f3"
      "02f6"
      "ff");
  auto refused = [&](std::string zl) {
    Strings ignored;
    return !zl_decode(zl, &ignored).ok();
  };
  EXPECT_TRUE(
      refused(unhex("0b0000000a00000000"
                    "00ff")));  // empty
  std::string s = good;
  s[4] = 10;  // tail not at the last entry
  EXPECT_TRUE(refused(s));
  s = good;
  s[12] = 3;  // prevlen mismatch
  EXPECT_TRUE(refused(s));
  s = good;
  s[8] = 3;  // count mismatch
  EXPECT_TRUE(refused(s));
  s = good;
  s[11] = static_cast<char>(0xc5);  // unknown integer encoding
  EXPECT_TRUE(refused(s));
  s = good;
  s[11] = 0x3f;  // string past the end
  EXPECT_TRUE(refused(s));
  s = good;
  s[0] = 0x10;  // size mismatch
  EXPECT_TRUE(refused(s));
  EXPECT_TRUE(refused(good.substr(0, 10)));
}

TEST(Intset, WidthsAndOrder) {
  std::vector<int64_t> v = {3, -5, 1};
  std::string is;
  encode_intset(v, &is);
  EXPECT_EQ(hex(is),
            "0200000003000000"
            "fbff"
            "0100"
            "0300");
  v = {70000, 1};
  is.clear();
  encode_intset(v, &is);
  EXPECT_EQ(hex(is.substr(0, 4)), "04000000");
  v = {INT64_MIN, 0};
  is.clear();
  encode_intset(v, &is);
  EXPECT_EQ(hex(is.substr(0, 4)), "08000000");
  Budget budget(1 << 20);
  Strings out;
  ASSERT_TRUE(decode_intset(is, budget, &out).ok());
  EXPECT_EQ(out, (Strings{"-9223372036854775808", "0"}));
}

TEST(Intset, RefusesDamage) {
  auto refused = [](const std::string& h) {
    Budget budget(1 << 20);
    Strings out;
    return !decode_intset(unhex(h), budget, &out).ok();
  };
  EXPECT_TRUE(refused("0200000000000000"));                   // empty
  EXPECT_TRUE(refused("030000000100000001"));                 // unknown width
  EXPECT_TRUE(refused("02000000020000000100"));               // shorter than its count
  EXPECT_TRUE(refused("0200000002000000020001000"));          // odd size
  EXPECT_TRUE(refused("020000000200000002000100"));           // descending
  EXPECT_TRUE(refused("020000000200000001000100"));           // duplicate
  EXPECT_TRUE(refused("02000000"));                           // no header
  EXPECT_FALSE(refused("0800000001000000ffffffffffffffff"));  // wide encoding for a small value is fine
}

TEST(Zipmap, DocumentedExampleAndFreeBytes) {
  // From zipmap.c: "foo" => "bar", "hello" => "world" (with 2 free bytes after "bar").
  const std::string zm = unhex(
      "02"
      "03666f6f"
      "0302626172"
      "0000"
      "0568656c6c6f"
      "0500776f726c64"
      "ff");
  Budget budget(1 << 20);
  std::vector<std::pair<std::string, std::string>> out;
  ASSERT_TRUE(decode_zipmap(zm, budget, &out).ok());
  EXPECT_EQ(out, (std::vector<std::pair<std::string, std::string>>{{"foo", "bar"}, {"hello", "world"}}));
}

TEST(Zipmap, RoundTripAndDamage) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"a", "1"}, {std::string(300, 'k'), std::string(1000, 'v')}, {"", ""}};
  std::string zm;
  encode_zipmap(fields, &zm);
  Budget budget(1 << 20);
  std::vector<std::pair<std::string, std::string>> out;
  ASSERT_TRUE(decode_zipmap(zm, budget, &out).ok());
  EXPECT_EQ(out, fields);
  auto refused = [](const std::string& bytes) {
    Budget b(1 << 20);
    std::vector<std::pair<std::string, std::string>> ignored;
    return !decode_zipmap(bytes, b, &ignored).ok();
  };
  EXPECT_TRUE(refused(unhex("00ff")));              // empty
  EXPECT_TRUE(refused(unhex("0501610162ff")));      // count mismatch... and truncated free byte
  EXPECT_TRUE(refused(unhex("01016101000062ff")));  // count mismatch
  EXPECT_TRUE(refused(unhex("0101610100")));        // no terminator
  EXPECT_TRUE(refused(unhex("010161fe")));          // big length past the end
  EXPECT_TRUE(refused(zm.substr(0, zm.size() - 2) + "\xff"));
}

}  // namespace
}  // namespace codis::server::rdb
