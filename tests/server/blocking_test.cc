// Blocking list commands between clients of one server: blocking, being served by another client's push
// in the order of blocking, staying blocked on a key of another type, MULTI answering at once, and the
// argument errors. (Timeouts need the connection loop: integration_test covers them on a real socket.)
#include <gtest/gtest.h>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

TEST(Blocking, PopsAtOnceWhenAListHasElements) {
  ServerFixture f;
  f.cmd("rpush b x y");
  EXPECT_EQ(f.cmd("blpop a b 0"), "['b', 'x']");
  EXPECT_EQ(f.cmd("brpop a b 0"), "['b', 'y']");
  EXPECT_EQ(f.cmd("exists b"), ":0");
  EXPECT_EQ(f.server().blocked_clients(), 0u);
}

TEST(Blocking, BlocksThenIsServedByAPush) {
  ServerFixture f;
  EXPECT_EQ(f.raw({"blpop", "a", "b", "0"}, 1), "") << "no reply while blocked";
  EXPECT_EQ(f.server().blocked_clients(), 1u);
  EXPECT_EQ(f.cmd("rpush b v1 v2"), ":2");
  EXPECT_EQ(f.client(1).outbox, "*2\r\n$1\r\nb\r\n$2\r\nv1\r\n");
  EXPECT_EQ(f.server().blocked_clients(), 0u);
  EXPECT_EQ(f.cmd("lrange b 0 -1"), "['v2']") << "the served pop happened right after the push";
}

TEST(Blocking, FirstBlockedIsFirstServed) {
  ServerFixture f;
  f.raw({"brpop", "q", "0"}, 1);
  f.raw({"brpop", "q", "0"}, 2);
  f.raw({"brpop", "q", "0"}, 3);
  EXPECT_EQ(f.cmd("lpush q a b"), ":2");
  EXPECT_EQ(f.client(1).outbox, "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
  EXPECT_EQ(f.client(2).outbox, "*2\r\n$1\r\nq\r\n$1\r\nb\r\n");
  EXPECT_EQ(f.client(3).outbox, "");
  EXPECT_EQ(f.server().blocked_clients(), 1u);
  EXPECT_EQ(f.cmd("exists q"), ":0");
}

TEST(Blocking, BlmoveServedAndChainsToTheNextWaiter) {
  ServerFixture f;
  f.raw({"blmove", "src", "dst", "left", "right", "0"}, 1);
  f.raw({"blpop", "dst", "0"}, 2);
  EXPECT_EQ(f.cmd("rpush src e"), ":1");
  EXPECT_EQ(f.client(1).outbox, "$1\r\ne\r\n");
  // The element BLMOVE pushed to dst makes dst ready for client 2 in the same round.
  EXPECT_EQ(f.client(2).outbox, "*2\r\n$3\r\ndst\r\n$1\r\ne\r\n");
  EXPECT_EQ(f.cmd("dbsize"), ":0");
}

TEST(Blocking, BlmpopWithCount) {
  ServerFixture f;
  f.raw({"blmpop", "0", "2", "k1", "k2", "right", "count", "2"}, 1);
  f.cmd("rpush k2 a b c");
  EXPECT_EQ(f.client(1).outbox, "*2\r\n$2\r\nk2\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
  EXPECT_EQ(f.cmd("lrange k2 0 -1"), "['a']");
}

TEST(Blocking, AKeyOfAnotherTypeLeavesItBlocked) {
  ServerFixture f;
  f.raw({"blpop", "k", "0"}, 1);
  f.cmd("set k str");
  EXPECT_EQ(f.client(1).outbox, "");
  EXPECT_EQ(f.server().blocked_clients(), 1u);
  f.cmd("del k");
  f.cmd("rpush k v");
  EXPECT_EQ(f.client(1).outbox, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

TEST(Blocking, InsideMultiAnswersAtOnce) {
  ServerFixture f;
  f.cmd("multi");
  f.cmd("blpop nothing 0");
  f.cmd("brpoplpush nothing x 0");
  EXPECT_EQ(f.cmd("exec"), "[(nilarr), (nil)]");
  EXPECT_EQ(f.server().blocked_clients(), 0u);
}

TEST(Blocking, WrongTypeAndBadTimeouts) {
  ServerFixture f;
  f.cmd("set s v");
  EXPECT_EQ(f.cmd("blpop s 0"), "-WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(f.cmd("blpop l abc"), "-ERR timeout is not a float or out of range");
  EXPECT_EQ(f.cmd("blpop l -1"), "-ERR timeout is negative");
  EXPECT_EQ(f.cmd("blmove a b up left 0"), "-ERR syntax error");
  EXPECT_EQ(f.cmd("blmpop 0 0 a left"), "-ERR numkeys should be greater than 0");
  EXPECT_EQ(f.cmd("blmpop x 1 a left"), "-ERR timeout is not a float or out of range");
  EXPECT_EQ(f.server().blocked_clients(), 0u);
}

}  // namespace
}  // namespace codis::server::testing

namespace codis::server::testing {
namespace {

TEST(ZBlocking, PopsAtOnceOrBlocksUntilZadd) {
  ServerFixture f;
  f.cmd("zadd z 1 a 2 b");
  EXPECT_EQ(f.cmd("bzpopmin z 0"), "['z', 'a', '1']");
  EXPECT_EQ(f.raw({"bzpopmax", "y", "0"}, 1), "");
  EXPECT_EQ(f.cmd("zadd y 5 m 7 n"), ":2");
  EXPECT_EQ(f.client(1).outbox, "*3\r\n$1\r\ny\r\n$1\r\nn\r\n$1\r\n7\r\n");
  EXPECT_EQ(f.raw({"bzmpop", "0", "1", "x", "min", "count", "5"}, 2), "");
  EXPECT_EQ(f.cmd("zadd x 1 p 2 q"), ":2");
  EXPECT_EQ(f.client(2).outbox,
            "*2\r\n$1\r\nx\r\n*2\r\n*2\r\n$1\r\np\r\n$1\r\n1\r\n*2\r\n$1\r\nq\r\n$1\r\n2\r\n");
  EXPECT_EQ(f.cmd("exists x"), ":0");
}

TEST(ZBlocking, ListPushDoesNotServeAZsetWaiter) {
  ServerFixture f;
  f.raw({"bzpopmin", "k", "0"}, 1);
  f.cmd("rpush k v");
  EXPECT_EQ(f.client(1).outbox, "");
  EXPECT_EQ(f.server().blocked_clients(), 1u);
  EXPECT_EQ(f.cmd("bzpopmin q 0.5x"), "-ERR timeout is not a float or out of range");
}

}  // namespace
}  // namespace codis::server::testing
