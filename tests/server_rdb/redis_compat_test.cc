// The codec against Redis 7.0.15 itself: every payload in data/redis70_dumps.tsv (DUMP output captured by
// data/capture_redis.py) must decode to the value Redis's read commands returned, in the encoding OBJECT
// ENCODING named, and our encoder must reproduce the payload byte for byte: from the decoded value for
// every case, and from the independently read value wherever Redis's order is defined.
#include <gtest/gtest.h>

#include <map>

#include "server/rdb/decoder.h"
#include "server/rdb/encoder.h"
#include "tests/server_rdb/test_util.h"

namespace codis::server::rdb {
namespace {

using testing::canonical;
using testing::hex;
using testing::load_redis_cases;
using testing::RedisCase;

const std::vector<RedisCase>& cases() {
  static const std::vector<RedisCase> kCases =
      load_redis_cases(std::string(CODIS_RDB_TESTDATA) + "/redis70_dumps.tsv");
  return kCases;
}

RdbType expected_type(const RedisCase& c) {
  static const std::map<std::pair<std::string, std::string>, RdbType> kTypes = {
      {{"string", "int"}, RdbType::kString},          {{"string", "embstr"}, RdbType::kString},
      {{"string", "raw"}, RdbType::kString},          {{"list", "quicklist"}, RdbType::kListQuicklist2},
      {{"set", "intset"}, RdbType::kSetIntset},       {{"set", "hashtable"}, RdbType::kSet},
      {{"zset", "listpack"}, RdbType::kZSetListpack}, {{"zset", "skiplist"}, RdbType::kZSet2},
      {{"hash", "listpack"}, RdbType::kHashListpack}, {{"hash", "hashtable"}, RdbType::kHash},
  };
  return kTypes.at({c.kind, c.encoding});
}

// Hash tables iterate in an order of Redis's choosing (seeded hashing): only those cannot be re-encoded
// from the value read back with SMEMBERS/HGETALL.
bool order_is_defined(RdbType t) {
  return t != RdbType::kSet && t != RdbType::kHash;
}

TEST(RedisCompat, HasCases) {
  EXPECT_GE(cases().size(), 60u);
}

TEST(RedisCompat, DecodesToRedisValue) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    auto r = decode_dump_payload(c.payload);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->rdb_type, expected_type(c));
    EXPECT_EQ(canonical(r->value), canonical(c.expected));
  }
}

TEST(RedisCompat, ReencodesDecodedValueByteForByte) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    auto r = decode_dump_payload(c.payload);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    DumpEncoder enc(c.options);
    std::string out;
    ASSERT_TRUE(enc.encode_payload(r->value, r->rdb_type, &out).ok());
    EXPECT_EQ(hex(out), hex(c.payload));
  }
}

TEST(RedisCompat, EncodesReadValueByteForByte) {
  size_t checked = 0;
  for (const auto& c : cases()) {
    const RdbType t = expected_type(c);
    if (!order_is_defined(t)) continue;
    SCOPED_TRACE(c.name);
    DumpEncoder enc(c.options);
    std::string out;
    ASSERT_TRUE(enc.encode_payload(c.expected, t, &out).ok());
    EXPECT_EQ(hex(out), hex(c.payload));
    ++checked;
  }
  EXPECT_GE(checked, 50u);
}

TEST(RedisCompat, ChoosesRedisEncoding) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(choose_rdb_type(c.expected), expected_type(c));
  }
}

TEST(RedisCompat, OneEncoderAcrossAllCases) {
  // The LZF table is reused between values; stale slots must never change the output.
  std::map<std::string, DumpEncoder> encoders;
  for (int round = 0; round < 2; ++round) {
    for (const auto& c : cases()) {
      SCOPED_TRACE(c.name);
      const std::string key = std::to_string(c.options.compress) + "/" +
                              std::to_string(c.options.list_max_listpack_size) + "/" +
                              std::to_string(c.options.packed_threshold);
      auto it = encoders.try_emplace(key, c.options).first;
      auto r = decode_dump_payload(c.payload);
      ASSERT_TRUE(r.ok());
      std::string out;
      ASSERT_TRUE(it->second.encode_payload(r->value, r->rdb_type, &out).ok());
      EXPECT_EQ(out, c.payload);
    }
  }
}

}  // namespace
}  // namespace codis::server::rdb
