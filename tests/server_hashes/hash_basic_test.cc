// HSET, HSETNX, HMSET, HGET, HMGET, HGETALL, HKEYS, HVALS, HDEL, HLEN, HEXISTS, HSTRLEN: replies and
// error texts as redis-server 7.0.15 gives them.
#include <algorithm>

#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using HashBasic = RawServerTest;

TEST_F(HashBasic, HsetCountsNewFieldsAndOverwrites) {
  EXPECT_EQ(run({"hset", "h", "a", "1", "b", "2"}), integer(2));
  EXPECT_EQ(run({"hset", "h", "a", "3", "c", "4", "c", "5"}), integer(1));  // a overwritten, c once
  EXPECT_EQ(run({"hget", "h", "a"}), bulk("3"));
  EXPECT_EQ(run({"hget", "h", "c"}), bulk("5"));
  EXPECT_EQ(run({"hlen", "h"}), integer(3));
  EXPECT_EQ(run({"hset", "h", "a", "1", "b"}), err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(run({"hset", "h", "a"}), err("ERR wrong number of arguments for 'hset' command"));
}

TEST_F(HashBasic, HmsetRepliesOk) {
  EXPECT_EQ(run({"hmset", "h", "a", "1", "b", "2"}), "+OK\r\n");
  EXPECT_EQ(run({"hmset", "h", "a"}), err("ERR wrong number of arguments for 'hmset' command"));
  EXPECT_EQ(run({"hmset", "h", "a", "1", "b"}), err("ERR wrong number of arguments for 'hmset' command"));
  EXPECT_EQ(run({"hlen", "h"}), integer(2));
}

TEST_F(HashBasic, Hsetnx) {
  EXPECT_EQ(run({"hsetnx", "h", "a", "1"}), integer(1));
  EXPECT_EQ(run({"hsetnx", "h", "a", "2"}), integer(0));
  EXPECT_EQ(run({"hget", "h", "a"}), bulk("1"));
  EXPECT_EQ(run({"exists", "h"}), integer(1));
}

// Redis 7.0.15 converts a listpack hash on the lengths only when HSETNX sets the field; an existing
// field with a long would-be value changes nothing.
TEST_F(HashBasic, HsetnxOnAnExistingFieldKeepsTheEncoding) {
  EXPECT_EQ(run({"hset", "h", "a", "1"}), integer(1));
  EXPECT_EQ(run({"hsetnx", "h", "a", std::string(100, 'x')}), integer(0));
  EXPECT_EQ(run({"object", "encoding", "h"}), bulk("listpack"));
  EXPECT_EQ(run({"hsetnx", "h", "b", std::string(100, 'x')}), integer(1));
  EXPECT_EQ(run({"object", "encoding", "h"}), bulk("hashtable"));
}

TEST_F(HashBasic, MissingKeyAndField) {
  EXPECT_EQ(run({"hget", "nokey", "a"}), "$-1\r\n");
  EXPECT_EQ(run({"hlen", "nokey"}), integer(0));
  EXPECT_EQ(run({"hexists", "nokey", "a"}), integer(0));
  EXPECT_EQ(run({"hstrlen", "nokey", "a"}), integer(0));
  EXPECT_EQ(run({"hdel", "nokey", "a"}), integer(0));
  EXPECT_EQ(run({"hmget", "nokey", "a", "b"}), "*2\r\n$-1\r\n$-1\r\n");
  EXPECT_EQ(run({"hgetall", "nokey"}), "*0\r\n");
  EXPECT_EQ(run({"hkeys", "nokey"}), "*0\r\n");
  EXPECT_EQ(run({"hvals", "nokey"}), "*0\r\n");
  run({"hset", "h", "a", "hello"});
  EXPECT_EQ(run({"hget", "h", "x"}), "$-1\r\n");
  EXPECT_EQ(run({"hexists", "h", "a"}), integer(1));
  EXPECT_EQ(run({"hexists", "h", "x"}), integer(0));
  EXPECT_EQ(run({"hstrlen", "h", "a"}), integer(5));
  EXPECT_EQ(run({"hstrlen", "h", "x"}), integer(0));
  EXPECT_EQ(run({"hmget", "h", "x", "a"}), "*2\r\n$-1\r\n" + bulk("hello"));
}

TEST_F(HashBasic, GetAllKeysVals) {
  run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  auto all = strings(value({"hgetall", "h"}));
  ASSERT_EQ(all.size(), 6u);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < all.size(); i += 2) {
    pairs.emplace_back(all[i], all[i + 1]);
  }
  std::sort(pairs.begin(), pairs.end());
  EXPECT_EQ(pairs, (std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  auto keys = strings(value({"hkeys", "h"}));
  auto vals = strings(value({"hvals", "h"}));
  // HKEYS and HVALS walk the hash in the same order as HGETALL.
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys[i], all[2 * i]);
    EXPECT_EQ(vals[i], all[2 * i + 1]);
  }
}

TEST_F(HashBasic, Resp3Shapes) {
  client().protocol = 3;
  run({"hset", "h", "a", "1"});
  EXPECT_EQ(run({"hgetall", "h"}), "%1\r\n" + bulk("a") + bulk("1"));
  EXPECT_EQ(run({"hgetall", "nokey"}), "%0\r\n");
  EXPECT_EQ(run({"hkeys", "nokey"}), "*0\r\n");
  EXPECT_EQ(run({"hmget", "nokey", "a"}), "*1\r\n_\r\n");
  EXPECT_EQ(run({"hget", "h", "x"}), "_\r\n");
}

TEST_F(HashBasic, HdelDeletesTheKeyWhenEmpty) {
  run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(run({"hdel", "h", "a", "x", "a"}), integer(1));
  EXPECT_EQ(run({"hlen", "h"}), integer(2));
  EXPECT_EQ(run({"hdel", "h", "b", "c", "d"}), integer(2));
  EXPECT_EQ(run({"exists", "h"}), integer(0));
  EXPECT_EQ(run({"type", "h"}), "+none\r\n");
}

// Like Redis's hashTypeDelete (htNeedsResize + dictResize), HDEL shrinks a table filled below 10% to the
// smallest power of two that holds the rest, checking after each deleted field.
TEST_F(HashBasic, HdelShrinksASparseTable) {
  std::vector<std::string> args{"hset", "h"};
  for (int i = 0; i < 1000; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back("v");
  }
  run(args);
  auto buckets = [this] {
    return server().db(0).find("h", server().now_ms())->value.hash_value().bucket_count();
  };
  EXPECT_EQ(buckets(), 1024u);
  args = {"hdel", "h"};
  for (int i = 0; i < 897; ++i) {
    args.push_back("f" + std::to_string(i));
  }
  run(args);
  EXPECT_EQ(buckets(), 1024u);  // 103 fields: 10.06% full
  EXPECT_EQ(run({"hdel", "h", "f897"}), integer(1));
  EXPECT_EQ(buckets(), 128u);  // 102 fields: below 10%, shrunk to fit
  args = {"hdel", "h"};
  for (int i = 898; i < 990; ++i) {
    args.push_back("f" + std::to_string(i));
  }
  run(args);
  EXPECT_EQ(buckets(), 16u);  // shrunk again on reaching 12 fields (9.4% of 128)
}

TEST_F(HashBasic, TypeIsHash) {
  run({"hset", "h", "a", "1"});
  EXPECT_EQ(run({"type", "h"}), "+hash\r\n");
}

TEST_F(HashBasic, WrongType) {
  run({"set", "s", "x"});
  const std::string wt = kWrongType;
  for (const auto& cmd : std::vector<std::vector<std::string>>{
           {"hset", "s", "a", "1"},
           {"hmset", "s", "a", "1"},
           {"hsetnx", "s", "a", "1"},
           {"hget", "s", "a"},
           {"hmget", "s", "a"},
           {"hgetall", "s"},
           {"hkeys", "s"},
           {"hvals", "s"},
           {"hdel", "s", "a"},
           {"hlen", "s"},
           {"hexists", "s", "a"},
           {"hstrlen", "s", "a"},
           {"hincrby", "s", "a", "1"},
           {"hincrbyfloat", "s", "a", "1"},
           {"hrandfield", "s"},
           {"hrandfield", "s", "0"},
           {"hrandfield", "s", "-3", "withvalues"},
           {"hscan", "s", "0"},
       }) {
    EXPECT_EQ(run(cmd), wt) << cmd[0];
  }
  EXPECT_EQ(run({"get", "s"}), bulk("x"));  // untouched
}

TEST_F(HashBasic, ArityCheckedByTheDispatcher) {
  EXPECT_EQ(run({"hget", "h"}), err("ERR wrong number of arguments for 'hget' command"));
  EXPECT_EQ(run({"hdel", "h"}), err("ERR wrong number of arguments for 'hdel' command"));
  EXPECT_EQ(run({"hscan", "h"}), err("ERR wrong number of arguments for 'hscan' command"));
}

TEST_F(HashBasic, WritesInvalidateWatch) {
  run({"hset", "h", "a", "1"});
  run({"watch", "h"});
  run({"hset", "h", "b", "2"});
  run({"multi"});
  run({"hlen", "h"});
  EXPECT_EQ(run({"exec"}), "*-1\r\n");
}

TEST_F(HashBasic, NoOpHdelDoesNotInvalidateWatch) {
  run({"hset", "h", "a", "1"});
  run({"watch", "h"});
  run({"hdel", "h", "zz"});
  run({"multi"});
  run({"hlen", "h"});
  EXPECT_EQ(run({"exec"}), "*1\r\n:1\r\n");
}

}  // namespace
}  // namespace codis::server::testing
