// extract_keys for every key-finding pattern: single key, ranges, step 2, last -2, numkeys forms, STORE
// and STREAMS keywords, getkeys fallbacks, shard channels, and the errors for malformed arguments.
#include "cmd/keys.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cmd/table.h"

namespace codis::cmd {
namespace {

struct Extracted {
  KeysError err = KeysError::kNone;
  std::vector<uint32_t> indices;
  std::vector<uint16_t> flags;
  std::string text;
};

// Splits on spaces; "''" stands for an empty argument.
Extracted extract(std::string_view line, KeySearch search = KeySearch::kKeys) {
  static std::vector<std::string> storage;
  storage.clear();
  size_t start = 0;
  while (start <= line.size()) {
    size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    std::string word(line.substr(start, end - start));
    storage.push_back(word == "''" ? "" : word);
    start = end + 1;
  }
  std::vector<std::string_view> argv(storage.begin(), storage.end());
  const CommandSpec* spec = lookup(argv[0]);
  EXPECT_NE(spec, nullptr) << line;
  if (spec->is_container()) spec = lookup_subcommand(*spec, argv[1]);
  KeyList keys;
  Extracted out;
  out.err = extract_keys(*spec, argv, keys, search);
  for (const KeyPos& k : keys) {
    out.indices.push_back(k.index);
    out.flags.push_back(k.flags);
  }
  if (out.err != KeysError::kNone) out.text = keys_error_text(*spec, out.err);
  return out;
}

using V = std::vector<uint32_t>;

TEST(ExtractKeys, SingleKey) {
  EXPECT_EQ(extract("get k").indices, V{1});
  EXPECT_EQ(extract("GET k").flags, std::vector<uint16_t>{kf::kRO | kf::kAccess});
  EXPECT_EQ(extract("hset h f v f2 v2").indices, V{1});
  EXPECT_EQ(extract("object encoding k").indices, V{2});
  EXPECT_EQ(extract("memory usage k samples 5").indices, V{2});
  EXPECT_EQ(extract("xgroup create s g $ mkstream").indices, V{2});
}

TEST(ExtractKeys, NoKeys) {
  EXPECT_TRUE(extract("ping").indices.empty());
  EXPECT_EQ(extract("ping").err, KeysError::kNone);
  EXPECT_TRUE(extract("dbsize").indices.empty());
  EXPECT_TRUE(extract("config get maxmemory").indices.empty());
  EXPECT_FALSE(may_have_keys(*lookup("ping")));
  EXPECT_TRUE(may_have_keys(*lookup("get")));
  EXPECT_TRUE(may_have_keys(*lookup("eval")));
  EXPECT_FALSE(may_have_keys(*lookup("spublish")));  // its channel is not a key
}

TEST(ExtractKeys, Ranges) {
  EXPECT_EQ(extract("mget a b c").indices, (V{1, 2, 3}));
  EXPECT_EQ(extract("del a b c d").indices, (V{1, 2, 3, 4}));
  EXPECT_EQ(extract("mset a 1 b 2 c 3").indices, (V{1, 3, 5}));   // step 2
  EXPECT_EQ(extract("blpop a b c 0").indices, (V{1, 2, 3}));      // last -2: the timeout is no key
  EXPECT_EQ(extract("brpoplpush src dst 0").indices, (V{1, 2}));  // two specs
  EXPECT_EQ(extract("bitop and dst a b").indices, (V{2, 3, 4}));
  EXPECT_EQ(extract("slotsrestore a 0 p1 b 0 p2").indices, (V{1, 4}));  // step 3
  EXPECT_EQ(extract("slotsmgrttagone-async h p 0 1 2 k1 k2").indices, (V{6, 7}));
  const auto lmove = extract("lmove src dst left right");
  EXPECT_EQ(lmove.indices, (V{1, 2}));
  EXPECT_EQ(lmove.flags, (std::vector<uint16_t>{kf::kRW | kf::kAccess | kf::kDelete, kf::kRW | kf::kInsert}));
}

TEST(ExtractKeys, Numkeys) {
  EXPECT_EQ(extract("zunionstore d 2 a b weights 1 2").indices, (V{1, 3, 4}));
  EXPECT_EQ(extract("zinter 2 a b withscores").indices, (V{2, 3}));
  EXPECT_EQ(extract("sintercard 3 a b c limit 1").indices, (V{2, 3, 4}));
  EXPECT_EQ(extract("eval script 2 k1 k2 a1 a2").indices, (V{3, 4}));
  EXPECT_EQ(extract("fcall_ro f 1 k a").indices, (V{3}));
  EXPECT_EQ(extract("lmpop 2 a b left count 3").indices, (V{2, 3}));
  EXPECT_EQ(extract("blmpop 0.5 2 a b right").indices, (V{3, 4}));
  EXPECT_EQ(extract("bzmpop 1 1 z min").indices, (V{3}));
  // EVAL with no keys is fine: no_mandatory_keys; the proxy sends it to any group.
  const auto eval0 = extract("eval script 0 a1");
  EXPECT_EQ(eval0.err, KeysError::kNone);
  EXPECT_TRUE(eval0.indices.empty());
}

TEST(ExtractKeys, NumkeysErrorsSpeakLikeTheCommand) {
  EXPECT_EQ(extract("zunionstore d x a").text, "ERR value is not an integer or out of range");
  EXPECT_EQ(extract("zunionstore d 0 a").text,
            "ERR at least 1 input key is needed for 'zunionstore' command");
  EXPECT_EQ(extract("zunion -1 a").text, "ERR at least 1 input key is needed for 'zunion' command");
  EXPECT_EQ(extract("zinterstore d 3 a").text, "ERR syntax error");
  EXPECT_EQ(extract("zintercard 0 a").text, "ERR at least 1 input key is needed for 'zintercard' command");
  EXPECT_EQ(extract("eval s x a").text, "ERR value is not an integer or out of range");
  EXPECT_EQ(extract("eval s -1 a").text, "ERR Number of keys can't be negative");
  EXPECT_EQ(extract("eval s 3 a").text, "ERR Number of keys can't be greater than number of args");
  EXPECT_EQ(extract("evalsha_ro s 2 a").text, "ERR Number of keys can't be greater than number of args");
  EXPECT_EQ(extract("sintercard x a").text, "ERR numkeys should be greater than 0");
  EXPECT_EQ(extract("sintercard 0 a").text, "ERR numkeys should be greater than 0");
  EXPECT_EQ(extract("sintercard 3 a").text, "ERR Number of keys can't be greater than number of args");
  EXPECT_EQ(extract("lmpop x a left").text, "ERR numkeys should be greater than 0");
  EXPECT_EQ(extract("lmpop 3 a left").text, "ERR syntax error");
  EXPECT_EQ(extract("bzmpop 0 x a min").text, "ERR numkeys should be greater than 0");
  // Not integers by Redis's rules: spaces, a plus sign, leading zeros, overflow.
  for (auto n : {" 1", "+1", "01", "1.0", "99999999999999999999", ""}) {
    const auto r = extract("zunion " + std::string(n[0] ? n : "''") + " a");
    EXPECT_EQ(r.err, KeysError::kNotInteger) << n;
  }
}

TEST(ExtractKeys, StoreForms) {
  EXPECT_EQ(extract("sort k").indices, V{1});
  const auto sorted = extract("sort k by w_* get o_* limit 0 10 store dst");
  EXPECT_EQ(sorted.indices, (V{1, 10}));
  EXPECT_EQ(sorted.flags[1], kf::kOW | kf::kUpdate);
  EXPECT_EQ(extract("sort k STORE a STORE b").indices, (V{1, 5}));  // the last STORE wins
  EXPECT_EQ(extract("sort k get store").indices, V{1});             // "store" is GET's pattern
  EXPECT_EQ(extract("sort k store").indices, V{1});                 // STORE without a key
  EXPECT_EQ(extract("sort_ro k by p").indices, V{1});
  EXPECT_EQ(extract("georadius k 0 0 10 km store d").indices, (V{1, 7}));
  EXPECT_EQ(extract("georadius k 0 0 10 km store d storedist d2").indices, (V{1, 7, 9}));
  EXPECT_EQ(extract("georadiusbymember k m 10 km STOREDIST d").indices, (V{1, 6}));
  EXPECT_EQ(extract("georadius k 0 0 10 km withdist").indices, V{1});
  EXPECT_EQ(extract("geosearchstore d s frommember m byradius 1 km").indices, (V{1, 2}));
}

TEST(ExtractKeys, Streams) {
  EXPECT_EQ(extract("xread streams a b 0 0").indices, (V{2, 3}));
  EXPECT_EQ(extract("xread count 5 STREAMS a 0").indices, V{4});
  EXPECT_EQ(extract("xread streams streams 0").indices, V{2});  // a key named "streams"
  EXPECT_EQ(extract("xreadgroup group g c streams a b > >").indices, (V{5, 6}));
  EXPECT_EQ(extract("xreadgroup group streams c streams a >").indices, V{5});  // a group named "streams"
  EXPECT_EQ(extract("xread count 1 a 0").text, "ERR syntax error");            // no STREAMS
  EXPECT_EQ(extract("xread count 1 streams").text, "ERR syntax error");        // STREAMS and nothing
  // Unbalanced: Redis's spec still names the first half; the command then replies the error itself.
  EXPECT_EQ(extract("xread streams a b 0").indices, V{2});
}

TEST(ExtractKeys, MigrateKeysOption) {
  EXPECT_EQ(extract("migrate h p k 0 5000").indices, V{3});
  EXPECT_EQ(extract("migrate h p '' 0 5000 copy replace auth pw keys a b").indices, (V{11, 12}));
  EXPECT_EQ(extract("migrate h p '' 0 5000 auth2 u pw keys a").indices, V{10});
  EXPECT_EQ(extract("migrate h p k 0 5000 keys a").err, KeysError::kInvalid);
}

TEST(ExtractKeys, VariableFlags) {
  EXPECT_EQ(extract("set k v").flags, std::vector<uint16_t>{kf::kOW | kf::kUpdate});
  EXPECT_EQ(extract("set k v ex 10 get").flags, std::vector<uint16_t>{kf::kRW | kf::kAccess | kf::kUpdate});
  EXPECT_EQ(extract("bitfield k get u8 0").flags, std::vector<uint16_t>{kf::kRO | kf::kAccess});
  EXPECT_EQ(extract("bitfield k get u8 0 set u8 0 1").flags,
            std::vector<uint16_t>{kf::kRW | kf::kAccess | kf::kUpdate});
}

TEST(ExtractKeys, ShardChannelsOnlyWhenAsked) {
  EXPECT_TRUE(extract("spublish ch msg").indices.empty());
  EXPECT_EQ(extract("spublish ch msg", KeySearch::kIncludeNotKeys).indices, V{1});
  EXPECT_EQ(extract("ssubscribe a b", KeySearch::kIncludeNotKeys).indices, (V{1, 2}));
}

TEST(ExtractKeys, WrongArityIsInvalid) {
  EXPECT_EQ(extract("get").err, KeysError::kInvalid);
  EXPECT_EQ(extract("get a b").err, KeysError::kInvalid);
  EXPECT_EQ(extract("mset a").err, KeysError::kInvalid);
}

// Where extract_keys fails, the keys the applicable specs still find (Redis's partial search).
TEST(ExtractKeys, PartialKeysWhereTheListIsMalformed) {
  auto partial = [](std::vector<std::string_view> argv) {
    KeyList keys;
    extract_partial_keys(*lookup(argv[0]), argv, keys);
    V out;
    for (const KeyPos& k : keys) out.push_back(k.index);
    return out;
  };
  EXPECT_EQ(extract("pfmerge d").err, KeysError::kInvalid);
  EXPECT_EQ(partial({"pfmerge", "d"}), V{1});  // the sources' range is empty, dest is still a key
  EXPECT_EQ(partial({"pfmerge", "d", "a", "b"}), (V{1, 2, 3}));
  EXPECT_EQ(partial({"zunionstore", "d", "5", "a"}), V{1});  // numkeys beyond the arguments
  EXPECT_EQ(partial({"zdiff", "-1", "k"}), V{});
  EXPECT_EQ(partial({"sintercard", "0", "k"}), V{});
  EXPECT_EQ(partial({"lmpop", "5", "a", "LEFT"}), V{});
  EXPECT_EQ(partial({"get"}), V{});                  // arity
  EXPECT_EQ(partial({"spublish", "ch", "m"}), V{});  // shard channels are not keys
}

TEST(ExtractKeys, ReusedListKeepsNoStaleKeys) {
  KeyList keys;
  std::vector<std::string_view> a = {"mget", "a", "b", "c"};
  std::vector<std::string_view> b = {"get", "x"};
  ASSERT_EQ(extract_keys(*lookup("mget"), a, keys), KeysError::kNone);
  ASSERT_EQ(keys.size(), 3u);
  ASSERT_EQ(extract_keys(*lookup("get"), b, keys), KeysError::kNone);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].index, 1u);
}

}  // namespace
}  // namespace codis::cmd
