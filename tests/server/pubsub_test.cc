// Pub/sub through the dispatcher, as redis-server 7.0.15 answers (checked against it): channels, patterns
// and sharded channels (a namespace of their own that patterns never match, counted apart in
// confirmations), the RESP2 subscribed context, refusal inside EXEC, PUBSUB introspection, RESET; and ROLE.
#include <gtest/gtest.h>

#include <string>

#include "tests/server/fixture.h"
#include "tests/server/render.h"

namespace codis::server::testing {
namespace {

// What client n was pushed since the last call, rendered.
std::string pushed(ServerFixture& f, size_t n) {
  std::string out = render_all(f.client(n).outbox);
  f.client(n).outbox.clear();
  return out;
}

TEST(PubSub, ChannelsPatternsAndShardChannels) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("sunsubscribe"), "['sunsubscribe', (nil), :0]");
  EXPECT_EQ(f.cmd("ssubscribe s1 s2"), "['ssubscribe', 's1', :1]\n['ssubscribe', 's2', :2]");
  EXPECT_EQ(f.cmd("subscribe c1"), "['subscribe', 'c1', :1]");  // shard channels counted apart
  EXPECT_EQ(f.cmd("psubscribe s*"), "['psubscribe', 's*', :2]");
  EXPECT_EQ(f.cmd("ssubscribe s1"), "['ssubscribe', 's1', :2]");  // already: no change

  EXPECT_EQ(f.cmd("spublish s1 hi", 1), ":1");
  EXPECT_EQ(f.cmd("publish s1 pub", 1), ":1");  // only the pattern: shard subscribers are apart
  EXPECT_EQ(f.cmd("spublish nobody x", 1), ":0");
  EXPECT_EQ(pushed(f, 0), "['smessage', 's1', 'hi']\n['pmessage', 's*', 's1', 'pub']");

  EXPECT_EQ(f.cmd("pubsub shardchannels", 1), "['s1', 's2']");
  EXPECT_EQ(f.cmd("pubsub shardchannels *2", 1), "['s2']");
  EXPECT_EQ(f.cmd("pubsub shardnumsub s1 zz", 1), "['s1', :1, 'zz', :0]");
  EXPECT_EQ(f.cmd("pubsub numsub s1", 1), "['s1', :0]");
  EXPECT_EQ(f.cmd("pubsub channels", 1), "['c1']");
  EXPECT_EQ(f.cmd("pubsub numpat", 1), ":1");
  EXPECT_EQ(f.cmd("pubsub shardchannels a b", 1),
            "-ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.");
  EXPECT_EQ(f.cmd("pubsub channels a b", 1),
            "-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.");

  EXPECT_EQ(
      f.cmd("get x"),
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
      "in this context");
  EXPECT_EQ(f.cmd("ping"), "['pong', '']");
  EXPECT_NE(f.cmd("client info", 1).find(" sub=0 psub=0 ssub=0 "), std::string::npos);
  f.client(0).protocol = 3;  // CLIENT INFO of the subscriber itself, through RESP3 (allowed there)
  EXPECT_NE(f.cmd("client info").find("flags=P db=0 sub=1 psub=1 ssub=2 "), std::string::npos);
  f.client(0).protocol = 2;
  EXPECT_EQ(f.cmd("sunsubscribe s2 zz"), "['sunsubscribe', 's2', :1]\n['sunsubscribe', 'zz', :1]");
  EXPECT_EQ(f.cmd("unsubscribe"), "['unsubscribe', 'c1', :1]");
  EXPECT_EQ(f.cmd("punsubscribe"), "['punsubscribe', 's*', :0]");
  EXPECT_EQ(f.cmd("sunsubscribe"), "['sunsubscribe', 's1', :0]");
  EXPECT_EQ(f.cmd("get x"), "(nil)");  // out of the subscribed context
}

TEST(PubSub, SubscribingInsideExecIsRefused) {
  ServerFixture f;
  for (const char* c : {"subscribe", "psubscribe", "ssubscribe"}) {
    EXPECT_EQ(f.cmd("multi"), "+OK");
    EXPECT_EQ(f.cmd(std::string(c) + " q"), "+QUEUED");
    std::string up(c);
    for (char& ch : up) ch = static_cast<char>(ch - 32);
    EXPECT_EQ(f.cmd("exec"), "[-ERR " + up + " isn't allowed for a DENY BLOCKING client]");
  }
  EXPECT_EQ(f.client(0).subscriptions(), 0u);
}

TEST(PubSub, ResetAndDisconnectDropShardSubscriptions) {
  ServerFixture f;
  f.cmd("ssubscribe a b");
  EXPECT_EQ(f.cmd("reset"), "+RESET");
  EXPECT_EQ(f.cmd("pubsub shardnumsub a b"), "['a', :0, 'b', :0]");
  f.cmd("ssubscribe a", 1);
  f.server().pubsub().drop(f.client(1));
  EXPECT_EQ(f.cmd("spublish a x"), ":0");
}

TEST(Role, StandaloneMaster) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("role"), "['master', :0, []]");
}

}  // namespace
}  // namespace codis::server::testing
