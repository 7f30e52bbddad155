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

// CLIENT REPLY OFF/SKIP silence replies, not pub/sub pushes (Redis's CLIENT_PUSHING), in RESP3 and in
// RESP2 alike. redis-server 7.0.15, RESP3: HELLO 3; CLIENT REPLY OFF => (nothing); SUBSCRIBE ch =>
// >3 subscribe ch 1; (PUBLISH ch m1 elsewhere) => >3 message ch m1; PING => (nothing); UNSUBSCRIBE ch =>
// >3 unsubscribe ch 0. RESP2: the same as *3 arrays, and PSUBSCRIBE's confirmation and pmessage too.
TEST(PubSubReplyOff, PushesGetThroughInResp3AndResp2) {
  ServerFixture f;
  for (int proto : {3, 2}) {
    SCOPED_TRACE(proto);
    const std::string h = proto == 3 ? ">" : "*";
    f.client(0).protocol = proto;
    EXPECT_EQ(f.raw({"client", "reply", "off"}), "");
    EXPECT_EQ(f.raw({"subscribe", "ch"}), h + "3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
    EXPECT_EQ(f.cmd("publish ch m1", 1), ":1");
    EXPECT_EQ(f.client(0).outbox, h + "3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nm1\r\n");
    f.client(0).outbox.clear();
    EXPECT_EQ(f.raw({"ping"}), "");
    EXPECT_EQ(f.raw({"psubscribe", "p*"}), h + "3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:2\r\n");
    EXPECT_EQ(f.cmd("publish pq m2", 1), ":1");
    EXPECT_EQ(f.client(0).outbox, h + "4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npq\r\n$2\r\nm2\r\n");
    f.client(0).outbox.clear();
    EXPECT_EQ(f.raw({"unsubscribe"}), h + "3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:1\r\n");
    EXPECT_EQ(f.raw({"punsubscribe"}), h + "3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n");
    EXPECT_EQ(f.raw({"get", "x"}), "") << "a reply again: dropped";
    EXPECT_EQ(f.raw({"client", "reply", "on"}), "+OK\r\n");
  }
}

// CLIENT REPLY SKIP; SUBSCRIBE ch => >3 subscribe ch 1 (the push gets through, and uses up the skip);
// PING => +PONG.
TEST(PubSubReplyOff, SkipLetsTheConfirmationThrough) {
  ServerFixture f;
  f.client(0).protocol = 3;
  EXPECT_EQ(f.raw({"client", "reply", "skip"}), "");
  EXPECT_EQ(f.raw({"subscribe", "ch"}), ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  EXPECT_EQ(f.raw({"ping"}), "+PONG\r\n");
}

// What is not a push stays silent under CLIENT REPLY OFF (redis-server 7.0.15, RESP3 and RESP2): MONITOR
// lines (SET a 1 elsewhere => nothing), the reply of a blocked command when it is served (BLPOP q 0, then
// RPUSH q v elsewhere => nothing, the element is taken) and when it times out (BLPOP q 0.2 => nothing).
TEST(PubSubReplyOff, MonitorLinesAndBlockedRepliesStaySilent) {
  ServerFixture f;
  f.client(0).protocol = 3;
  f.raw({"client", "reply", "off"});
  f.raw({"monitor"});
  EXPECT_EQ(f.cmd("set a 1", 1), "+OK");
  EXPECT_EQ(f.client(0).outbox, "");

  f.raw({"client", "reply", "off"}, 2);
  EXPECT_EQ(f.raw({"blpop", "q", "0"}, 2), "");
  EXPECT_EQ(f.cmd("rpush q v", 1), ":1");
  EXPECT_EQ(f.client(2).outbox, "");
  EXPECT_EQ(f.cmd("exists q", 1), ":0") << "served all the same";
  EXPECT_EQ(f.server().blocked_clients(), 0u);

  EXPECT_EQ(f.raw({"blpop", "q", "0.2"}, 2), "");
  std::string out;
  resp::ReplyWriter w(&out, 3);
  f.server().time_out(f.client(2), w);
  EXPECT_EQ(out, "");
  EXPECT_EQ(f.server().blocked_clients(), 0u);
}

TEST(Role, StandaloneMaster) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("role"), "['master', :0, []]");
}

}  // namespace
}  // namespace codis::server::testing
