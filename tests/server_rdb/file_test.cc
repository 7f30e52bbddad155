// The RDB file writer and reader without Redis: round trips of every type and encoding with expiries,
// LRU/LFU info and several dbs; the exact framing Redis writes (header, aux fields, SELECTDB/RESIZEDB,
// EOF, checksum); input split at every byte; and truncated, corrupt, unsupported and newer files refused
// with the offset where they go wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "server/rdb/crc64.h"
#include "server/rdb/file_format.h"
#include "tests/server_rdb/file_util.h"
#include "tests/server_rdb/test_util.h"

namespace codis::server::rdb {
namespace {

using testing::canonical;
using testing::FileKey;
using testing::read_file;
using testing::write_file;

std::vector<std::string> many(int n, const std::string& prefix) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i * 7));
  return out;
}

// Every value type in every encoding the writer can produce, small and big.
std::vector<FileKey> every_encoding() {
  std::vector<std::pair<std::string, double>> zs = {{"a", 1.5}, {"b", -2},       {"c", 1e20},     {"d", 3},
                                                    {"e", 0.1}, {"f", HUGE_VAL}, {"g", -HUGE_VAL}};
  std::vector<std::pair<std::string, std::string>> hs = {
      {"f", "v"}, {"n", "123"}, {"long", std::string(300, 'x')}, {"", ""}, {"-5", "70000"}};
  std::vector<std::string> list = many(3000, "e");
  list.push_back(std::string(20000, 'z'));
  std::vector<std::pair<DumpValue, std::vector<RdbType>>> samples = {
      {DumpValue::string("hello"), {RdbType::kString}},
      {DumpValue::string("12345"), {RdbType::kString}},
      {DumpValue::string(std::string(5000, 'q')), {RdbType::kString}},
      {DumpValue::list(list),
       {RdbType::kList, RdbType::kListZiplist, RdbType::kListQuicklist, RdbType::kListQuicklist2}},
      {DumpValue::list({"a", "1", "b"}), {RdbType::kListQuicklist2}},
      {DumpValue::zset(zs), {RdbType::kZSet, RdbType::kZSet2, RdbType::kZSetZiplist, RdbType::kZSetListpack}},
      {DumpValue::hash(hs),
       {RdbType::kHash, RdbType::kHashZipmap, RdbType::kHashZiplist, RdbType::kHashListpack}},
      {DumpValue::set({"1", "-5", "70000", "9223372036854775807"}), {RdbType::kSet, RdbType::kSetIntset}},
      {DumpValue::set(many(1000, "m")), {RdbType::kSet}},
  };
  std::vector<FileKey> keys;
  int n = 0;
  for (const auto& [value, types] : samples) {
    for (const RdbType t : types) {
      FileKey k;
      k.db = static_cast<uint64_t>(n % 3 == 0 ? 0 : n % 3 == 1 ? 1 : 3);
      k.key = std::string(rdb_type_name(static_cast<uint8_t>(t))) + ":" + std::to_string(n);
      k.value = value;
      k.type = t;
      if (n % 2 == 0) k.meta.expire_ms = 1900000000000 + n;
      if (n % 5 == 1) k.meta.lru_idle = static_cast<uint64_t>(n) * 1000;
      if (n % 5 == 2) k.meta.lfu_freq = static_cast<uint8_t>(n * 10);
      keys.push_back(std::move(k));
      ++n;
    }
  }
  std::stable_sort(keys.begin(), keys.end(), [](const FileKey& a, const FileKey& b) { return a.db < b.db; });
  return keys;
}

void expect_same_keys(const std::vector<FileKey>& want, const std::vector<KeyRecord>& got) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].key);
    EXPECT_EQ(got[i].db, want[i].db);
    EXPECT_EQ(got[i].key, want[i].key);
    EXPECT_EQ(got[i].object.rdb_type, want[i].type);
    EXPECT_EQ(canonical(got[i].object.value), canonical(want[i].value));
    EXPECT_EQ(got[i].expire_ms, want[i].meta.expire_ms);
    EXPECT_EQ(got[i].lru_idle, want[i].meta.lru_idle);
    EXPECT_EQ(got[i].lfu_freq, want[i].meta.lfu_freq);
  }
}

TEST(RdbFile, EveryTypeAndEncodingRoundTrips) {
  const auto keys = every_encoding();
  for (const bool compress : {true, false}) {
    for (const bool checksum : {true, false}) {
      SCOPED_TRACE(std::string(compress ? "lzf" : "raw") + (checksum ? " crc" : " no-crc"));
      FileWriterOptions o;
      o.compress = compress;
      o.checksum = checksum;
      const std::string file = write_file(keys, o);
      ASSERT_FALSE(file.empty());
      const auto r = read_file(file, {4096, 1, 70000, 3});
      ASSERT_FALSE(r.error) << r.error->describe();
      expect_same_keys(keys, r.keys);
      EXPECT_EQ(r.end.size, file.size());
      EXPECT_EQ(r.end.version, 10);
      EXPECT_EQ(r.end.checksum_verified, checksum);
      ASSERT_EQ(r.resize.size(), 3u);
      EXPECT_EQ(r.resize[2].db, 3u);
    }
  }
}

TEST(RdbFile, EmptyFileIsHeaderAuxAndEof) {
  AuxInfo aux;
  aux.ctime = 1700000000;
  aux.used_mem = 5000000000;  // over 32 bits: written as text
  const std::string file = write_file({}, {}, aux);
  EXPECT_EQ(file.substr(0, 9), "REDIS0010");
  EXPECT_EQ(static_cast<uint8_t>(file[file.size() - 9]), 0xff);
  EXPECT_EQ(
      testing::hex(file.substr(file.size() - 8)), testing::hex(std::string_view(file).substr(0, 0)) + [&] {
        std::string le;
        append_le(crc64(0, std::string_view(file).substr(0, file.size() - 8)), 8, &le);
        return testing::hex(le);
      }());
  const auto r = read_file(file);
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_TRUE(r.keys.empty());
  EXPECT_TRUE(r.resize.empty());
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& a : r.aux) got.emplace_back(a.field, a.value);
  const std::vector<std::pair<std::string, std::string>> want = {{"redis-ver", "7.0.15"},
                                                                 {"redis-bits", "64"},
                                                                 {"ctime", "1700000000"},
                                                                 {"used-mem", "5000000000"},
                                                                 {"aof-base", "0"}};
  EXPECT_EQ(got, want);
  EXPECT_TRUE(r.end.checksum_verified);
}

TEST(RdbFile, ReplicationAuxFieldsAndFunctions) {
  AuxInfo aux;
  aux.repl = AuxInfo::Repl{2, std::string(40, 'a'), 12345};
  FileWriter w;
  std::string out;
  w.begin(aux, &out);
  w.function("#!lua name=lib\nredis.register_function('f', function() return 1 end)", &out);
  w.finish(&out);
  const auto r = read_file(out);
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.aux.size(), 8u);
  EXPECT_EQ(r.aux[4].field, "repl-stream-db");
  EXPECT_EQ(r.aux[5].value, std::string(40, 'a'));
  EXPECT_EQ(r.aux[6].value, "12345");
  EXPECT_EQ(r.aux[7].field, "aof-base");
  ASSERT_EQ(r.functions.size(), 1u);
  EXPECT_EQ(r.functions[0].code.substr(0, 14), "#!lua name=lib");
}

TEST(RdbFile, WriterOutputCanBeDrainedAtAnyPoint) {
  const auto keys = every_encoding();
  const std::string whole = write_file(keys);
  // The same file written while the caller drains its buffer after every call.
  FileWriter w;
  std::string buf;
  std::string file;
  auto drain = [&] {
    file += buf;
    buf.clear();
  };
  w.begin({}, &buf);
  drain();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i == 0 || keys[i].db != keys[i - 1].db) {
      uint64_t n = 0;
      uint64_t e = 0;
      for (const auto& k : keys) {
        if (k.db == keys[i].db) {
          ++n;
          e += k.meta.expire_ms.has_value();
        }
      }
      w.select_db(keys[i].db, n, e, &buf);
    }
    ASSERT_TRUE(w.key(keys[i].key, keys[i].value, keys[i].type, keys[i].meta, &buf).ok());
    if (buf.size() > 10000) drain();
  }
  w.finish(&buf);
  drain();
  EXPECT_EQ(file, whole);
  EXPECT_EQ(w.bytes_written(), file.size());
}

TEST(RdbFile, RefusedValueLeavesTheBufferAlone) {
  FileWriter w;
  std::string out = "x";
  KeyMeta meta;
  meta.expire_ms = 5;
  EXPECT_FALSE(w.key("k", DumpValue::set({"a"}), RdbType::kSetIntset, meta, &out).ok());
  EXPECT_EQ(out, "x");
  EXPECT_EQ(w.bytes_written(), 0u);
}

std::vector<FileKey> small_keys() {
  std::vector<FileKey> keys(4);
  keys[0].key = "s";
  keys[0].value = DumpValue::string("v");
  keys[0].meta.expire_ms = 1700000000123;
  keys[1].key = "l";
  keys[1].value = DumpValue::list({"a", "bb", "12"});
  keys[1].type = RdbType::kListQuicklist2;
  keys[1].meta.lfu_freq = 5;
  keys[2].db = 2;
  keys[2].key = "h";
  keys[2].value = DumpValue::hash({{"f", "1"}});
  keys[2].type = RdbType::kHash;
  keys[2].meta.lru_idle = 300;
  keys[3].db = 2;
  keys[3].key = "z";
  keys[3].value = DumpValue::zset({{"m", 2.5}});
  keys[3].type = RdbType::kZSet2;
  return keys;
}

TEST(RdbFile, SplitAtEveryByteBoundary) {
  const auto keys = small_keys();
  const std::string file = write_file(keys);
  for (size_t cut = 0; cut <= file.size(); ++cut) {
    SCOPED_TRACE(cut);
    const auto r = read_file(file, {cut, 0});
    ASSERT_FALSE(r.error) << r.error->describe();
    expect_same_keys(keys, r.keys);
  }
  const auto bytewise = read_file(file, {1});
  ASSERT_FALSE(bytewise.error);
  expect_same_keys(keys, bytewise.keys);
}

TEST(RdbFile, BuffersOneRecordNotTheFile) {
  std::vector<FileKey> keys;
  for (int i = 0; i < 2000; ++i) {
    FileKey k;
    k.key = "key:" + std::to_string(i);
    k.value = DumpValue::string(std::string(500, static_cast<char>('a' + i % 26)) + std::to_string(i));
    keys.push_back(std::move(k));
  }
  FileWriterOptions o;
  o.compress = false;
  const std::string file = write_file(keys, o);
  ASSERT_GT(file.size(), 1000000u);
  const auto r = read_file(file, {4096});
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.keys.size(), keys.size());
  EXPECT_LT(r.peak_buffered, 3u * 4096);
}

TEST(RdbFile, EveryTruncationIsRefusedWithItsOffset) {
  const std::string file = write_file(small_keys());
  for (size_t len = 0; len < file.size(); ++len) {
    SCOPED_TRACE(len);
    const auto r = read_file(file.substr(0, len), {0});
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->code, FileErrc::kTruncated) << r.error->describe();
    EXPECT_LE(r.error->offset, len);
    EXPECT_NE(r.error->message.find("Unexpected EOF reading RDB file"), std::string::npos);
  }
}

TEST(RdbFile, EveryByteFlipIsCaught) {
  const std::string file = write_file(small_keys());
  for (size_t i = 0; i < file.size(); ++i) {
    for (const uint8_t mask : {0x01, 0x80, 0xff}) {
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      const auto r = read_file(bad, {7});
      // A flip inside the stored checksum that zeroes it would disable the check; none of these do.
      ASSERT_TRUE(r.error) << "byte " << i << " mask " << int(mask);
      EXPECT_LE(r.error->offset, file.size());
    }
  }
}

TEST(RdbFile, ChecksumMismatchIsWordedAsRedis) {
  std::string file = write_file(small_keys());
  file[file.size() - 1] ^= 1;
  const auto r = read_file(file);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, FileErrc::kChecksum);
  EXPECT_EQ(r.error->offset, file.size() - 8);
  EXPECT_EQ(r.error->message.rfind("Wrong RDB checksum expected: (", 0), 0u) << r.error->message;
  EXPECT_NE(r.error->message.find(") but got ("), std::string::npos);
  // rdbchecksum no on load reads it but does not compare.
  FileReaderOptions o;
  o.verify_checksum = false;
  const auto unchecked = read_file(file, {0}, o);
  EXPECT_FALSE(unchecked.error);
  EXPECT_FALSE(unchecked.end.checksum_verified);
  // A zero checksum means the writer did not compute one.
  FileWriterOptions wo;
  wo.checksum = false;
  const std::string zero = write_file(small_keys(), wo);
  EXPECT_EQ(zero.substr(zero.size() - 8), std::string(8, '\0'));
  EXPECT_FALSE(read_file(zero).error);
}

// A file's bytes with the header's version replaced and, for versions before 5, no checksum.
std::string as_version(std::string file, int version) {
  char digits[5];
  std::snprintf(digits, sizeof digits, "%04d", version);
  file.replace(5, 4, digits);
  file.resize(file.size() - 8);
  if (version >= 5) append_le(crc64(0, file), 8, &file);
  return file;
}

TEST(RdbFile, OlderVersionsLoadNewerAreRefused) {
  const auto keys = small_keys();
  const std::string file = write_file(keys);
  for (int v = 1; v <= 10; ++v) {
    SCOPED_TRACE(v);
    const auto r = read_file(as_version(file, v));
    ASSERT_FALSE(r.error) << r.error->describe();
    expect_same_keys(keys, r.keys);
    EXPECT_EQ(r.end.version, v);
  }
  for (const int v : {0, 11, 9999}) {
    SCOPED_TRACE(v);
    const auto r = read_file(as_version(file, v));
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->code, FileErrc::kVersion);
    EXPECT_EQ(r.error->message, "Can't handle RDB format version " + std::to_string(v));
  }
  // Redis reads the version with atoi; we want four digits.
  std::string odd = file;
  odd[8] = '\xb0';
  const auto digits = read_file(odd);
  ASSERT_TRUE(digits.error);
  EXPECT_EQ(digits.error->message, "Can't handle RDB format version '001\\xb0'");
  const auto sig = read_file("REDIX0010\xff");
  ASSERT_TRUE(sig.error);
  EXPECT_EQ(sig.error->code, FileErrc::kSignature);
  EXPECT_EQ(sig.error->message, "Wrong signature trying to load DB from file");
}

// Header, then `body` (raw records), EOF and checksum.
std::string raw_file(std::string_view body) {
  std::string f = "REDIS0010";
  f += body;
  f.push_back(static_cast<char>(0xff));
  append_le(crc64(0, f), 8, &f);
  return f;
}

TEST(RdbFile, SecondsExpiryAndTextScoresFromOldServers) {
  // EXPIRETIME (seconds, 4 bytes) before a string key; a zset with text scores.
  std::string body = "\xfd";
  append_le(1700000000, 4, &body);
  body += std::string("\x00\x01k\x01v", 5);
  body += std::string("\x03\x01z\x01\x01m\x03") + "2.5";
  const auto r = read_file(raw_file(body));
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.keys.size(), 2u);
  EXPECT_EQ(r.keys[0].expire_ms, int64_t{1700000000} * 1000);
  EXPECT_EQ(r.keys[1].object.value, DumpValue::zset({{"m", 2.5}}));
  EXPECT_FALSE(r.keys[1].expire_ms);
}

TEST(RdbFile, EmptyCollectionsAreSkippedAsRedisDoes) {
  const auto r = read_file(raw_file(std::string("\x02\x01s\x00", 4) + std::string("\x00\x01k\x01v", 5)));
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.keys.size(), 1u);
  EXPECT_EQ(r.keys[0].key, "k");
}

void expect_error(std::string_view body, FileErrc code, std::string_view text, uint64_t offset) {
  const auto r = read_file(raw_file(body));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, code) << r.error->describe();
  EXPECT_NE(r.error->message.find(text), std::string::npos) << r.error->describe();
  EXPECT_EQ(r.error->offset, offset) << r.error->describe();
}

TEST(RdbFile, UnsupportedContentIsRefusedClearly) {
  expect_error(std::string("\x13\x01s\x00", 4), FileErrc::kUnsupported, "streams are not supported", 9);
  // A module value of type "mymodtype", encoding version 1: the 64-bit id as a length.
  const uint64_t id = [] {
    static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t v = 0;
    for (const char c : std::string("mymodtype"))
      v = (v << 6) | static_cast<uint64_t>(std::strchr(kChars, c) - kChars);
    return (v << 10) | 1;
  }();
  std::string module = "\x07\x01k\x81";
  append_be(id, 8, &module);
  expect_error(module, FileErrc::kUnsupported, "no matching module type 'mymodtype'", 9);
  std::string aux = "\xf7\x81";
  append_be(id, 8, &aux);
  expect_error(aux, FileErrc::kUnsupported, "AUX module data I can't load: no matching module 'mymodtype'",
               9);
  expect_error("\xf6", FileErrc::kUnsupported, "Pre-release function format not supported.", 9);
  expect_error(std::string("\x00\x01k\x01v", 5) + "\x20", FileErrc::kCorrupt, "Unknown RDB encoding type 32",
               14);
  expect_error("\xfe\x10", FileErrc::kTooManyDatabases, "more than 16 databases", 9);
}

TEST(RdbFile, CorruptValuesNameTheKeyAndOffset) {
  // A hash listpack whose blob is not a listpack.
  expect_error(std::string("\x10\x01h\x03xyz", 7), FileErrc::kCorrupt, "bad hash_listpack value of key 'h'",
               12);
  // A bad length byte where a key's length belongs.
  expect_error(std::string("\x00\x82", 2), FileErrc::kCorrupt, "unknown length encoding", 9);
}

TEST(RdbFile, HugeLengthsFailFastWithoutBuffering) {
  // A key claiming 2^40 bytes: refused as soon as its length is read, not after waiting for input.
  FileReaderOptions o;
  o.decode.max_decoded_bytes = uint64_t{1} << 20;
  FileReader r(o);
  std::string head = "REDIS0010";
  head += std::string("\x00\x81", 2);
  append_be(uint64_t{1} << 40, 8, &head);
  r.feed(head);
  auto ev = r.next();
  ASSERT_FALSE(ev.ok());
  EXPECT_EQ(ev.error().code, FileErrc::kCorrupt);
  EXPECT_EQ(ev.error().offset, 9u);
  // A list claiming 2^40 elements of which few arrive: framed element by element until the input ends.
  FileReader r2(o);
  std::string list = "REDIS0010\x01\x01l\x81";
  append_be(uint64_t{1} << 40, 8, &list);
  r2.feed(list + std::string("\x01x", 2));
  EXPECT_TRUE(std::holds_alternative<NeedInput>(*r2.next()));
  r2.finish_input();
  auto end = r2.next();
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, FileErrc::kTruncated);
}

TEST(RdbFile, BytesAfterTheChecksumAreLeftAlone) {
  const std::string file = write_file(small_keys());
  const auto r = read_file(file + "*garbage", {5});
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.end.size, file.size());
}

}  // namespace
}  // namespace codis::server::rdb
