// Lookup, arity, subcommands, proxy policy and the table's own invariants.
#include "cmd/table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cmd/make.h"

namespace codis::cmd {
namespace {

TEST(Lookup, IsCaseInsensitive) {
  for (std::string_view n : {"get", "GET", "Get", "gEt"}) {
    const CommandSpec* c = lookup(n);
    ASSERT_NE(c, nullptr) << n;
    EXPECT_EQ(c->name, "get");
  }
  ASSERT_NE(lookup("SLOTSMGRTTAGSLOT-ASYNC"), nullptr);
  EXPECT_EQ(lookup("SLOTSMGRTTAGSLOT-ASYNC")->name, "slotsmgrttagslot-async");
  EXPECT_EQ(lookup("restore-asking")->name, "restore-asking");
}

TEST(Lookup, UnknownNames) {
  EXPECT_EQ(lookup(""), nullptr);
  EXPECT_EQ(lookup("nosuchcommand"), nullptr);
  EXPECT_EQ(lookup("ge"), nullptr);
  EXPECT_EQ(lookup("gett"), nullptr);
  EXPECT_EQ(lookup("config|get"), nullptr);  // subcommands are not top-level names
  EXPECT_EQ(lookup(std::string(kMaxNameLength + 1, 'a')), nullptr);
  EXPECT_EQ(lookup(std::string_view("get\0", 4)), nullptr);
  EXPECT_EQ(lookup("g\xc3\xa9t"), nullptr);
}

TEST(Lookup, EveryCommandFindsItself) {
  for (const CommandSpec& c : all_commands()) {
    EXPECT_EQ(lookup(c.name), &c) << c.name;
    std::string upper(c.name);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(lookup(upper), &c) << upper;
    for (const CommandSpec& s : c.subcommands) {
      EXPECT_EQ(lookup_subcommand(c, short_name(s)), &s) << s.name;
    }
  }
}

TEST(Lookup, Subcommands) {
  const CommandSpec* config = lookup("config");
  ASSERT_NE(config, nullptr);
  EXPECT_TRUE(config->is_container());
  const CommandSpec* get = lookup_subcommand(*config, "GeT");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->name, "config|get");
  EXPECT_EQ(short_name(*get), "get");
  EXPECT_EQ(get->arity, -3);
  EXPECT_EQ(lookup_subcommand(*config, "nope"), nullptr);
  EXPECT_EQ(lookup_subcommand(*config, "config|get"), nullptr);
  EXPECT_EQ(lookup_subcommand(*lookup("get"), "x"), nullptr);
  EXPECT_EQ(lookup_subcommand(*lookup("client"), "no-evict")->name, "client|no-evict");
  EXPECT_EQ(lookup("debug")->subcommands.size(), 0u);  // DEBUG has no subcommand table in Redis 7.0
}

TEST(Arity, RedisConvention) {
  const CommandSpec& get = *lookup("get");
  EXPECT_FALSE(check_arity(get, 1));
  EXPECT_TRUE(check_arity(get, 2));
  EXPECT_FALSE(check_arity(get, 3));
  const CommandSpec& mset = *lookup("mset");  // -3: at least key and value
  EXPECT_FALSE(check_arity(mset, 2));
  EXPECT_TRUE(check_arity(mset, 3));
  EXPECT_TRUE(check_arity(mset, 1001));
  const CommandSpec& ping = *lookup("ping");  // -1
  EXPECT_TRUE(check_arity(ping, 1));
  EXPECT_TRUE(check_arity(ping, 2));
  const CommandSpec& set = *lookup("set");
  EXPECT_EQ(set.arity, -3);
  const CommandSpec& setname = *lookup_subcommand(*lookup("client"), "setname");
  EXPECT_TRUE(check_arity(setname, 3));  // CLIENT SETNAME name: the whole argv counts
  EXPECT_FALSE(check_arity(setname, 2));
  EXPECT_TRUE(check_arity(*lookup("slotsmgrttagslot-async"), 8));
  EXPECT_FALSE(check_arity(*lookup("slotsmgrttagslot-async"), 7));
}

TEST(Flags, Representative) {
  EXPECT_TRUE(lookup("get")->has(flag::kReadonly | flag::kFast));
  EXPECT_FALSE(lookup("get")->has(flag::kWrite));
  EXPECT_TRUE(lookup("set")->has(flag::kWrite));
  EXPECT_TRUE(lookup("set")->has(flag::kDenyOom));
  EXPECT_TRUE(lookup("blpop")->has(flag::kBlocking));
  EXPECT_TRUE(lookup("eval")->has(flag::kMovableKeys));
  EXPECT_TRUE(lookup("eval")->has(flag::kMayReplicate));
  EXPECT_FALSE(lookup("set")->has(flag::kMovableKeys));
  EXPECT_TRUE(lookup("auth")->has(flag::kNoAuth));
  EXPECT_TRUE(lookup("slotsrestore-async-auth")->has(flag::kNoAuth));
  EXPECT_TRUE(lookup("debug")->has(flag::kProtected));
  EXPECT_EQ(lookup("get")->acl, acl::kRead | acl::kString | acl::kFast);
  EXPECT_EQ(lookup("mset")->tips, tip::kRequestMultiShard | tip::kResponseAllSucceeded);
}

TEST(LegacyRange, DerivedLikeRedis) {
  auto range = [](std::string_view n) {
    const CommandSpec& c = *lookup(n);
    return std::tuple(c.first_key, c.last_key, c.key_step);
  };
  EXPECT_EQ(range("get"), std::tuple(1, 1, 1));
  EXPECT_EQ(range("mset"), std::tuple(1, -1, 2));
  EXPECT_EQ(range("blpop"), std::tuple(1, -2, 1));
  EXPECT_EQ(range("bitop"), std::tuple(2, -1, 1));
  EXPECT_EQ(range("zunionstore"), std::tuple(1, 1, 1));
  EXPECT_EQ(range("eval"), std::tuple(0, 0, 0));
  EXPECT_EQ(range("ping"), std::tuple(0, 0, 0));
  EXPECT_EQ(range("slotsrestore"), std::tuple(1, -1, 3));
  EXPECT_EQ(range("slotsmgrtone"), std::tuple(4, 4, 1));
}

TEST(Policy, Representative) {
  auto route = [](std::string_view n) { return lookup(n)->policy.route; };
  EXPECT_EQ(route("get"), Route::kSingleSlot);
  EXPECT_EQ(route("sinterstore"), Route::kSingleSlot);
  EXPECT_EQ(route("msetnx"), Route::kSingleSlot);  // atomic across keys: one slot only
  EXPECT_EQ(route("eval"), Route::kSingleSlot);
  EXPECT_EQ(route("mget"), Route::kSplitByKey);
  EXPECT_EQ(lookup("mget")->policy.merge, Merge::kConcat);
  EXPECT_EQ(lookup("mset")->policy.merge, Merge::kAllOk);
  for (auto n : {"del", "unlink", "exists", "touch"}) {
    EXPECT_EQ(route(n), Route::kSplitByKey) << n;
    EXPECT_EQ(lookup(n)->policy.merge, Merge::kSum) << n;
  }
  EXPECT_EQ(route("dbsize"), Route::kAllGroups);
  EXPECT_EQ(lookup("dbsize")->policy.merge, Merge::kSum);
  EXPECT_EQ(lookup("flushall")->policy.merge, Merge::kAllOk);
  for (auto n : {"ping", "echo", "quit", "select", "auth", "hello", "command", "slotsmapping", "keys", "scan",
                 "randomkey", "multi", "exec", "watch", "subscribe", "publish"}) {
    EXPECT_EQ(route(n), Route::kProxyLocal) << n;
  }
  EXPECT_EQ(route("blpop"), Route::kSingleSlot);  // on a connection of the client's own
  for (auto n : {"move", "migrate", "wait", "config", "cluster", "slotsmgrttagslot", "slotsdel",
                 "swapdb", "monitor", "shutdown"}) {
    EXPECT_EQ(route(n), Route::kRefused) << n;
    EXPECT_FALSE(lookup(n)->policy.reason.empty()) << n;
  }
  EXPECT_EQ(route("slotsscan"), Route::kSlotArgument);
  EXPECT_TRUE(lookup("slotsscan")->policy.master_only);
  EXPECT_TRUE(lookup("hscan")->policy.master_only);
  EXPECT_FALSE(lookup("hget")->policy.master_only);
  const CommandSpec& script = *lookup("script");
  EXPECT_EQ(lookup_subcommand(script, "load")->policy.merge, Merge::kAllEqual);
  EXPECT_EQ(lookup_subcommand(script, "exists")->policy.merge, Merge::kAndArrays);
  EXPECT_EQ(lookup_subcommand(script, "kill")->policy.route, Route::kRefused);
  const CommandSpec& client = *lookup("client");
  EXPECT_EQ(lookup_subcommand(client, "setname")->policy.route, Route::kProxyLocal);
  EXPECT_EQ(lookup_subcommand(client, "kill")->policy.route, Route::kRefused);
  EXPECT_EQ(lookup_subcommand(*lookup("object"), "encoding")->policy.route, Route::kSingleSlot);
  EXPECT_EQ(lookup_subcommand(*lookup("memory"), "usage")->policy.route, Route::kSingleSlot);
}

// Invariants every row must satisfy, Redis's and Codis's alike.
TEST(Table, RowsAreConsistent) {
  auto check = [](const CommandSpec& c) {
    SCOPED_TRACE(std::string(c.name));
    EXPECT_NE(c.arity, 0);
    EXPECT_FALSE(c.group.empty());
    EXPECT_FALSE(c.summary.empty());
    EXPECT_FALSE(c.has(flag::kWrite) && c.has(flag::kReadonly));
    // ACL categories include the implicit ones, and exactly one of @fast/@slow.
    EXPECT_EQ(make::detail::implicit_acl(c.flags, c.acl), c.acl);
    EXPECT_NE((c.acl & acl::kFast) != 0, (c.acl & acl::kSlow) != 0);
    // A command with keys routes by them or is refused/split; keyless commands never claim a slot by key.
    const bool keyed = c.keys.n > 0 && !(c.keys.v[0].flags & kf::kNotKey);
    if (c.policy.route == Route::kSplitByKey) {
      EXPECT_TRUE(keyed);
      EXPECT_GE(c.key_step, 1);
    }
    if (c.policy.route == Route::kRefused) {
      EXPECT_FALSE(c.policy.reason.empty());
    }
    if (c.policy.route != Route::kRefused) {
      EXPECT_TRUE(c.policy.reason.empty());
    }
    if (c.policy.route == Route::kAllGroups || c.policy.route == Route::kSplitByKey) {
      EXPECT_NE(c.policy.merge, Merge::kNone);
    } else {
      EXPECT_EQ(c.policy.merge, Merge::kNone);
    }
    // Key specs fit the arity when it is fixed: a key position beyond argc would be a table bug.
    for (const KeySpec& k : c.keys.view()) {
      if (c.arity > 0 && k.begin == BeginSearch::kIndex) {
        EXPECT_LT(k.index, c.arity);
      }
      if (k.begin == BeginSearch::kIndex) {
        EXPECT_GE(k.index, 1);
      }
    }
    // Movable keys need a key function unless every spec can be interpreted on its own.
    for (const KeySpec& k : c.keys.view()) {
      if (k.begin == BeginSearch::kUnknown || (k.flags & (kf::kIncomplete | kf::kVariableFlags))) {
        EXPECT_NE(c.keys_fn, nullptr);
      }
    }
  };
  size_t commands = 0;
  size_t subcommands = 0;
  for (const CommandSpec& c : all_commands()) {
    check(c);
    ++commands;
    for (const CommandSpec& s : c.subcommands) {
      check(s);
      ++subcommands;
    }
  }
  EXPECT_EQ(commands, 267u);  // Redis 7.0's 240, 25 of Codis's, SLOTSSETSTATE and SLOTSSTATE
  EXPECT_EQ(subcommands, 126u);
}

// Every command codis-server must implement (issue 3), and the families the proxy must route or refuse,
// are in the table.
TEST(Table, CoversIssueThreeAndCodis) {
  for (std::string_view n : {"get",
                             "set",
                             "setnx",
                             "setex",
                             "psetex",
                             "getex",
                             "getdel",
                             "getset",
                             "mget",
                             "mset",
                             "msetnx",
                             "append",
                             "strlen",
                             "incr",
                             "decr",
                             "incrby",
                             "decrby",
                             "incrbyfloat",
                             "getrange",
                             "setrange",
                             "setbit",
                             "getbit",
                             "bitcount",
                             "bitpos",
                             "bitop",
                             "bitfield",
                             "lcs",
                             "del",
                             "unlink",
                             "exists",
                             "type",
                             "expire",
                             "pexpire",
                             "expireat",
                             "pexpireat",
                             "ttl",
                             "pttl",
                             "expiretime",
                             "pexpiretime",
                             "persist",
                             "rename",
                             "renamenx",
                             "copy",
                             "move",
                             "keys",
                             "scan",
                             "randomkey",
                             "touch",
                             "object",
                             "dump",
                             "restore",
                             "sort",
                             "sort_ro",
                             "lpush",
                             "rpush",
                             "lpushx",
                             "rpushx",
                             "lpop",
                             "rpop",
                             "llen",
                             "lrange",
                             "lindex",
                             "lset",
                             "linsert",
                             "lrem",
                             "ltrim",
                             "lpos",
                             "lmove",
                             "rpoplpush",
                             "lmpop",
                             "blpop",
                             "brpop",
                             "blmove",
                             "brpoplpush",
                             "blmpop",
                             "hset",
                             "hsetnx",
                             "hmset",
                             "hget",
                             "hmget",
                             "hgetall",
                             "hdel",
                             "hlen",
                             "hexists",
                             "hkeys",
                             "hvals",
                             "hstrlen",
                             "hincrby",
                             "hincrbyfloat",
                             "hrandfield",
                             "hscan",
                             "sadd",
                             "srem",
                             "smembers",
                             "sismember",
                             "smismember",
                             "scard",
                             "spop",
                             "srandmember",
                             "smove",
                             "sinter",
                             "sintercard",
                             "sinterstore",
                             "sunion",
                             "sunionstore",
                             "sdiff",
                             "sdiffstore",
                             "sscan",
                             "zadd",
                             "zincrby",
                             "zrem",
                             "zcard",
                             "zcount",
                             "zlexcount",
                             "zscore",
                             "zmscore",
                             "zrank",
                             "zrevrank",
                             "zrange",
                             "zrangestore",
                             "zrevrange",
                             "zrangebyscore",
                             "zrevrangebyscore",
                             "zrangebylex",
                             "zrevrangebylex",
                             "zremrangebyrank",
                             "zremrangebyscore",
                             "zremrangebylex",
                             "zpopmin",
                             "zpopmax",
                             "bzpopmin",
                             "bzpopmax",
                             "zmpop",
                             "bzmpop",
                             "zrandmember",
                             "zunion",
                             "zinter",
                             "zdiff",
                             "zunionstore",
                             "zinterstore",
                             "zdiffstore",
                             "zintercard",
                             "zscan",
                             "pfadd",
                             "pfcount",
                             "pfmerge",
                             "multi",
                             "exec",
                             "discard",
                             "watch",
                             "unwatch",
                             "subscribe",
                             "unsubscribe",
                             "psubscribe",
                             "punsubscribe",
                             "publish",
                             "pubsub",
                             "ping",
                             "echo",
                             "quit",
                             "select",
                             "swapdb",
                             "auth",
                             "hello",
                             "reset",
                             "client",
                             "info",
                             "dbsize",
                             "flushdb",
                             "flushall",
                             "config",
                             "command",
                             "time",
                             "lastsave",
                             "slowlog",
                             "latency",
                             "memory",
                             "shutdown",
                             "debug",
                             "eval",
                             "evalsha",
                             "script",
                             "xadd",
                             "xread",
                             "geoadd",
                             "georadius",
                             "slotsinfo",
                             "slotsscan",
                             "slotsdel",
                             "slotshashkey",
                             "slotscheck",
                             "slotsmgrtone",
                             "slotsmgrtslot",
                             "slotsmgrttagone",
                             "slotsmgrttagslot",
                             "slotsmgrtone-async",
                             "slotsmgrtslot-async",
                             "slotsmgrttagone-async",
                             "slotsmgrttagslot-async",
                             "slotsmgrtone-async-dump",
                             "slotsmgrttagone-async-dump",
                             "slotsmgrt-async-fence",
                             "slotsmgrt-async-cancel",
                             "slotsmgrt-async-status",
                             "slotsmgrt-exec-wrapper",
                             "slotsrestore",
                             "slotsrestore-async",
                             "slotsrestore-async-auth",
                             "slotsrestore-async-select",
                             "slotsrestore-async-ack",
                             "slotssetstate",
                             "slotsstate"}) {
    EXPECT_NE(lookup(n), nullptr) << n;
  }
  const std::pair<std::string_view, std::string_view> subs[] = {
      {"object", "encoding"}, {"object", "freq"},      {"object", "idletime"}, {"object", "refcount"},
      {"client", "id"},       {"client", "setname"},   {"client", "getname"},  {"client", "list"},
      {"client", "kill"},     {"client", "info"},      {"client", "no-evict"}, {"config", "get"},
      {"config", "set"},      {"config", "resetstat"}, {"command", "count"},   {"command", "info"},
      {"command", "list"},    {"command", "getkeys"},  {"command", "docs"},    {"slowlog", "get"},
      {"latency", "latest"},  {"latency", "reset"},    {"memory", "usage"},    {"pubsub", "channels"},
      {"pubsub", "numsub"},   {"pubsub", "numpat"},    {"script", "load"},     {"xgroup", "create"}};
  for (auto [c, s] : subs) {
    ASSERT_NE(lookup(c), nullptr) << c;
    EXPECT_NE(lookup_subcommand(*lookup(c), s), nullptr) << c << " " << s;
  }
}

TEST(Table, IterationIsSortedAndStable) {
  auto all = all_commands();
  ASSERT_FALSE(all.empty());
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].name, all[i].name);
  EXPECT_EQ(all.data(), all_commands().data());
}

}  // namespace
}  // namespace codis::cmd
