// Whole payloads: every value type in every encoding round-trips (legacy ones included), the footer is
// checked as RESTORE checks it, and malformed objects (empty, duplicate, NaN, truncated, corrupted,
// unsupported) are refused with the right error rather than trusted.
#include <gtest/gtest.h>

#include <cmath>

#include "server/rdb/crc64.h"
#include "server/rdb/decoder.h"
#include "server/rdb/encoder.h"
#include "tests/server_rdb/test_util.h"

namespace codis::server::rdb {
namespace {

using testing::canonical;
using testing::load_redis_cases;
using testing::unhex;

// Appends a footer (version, CRC-64) to an object, as DUMP does.
std::string with_footer(std::string object, uint16_t version = kRdbVersion) {
  object.push_back(static_cast<char>(version & 0xff));
  object.push_back(static_cast<char>(version >> 8));
  const uint64_t crc = crc64(0, object);
  for (int i = 0; i < 8; ++i) object.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return object;
}

DumpErrc decode_error(const std::string& payload) {
  auto r = decode_dump_payload(payload);
  EXPECT_FALSE(r.ok());
  return r.ok() ? DumpErrc::kInvalidValue : r.error().code;
}

std::vector<std::string> strings(int n, const std::string& prefix) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

struct Sample {
  DumpValue value;
  std::vector<RdbType> encodings;
};

std::vector<Sample> samples() {
  std::vector<std::pair<std::string, double>> zs = {{"a", 1.5},      {"b", -2},
                                                    {"c", HUGE_VAL}, {"d", -HUGE_VAL},
                                                    {"e", 0.1},      {"f", 1e20},
                                                    {"g", -0.0},     {"h", 4611686018427387904.0},
                                                    {"", 7},         {std::string(100, 'z'), 1e-300}};
  std::vector<std::pair<std::string, std::string>> fields = {
      {"f", "v"}, {"n", "123"}, {"", ""}, {"long", std::string(500, 'L')}, {"-7", "-9223372036854775808"}};
  const std::vector<RdbType> lists = {RdbType::kList, RdbType::kListZiplist, RdbType::kListQuicklist,
                                      RdbType::kListQuicklist2};
  const std::vector<RdbType> zsets = {RdbType::kZSet, RdbType::kZSet2, RdbType::kZSetZiplist,
                                      RdbType::kZSetListpack};
  const std::vector<RdbType> hashes = {RdbType::kHash, RdbType::kHashZipmap, RdbType::kHashZiplist,
                                       RdbType::kHashListpack};
  std::vector<std::string> many = strings(5000, "element-");
  many.push_back(std::string(9000, 'x'));
  many.push_back("");
  return {
      {DumpValue::string(""), {RdbType::kString}},
      {DumpValue::string("-123"), {RdbType::kString}},
      {DumpValue::string(std::string(5000, 'q')), {RdbType::kString}},
      {DumpValue::list({"a", "1", "", "-70000"}), lists},
      {DumpValue::list(many), lists},
      {DumpValue::set({"3", "-1", "70000", "9223372036854775807"}), {RdbType::kSet, RdbType::kSetIntset}},
      {DumpValue::set(strings(700, "m")), {RdbType::kSet}},
      {DumpValue::zset(zs), zsets},
      {DumpValue::hash(fields), hashes},
  };
}

TEST(Payload, EveryEncodingRoundTrips) {
  for (const bool compress : {true, false}) {
    EncodeOptions options;
    options.compress = compress;
    DumpEncoder enc(options);
    for (const auto& s : samples()) {
      for (const RdbType t : s.encodings) {
        SCOPED_TRACE(std::string(rdb_type_name(static_cast<uint8_t>(t))) + (compress ? " lzf" : ""));
        std::string payload;
        ASSERT_TRUE(enc.encode_payload(s.value, t, &payload).ok());
        auto r = decode_dump_payload(payload);
        ASSERT_TRUE(r.ok()) << r.error().detail;
        EXPECT_EQ(r->rdb_type, t);
        EXPECT_EQ(canonical(r->value), canonical(s.value));
        if (s.value.type == ValueType::kList || s.value.type == ValueType::kHash) {
          EXPECT_EQ(r->value, s.value);
        }
      }
    }
  }
}

TEST(Payload, PlainQuicklistNodes) {
  EncodeOptions options;
  options.packed_threshold = 10;
  DumpEncoder enc(options);
  const DumpValue v = DumpValue::list({"a", std::string(10, 'p'), "b", "c", std::string(50, 'q'), "d"});
  std::string payload;
  ASSERT_TRUE(enc.encode_payload(v, RdbType::kListQuicklist2, &payload).ok());
  EXPECT_EQ(payload[1], 5);  // a | p | b c | q | d
  auto r = decode_dump_payload(payload);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->value, v);
}

TEST(Payload, ChooseEncoding) {
  EXPECT_EQ(choose_rdb_type(DumpValue::set({"1", "2"})), RdbType::kSetIntset);
  EXPECT_EQ(choose_rdb_type(DumpValue::set({"1", "x"})), RdbType::kSet);
  EXPECT_EQ(choose_rdb_type(DumpValue::set(strings(513, ""))), RdbType::kSet);
  EXPECT_EQ(choose_rdb_type(DumpValue::zset({{"a", 1}})), RdbType::kZSetListpack);
  EXPECT_EQ(choose_rdb_type(DumpValue::zset({{std::string(65, 'a'), 1}})), RdbType::kZSet2);
  EXPECT_EQ(choose_rdb_type(DumpValue::hash({{"f", std::string(65, 'v')}})), RdbType::kHash);
  EXPECT_EQ(choose_rdb_type(DumpValue::list({"a"})), RdbType::kListQuicklist2);
  auto payload = make_dump_payload(DumpValue::hash({{"f", "v"}}));
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(static_cast<uint8_t>((*payload)[0]), static_cast<uint8_t>(RdbType::kHashListpack));
}

TEST(Payload, EncoderRefusesWhatRedisCannotStore) {
  DumpEncoder enc;
  std::string out;
  EXPECT_EQ(enc.encode_payload(DumpValue::set({"1", "x"}), RdbType::kSetIntset, &out).error().code,
            DumpErrc::kInvalidValue);
  EXPECT_EQ(enc.encode_payload(DumpValue::zset({{"a", std::nan("")}}), RdbType::kZSet2, &out).error().code,
            DumpErrc::kInvalidValue);
  EXPECT_FALSE(enc.encode_payload(DumpValue::list({}), RdbType::kListQuicklist2, &out).ok());
  EXPECT_FALSE(enc.encode_payload(DumpValue::hash({}), RdbType::kHashListpack, &out).ok());
  EXPECT_FALSE(enc.encode_payload(DumpValue::string("x"), RdbType::kHash, &out).ok());
  EXPECT_FALSE(enc.encode_payload(DumpValue::list({"a"}), RdbType::kStreamListpacks2, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(Payload, FooterChecks) {
  auto good = make_dump_payload(DumpValue::string("hello"));
  ASSERT_TRUE(good.ok());
  uint16_t version = 0;
  ASSERT_TRUE(verify_dump_footer(*good, &version).ok());
  EXPECT_EQ(version, 10);
  // Version 11 (Redis 7.2) is newer than ours; older versions are fine.
  EXPECT_EQ(decode_error(with_footer(unhex("000568656c6c6f"), 11)), DumpErrc::kVersionOrChecksum);
  EXPECT_TRUE(decode_dump_payload(with_footer(unhex("000568656c6c6f"), 6)).ok());
  for (size_t i = 0; i < good->size(); ++i) {
    std::string bad = *good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_EQ(decode_error(bad), DumpErrc::kVersionOrChecksum) << i;
  }
  EXPECT_EQ(decode_error(""), DumpErrc::kVersionOrChecksum);
  EXPECT_EQ(decode_error(good->substr(0, good->size() - 1)), DumpErrc::kVersionOrChecksum);
  // A CRC with initial value 0 does not see leading zero bytes, in Redis as here: dropping the type byte
  // of a string payload passes the footer and fails in the object.
  EXPECT_EQ(decode_error(good->substr(1)), DumpErrc::kBadFormat);
  EXPECT_EQ(dump_error_reply(DumpErrc::kVersionOrChecksum), "ERR DUMP payload version or checksum are wrong");
  EXPECT_EQ(dump_error_reply(DumpErrc::kBadFormat), "ERR Bad data format");
  EXPECT_EQ(dump_error_reply(DumpErrc::kUnsupported), "ERR Bad data format");
}

TEST(Payload, RefusesMalformedObjects) {
  const std::pair<const char*, DumpErrc> cases[] = {
      {"", DumpErrc::kBadFormat},                                   // no type byte
      {"08", DumpErrc::kBadFormat},                                 // not an object type
      {"14", DumpErrc::kBadFormat},                                 // set listpack is Redis 7.2
      {"0f00", DumpErrc::kUnsupported},                             // stream
      {"1300", DumpErrc::kUnsupported},                             // stream v2
      {"0700", DumpErrc::kUnsupported},                             // module
      {"0600", DumpErrc::kUnsupported},                             // module (pre-GA)
      {"0001616161", DumpErrc::kBadFormat},                         // bytes left over
      {"0005616161", DumpErrc::kBadFormat},                         // truncated string
      {"0100", DumpErrc::kBadFormat},                               // empty list
      {"0200", DumpErrc::kBadFormat},                               // empty set
      {"02020161", DumpErrc::kBadFormat},                           // truncated set
      {"0202016101 61", DumpErrc::kBadFormat},                      // duplicate members
      {"040201610162016101 63", DumpErrc::kBadFormat},              // duplicate fields
      {"050101610000000000 00f87f", DumpErrc::kBadFormat},          // NaN score
      {"0302016101310161 0132", DumpErrc::kBadFormat},              // duplicate zset members
      {"030101 61fd", DumpErrc::kBadFormat},                        // NaN text score
      {"030101 6103616263", DumpErrc::kBadFormat},                  // text score not a number
      {"1201 03 00", DumpErrc::kBadFormat},                         // unknown quicklist container
      {"1201 01 00", DumpErrc::kBadFormat},                         // empty plain node
      {"1201 02 07 0700000000 00ff", DumpErrc::kBadFormat},         // only an empty listpack
      {"120c", DumpErrc::kBadFormat},                               // more nodes than bytes
      {"0bc0 05", DumpErrc::kBadFormat},                            // intset blob that is an integer string
      {"1107 0700000000 00ff", DumpErrc::kBadFormat},               // empty zset listpack
      {"110d 0d00000003008161028162 02ff", DumpErrc::kBadFormat},   // odd listpack pairs
      {"10 0e 0e00000002008161028161 02ff", DumpErrc::kBadFormat},  // duplicate listpack fields...
      {"0281ffffffffffffffff", DumpErrc::kBadFormat},               // absurd count
      {"00c3 0105 0061", DumpErrc::kBadFormat},                     // LZF announcing more than it makes
      {"00c3 0000", DumpErrc::kBadFormat},                          // empty LZF
  };
  for (const auto& [h, code] : cases) {
    std::string object;
    for (const char c : std::string(h)) {
      if (c != ' ') object.push_back(c);
    }
    SCOPED_TRACE(h);
    auto r = decode_dump_payload(with_footer(unhex(object)));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().detail;
  }
}

TEST(Payload, DecodeBudget) {
  auto payload = make_dump_payload(DumpValue::list(strings(1000, "element-")));
  ASSERT_TRUE(payload.ok());
  DecodeOptions small;
  small.max_decoded_bytes = 10000;
  EXPECT_FALSE(decode_dump_payload(*payload, small).ok());
  EXPECT_TRUE(decode_dump_payload(*payload).ok());
}

// Every prefix and every single-byte change of the captured Redis payloads (with a recomputed footer,
// so the object parser itself is exercised) decodes or is refused; decoded values re-encode.
TEST(Payload, TruncatedAndCorruptedRedisPayloads) {
  const auto cases = load_redis_cases(std::string(CODIS_RDB_TESTDATA) + "/redis70_dumps.tsv");
  size_t decoded = 0;
  size_t refused = 0;
  DumpEncoder enc;
  for (const auto& c : cases) {
    const std::string object = c.payload.substr(0, c.payload.size() - 10);
    if (object.size() > 2048) continue;
    for (size_t n = 0; n < object.size(); ++n) {
      EXPECT_FALSE(decode_dump_payload(with_footer(object.substr(0, n))).ok()) << c.name << " " << n;
    }
    for (size_t i = 0; i < object.size(); ++i) {
      for (const uint8_t flip : {0x01, 0xff}) {
        std::string bad = object;
        bad[i] = static_cast<char>(bad[i] ^ flip);
        auto r = decode_dump_payload(with_footer(bad));
        if (!r.ok()) {
          ++refused;
          continue;
        }
        ++decoded;
        std::string again;
        EXPECT_TRUE(enc.encode_payload(r->value, r->rdb_type, &again).ok()) << c.name << " " << i;
      }
    }
  }
  EXPECT_GT(decoded, 100u);
  EXPECT_GT(refused, 100u);
}

}  // namespace
}  // namespace codis::server::rdb
