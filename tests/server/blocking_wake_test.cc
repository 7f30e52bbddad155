// Every way a key can appear for a blocked client, not only a push: SWAPDB, MOVE, RENAME, COPY (DB too),
// RESTORE, SORT ... STORE, the zset and set *STORE commands, LMOVE/RPOPLPUSH, BLMOVE chains, MULTI/EXEC and
// FLUSHALL. Each expectation is the transcript redis-server 7.0.15 gave (blocked client on one connection,
// the writes on another, `redis-cli` 1 s timeouts): "served" means it answered right after the write.
#include <gtest/gtest.h>

#include <string>

#include "tests/server/fixture.h"
#include "tests/server/render.h"

namespace codis::server::testing {
namespace {

// Client 1 blocks (in `db`) with `argv`; the write comes from client 0. Returns what client 1 received.
class Wake : public ::testing::Test {
 protected:
  void block(std::initializer_list<std::string_view> argv, int db = 0, size_t n = 1) {
    ASSERT_EQ(f.cmd("select " + std::to_string(db), n), "+OK");
    ASSERT_EQ(f.raw(argv, n), "") << "blocks";
  }
  std::string got(size_t n = 1) { return f.client(n).outbox.empty() ? "" : render_all(f.client(n).outbox); }
  // DUMP's payload (binary) of `key`.
  std::string dump(std::string_view key) {
    const std::string r = f.raw({"dump", key});
    const size_t body = r.find("\r\n") + 2;
    return r.substr(body, r.size() - body - 2);
  }
  ServerFixture f;
};

// 9> BRPOP k 5 | 1> RPUSH k hello; SWAPDB 1 9 => served: k hello (the report).
TEST_F(Wake, SwapdbMakesTheKeyAppear) {
  block({"brpop", "k", "5"}, 9);
  f.cmd("select 1");
  EXPECT_EQ(f.cmd("rpush k hello"), ":1");
  EXPECT_EQ(f.cmd("swapdb 1 9"), "+OK");
  EXPECT_EQ(got(), "['k', 'hello']");
  EXPECT_EQ(f.server().blocked_clients(), 0u);
  EXPECT_EQ(f.cmd("dbsize"), ":0");
}

// Either side of the swap: a client blocked in db 1 is served by the list that db 9 held.
TEST_F(Wake, SwapdbServesBothSides) {
  block({"blpop", "a", "0"}, 1, 1);
  block({"bzpopmin", "z", "0"}, 9, 2);
  f.cmd("select 9");
  f.cmd("rpush a x");
  f.cmd("select 1");
  f.cmd("zadd z 1 m");
  EXPECT_EQ(f.cmd("swapdb 1 9"), "+OK");
  EXPECT_EQ(got(1), "['a', 'x']");
  EXPECT_EQ(got(2), "['z', 'm', '1']");
}

// 9> BRPOP k 1 | 1> RPUSH k hello; MOVE k 9 => served: k hello.
TEST_F(Wake, MoveIntoTheWaitedDb) {
  block({"brpop", "k", "1"}, 9);
  f.cmd("select 1");
  f.cmd("rpush k hello");
  EXPECT_EQ(f.cmd("move k 9"), ":1");
  EXPECT_EQ(got(), "['k', 'hello']");
}

// RENAME src k => served: k hello; also when k held a string before (RENAME replaces it).
TEST_F(Wake, RenameOntoTheWaitedKey) {
  block({"brpop", "k", "1"});
  f.cmd("rpush src hello");
  EXPECT_EQ(f.cmd("rename src k"), "+OK");
  EXPECT_EQ(got(), "['k', 'hello']");

  block({"brpop", "k2", "1"}, 0, 2);
  f.cmd("set k2 str");
  EXPECT_EQ(got(2), "") << "a string does not serve it";
  f.cmd("rpush src hello");
  EXPECT_EQ(f.cmd("rename src k2"), "+OK");
  EXPECT_EQ(got(2), "['k2', 'hello']");
}

// COPY src k => served; COPY src k DB 9 serves a client blocked in db 9; COPY ... REPLACE over a string.
TEST_F(Wake, CopyIntoTheWaitedKey) {
  block({"brpop", "k", "1"});
  f.cmd("rpush src hello");
  EXPECT_EQ(f.cmd("copy src k"), ":1");
  EXPECT_EQ(got(), "['k', 'hello']");

  block({"brpop", "k", "1"}, 9, 2);
  EXPECT_EQ(f.cmd("copy src k db 9"), ":1");
  EXPECT_EQ(got(2), "['k', 'hello']");

  block({"brpop", "r", "1"}, 0, 3);
  f.cmd("set r str");
  EXPECT_EQ(f.cmd("copy src r replace"), ":1");
  EXPECT_EQ(got(3), "['r', 'hello']");
}

// RESTORE k 0 <dump of a list> => served; RESTORE ... REPLACE over a string too.
TEST_F(Wake, RestoreTheWaitedKey) {
  f.cmd("rpush src hello");
  const std::string payload = dump("src");
  block({"brpop", "k", "1"});
  EXPECT_EQ(f.run({"restore", "k", "0", payload}), "+OK");
  EXPECT_EQ(got(), "['k', 'hello']");

  block({"brpop", "s", "1"}, 0, 2);
  f.cmd("set s str");
  EXPECT_EQ(f.run({"restore", "s", "0", payload, "replace"}), "+OK");
  EXPECT_EQ(got(2), "['s', 'hello']");
}

// RPUSH src 3 1 2; SORT src STORE k => served: k 3 (BRPOP takes the last of 1 2 3).
TEST_F(Wake, SortStore) {
  block({"brpop", "k", "1"});
  f.cmd("rpush src 3 1 2");
  EXPECT_EQ(f.cmd("sort src store k"), ":3");
  EXPECT_EQ(got(), "['k', '3']");
}

// ZUNIONSTORE -> BZPOPMIN (z x 1), ZINTERSTORE -> BZPOPMAX (z x 2), ZDIFFSTORE -> BZMPOP (z [[y 2]]),
// ZRANGESTORE -> BZPOPMIN (z x 1).
TEST_F(Wake, ZsetStoreCommands) {
  f.cmd("zadd a 1 x 2 y");
  f.cmd("zadd b 1 x");
  block({"bzpopmin", "z1", "1"}, 0, 1);
  EXPECT_EQ(f.cmd("zunionstore z1 1 a"), ":2");
  EXPECT_EQ(got(1), "['z1', 'x', '1']");
  block({"bzpopmax", "z2", "1"}, 0, 2);
  EXPECT_EQ(f.cmd("zinterstore z2 2 a b"), ":1");
  EXPECT_EQ(got(2), "['z2', 'x', '2']");
  block({"bzmpop", "1", "1", "z3", "min"}, 0, 3);
  EXPECT_EQ(f.cmd("zdiffstore z3 2 a b"), ":1");
  EXPECT_EQ(got(3), "['z3', [['y', '2']]]");
  block({"bzpopmin", "z4", "1"}, 0, 4);
  EXPECT_EQ(f.cmd("zrangestore z4 a 0 -1"), ":2");
  EXPECT_EQ(got(4), "['z4', 'x', '1']");
}

// A zset made by ZUNIONSTORE does not serve BLMPOP, nor a set made by SINTERSTORE BLPOP: they stay blocked.
TEST_F(Wake, AStoreOfAnotherTypeLeavesItBlocked) {
  f.cmd("zadd a 1 x");
  f.cmd("sadd s x");
  block({"blmpop", "0", "1", "z", "left"}, 0, 1);
  block({"blpop", "t", "0"}, 0, 2);
  f.cmd("zunionstore z 1 a");
  f.cmd("sinterstore t s");
  EXPECT_EQ(got(1), "");
  EXPECT_EQ(got(2), "");
  EXPECT_EQ(f.server().blocked_clients(), 2u);
}

// LMOVE s d LEFT RIGHT => served: d a; RPOPLPUSH s d => served: d b.
TEST_F(Wake, MovesIntoTheWaitedList) {
  f.cmd("rpush s a b");
  block({"blpop", "d", "1"}, 0, 1);
  EXPECT_EQ(f.cmd("lmove s d left right"), "'a'");
  EXPECT_EQ(got(1), "['d', 'a']");
  block({"blpop", "d", "1"}, 0, 2);
  EXPECT_EQ(f.cmd("rpoplpush s d"), "'b'");
  EXPECT_EQ(got(2), "['d', 'b']");
}

// BLMOVE a b, BLMOVE b c, BLPOP c; RPUSH a x => all three served, in a chain: x, x, c x.
TEST_F(Wake, BlmoveChain) {
  block({"blmove", "a", "b", "left", "left", "1"}, 0, 1);
  block({"blmove", "b", "c", "left", "left", "1"}, 0, 2);
  block({"blpop", "c", "1"}, 0, 3);
  EXPECT_EQ(f.cmd("rpush a x"), ":1");
  EXPECT_EQ(got(1), "'x'");
  EXPECT_EQ(got(2), "'x'");
  EXPECT_EQ(got(3), "['c', 'x']");
  EXPECT_EQ(f.cmd("dbsize"), ":0");
}

// MULTI; RPUSH k a; DEL k; RPUSH k b c; EXEC => served after EXEC with what the key holds then: k b.
// MULTI; RPUSH k a; DEL k; EXEC => not served (the key is gone again by the end of EXEC).
TEST_F(Wake, MultiExecServesAtExec) {
  block({"blpop", "k", "1"}, 0, 1);
  block({"blpop", "j", "1"}, 0, 2);
  f.cmd("multi");
  f.cmd("rpush k a");
  f.cmd("del k");
  f.cmd("rpush k b c");
  f.cmd("rpush j a");
  f.cmd("del j");
  EXPECT_EQ(got(1), "") << "nothing before EXEC";
  EXPECT_EQ(f.cmd("exec"), "[:1, :1, :2, :1, :1]");
  EXPECT_EQ(got(1), "['k', 'b']");
  EXPECT_EQ(got(2), "");
  EXPECT_EQ(f.server().blocked_clients(), 1u);
}

// A waiter on several keys is served from the key whose turn it is, not from the first non-empty one in
// its arguments: 1> BLPOP d 0 | 2> BLPOP q0 d q1 0 | MULTI; RPUSH q1 y; RPUSH d x; EXEC => 1 gets d x, 2 gets
// q1 y (q1 was ready first; redis-server 7.0.15 pops the ready key). Running 2's command again instead gave
// it d x and left 1 waiting (found by codis-sim server_blocking, seed 948). The same for BZPOPMIN and BLMPOP.
TEST_F(Wake, AMultiKeyWaiterIsServedFromTheReadyKey) {
  block({"blpop", "d", "0"}, 0, 1);
  block({"blpop", "q0", "d", "q1", "0"}, 0, 2);
  f.cmd("multi");
  f.cmd("rpush q1 y");
  f.cmd("rpush d x");
  EXPECT_EQ(f.cmd("exec"), "[:1, :1]");
  EXPECT_EQ(got(1), "['d', 'x']");
  EXPECT_EQ(got(2), "['q1', 'y']");

  block({"bzpopmin", "b", "0"}, 0, 3);
  block({"bzpopmin", "a", "b", "c", "0"}, 0, 4);
  f.cmd("multi");
  f.cmd("zadd c 1 y");
  f.cmd("zadd b 2 x");
  f.cmd("exec");
  EXPECT_EQ(got(3), "['b', 'x', '2']");
  EXPECT_EQ(got(4), "['c', 'y', '1']");

  block({"blpop", "e", "0"}, 0, 5);
  block({"blmpop", "0", "3", "f", "e", "g", "left"}, 0, 6);
  f.cmd("multi");
  f.cmd("rpush g y");
  f.cmd("rpush e x");
  f.cmd("exec");
  EXPECT_EQ(got(5), "['e', 'x']");
  EXPECT_EQ(got(6), "['g', ['y']]");
  EXPECT_EQ(f.server().blocked_clients(), 0u);
}

// SET x 1; FLUSHALL; RPUSH k v => served: k v.
TEST_F(Wake, FlushallThenPush) {
  block({"blpop", "k", "1"});
  f.cmd("set x 1");
  EXPECT_EQ(f.cmd("flushall"), "+OK");
  EXPECT_EQ(f.cmd("rpush k v"), ":1");
  EXPECT_EQ(got(), "['k', 'v']");
}

// Waiters of both kinds on one key: BZPOPMIN k then BLPOP k; RPUSH k v => the BLPOP is served, the BZPOPMIN
// (first in line, waiting for a zset) stays blocked; and the other way round with a zset.
TEST_F(Wake, AWaiterOfAnotherTypeDoesNotHoldUpTheQueue) {
  block({"bzpopmin", "k", "1"}, 0, 1);
  block({"blpop", "k", "1"}, 0, 2);
  EXPECT_EQ(f.cmd("rpush k v"), ":1");
  EXPECT_EQ(got(1), "");
  EXPECT_EQ(got(2), "['k', 'v']");

  block({"blpop", "q", "1"}, 0, 3);
  block({"bzpopmin", "q", "1"}, 0, 4);
  EXPECT_EQ(f.cmd("zadd q 1 m"), ":1");
  EXPECT_EQ(got(3), "");
  EXPECT_EQ(got(4), "['q', 'm', '1']");
}

// A key of another type replaced by a list through a store. redis-server 7.0.15 leaves the client blocked
// when SORT ... STORE or ZUNIONSTORE overwrites an existing string (its setKey/dbOverwrite does not signal
// the key, while RENAME, COPY REPLACE and RESTORE REPLACE, which delete then add, do): a client left
// waiting beside data it could take. codis-server serves it in every case.
TEST_F(Wake, AStoreOverAStringServes) {
  block({"brpop", "k", "1"}, 0, 1);
  f.cmd("set k str");
  f.cmd("rpush src 3 1 2");
  EXPECT_EQ(f.cmd("sort src store k"), ":3");
  EXPECT_EQ(got(1), "['k', '3']");

  block({"bzpopmin", "z", "1"}, 0, 2);
  f.cmd("set z str");
  f.cmd("zadd a 1 x");
  EXPECT_EQ(f.cmd("zunionstore z 1 a"), ":1");
  EXPECT_EQ(got(2), "['z', 'x', '1']");
}

}  // namespace
}  // namespace codis::server::testing
