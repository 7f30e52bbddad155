// MULTI/EXEC/DISCARD/WATCH between several clients of one server.
#include <gtest/gtest.h>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

TEST(Multi, QueuesAndExecutes) {
  ServerFixture f;
  EXPECT_EQ(f.cmd("multi"), "+OK");
  EXPECT_EQ(f.cmd("set a 1"), "+QUEUED");
  EXPECT_EQ(f.cmd("incr a"), "+QUEUED");
  EXPECT_EQ(f.cmd("lpush a x"), "+QUEUED");
  EXPECT_EQ(f.cmd("get a"), "+QUEUED");
  EXPECT_EQ(f.cmd("get a", 1), "(nil)") << "nothing runs before EXEC";
  EXPECT_EQ(f.cmd("exec"),
            "[+OK, :2, -WRONGTYPE Operation against a key holding the wrong kind of value, '2']")
      << "a runtime error does not abort the rest";
  EXPECT_EQ(f.cmd("exec"), "-ERR EXEC without MULTI");
  EXPECT_EQ(f.cmd("multi"), "+OK");
  EXPECT_EQ(f.cmd("exec"), "[]");
}

TEST(Multi, QueueingErrorsAbortExec) {
  ServerFixture f;
  f.cmd("multi");
  EXPECT_EQ(f.cmd("set a 1"), "+QUEUED");
  EXPECT_EQ(f.cmd("set b"), "-ERR wrong number of arguments for 'set' command");
  EXPECT_EQ(f.cmd("nosuch"), "-ERR unknown command 'nosuch', with args beginning with: ");
  EXPECT_EQ(f.cmd("multi"), "-ERR MULTI calls can not be nested");
  EXPECT_EQ(f.cmd("watch a"), "-ERR WATCH inside MULTI is not allowed");
  EXPECT_EQ(f.cmd("exec"), "-EXECABORT Transaction discarded because of previous errors.");
  EXPECT_EQ(f.cmd("get a"), "(nil)");
  EXPECT_EQ(f.cmd("multi"), "+OK") << "the failed transaction is over";
  EXPECT_EQ(f.cmd("set a 1"), "+QUEUED");
  EXPECT_EQ(f.cmd("discard"), "+OK");
  EXPECT_EQ(f.cmd("discard"), "-ERR DISCARD without MULTI");
  EXPECT_EQ(f.cmd("get a"), "(nil)");
}

TEST(Multi, ExecRawReply) {
  ServerFixture f;
  f.raw({"MULTI"});
  f.raw({"GET", "x"});
  f.raw({"SET", "x", "1"});
  EXPECT_EQ(f.raw({"EXEC"}), "*2\r\n$-1\r\n+OK\r\n");
}

TEST(Watch, AnotherClientsWriteFailsExec) {
  ServerFixture f;
  f.cmd("set k 1");
  EXPECT_EQ(f.cmd("watch k"), "+OK");
  EXPECT_EQ(f.cmd("incr k", 1), ":2");
  f.cmd("multi");
  f.cmd("set k 100");
  EXPECT_EQ(f.raw({"EXEC"}), "*-1\r\n");
  EXPECT_EQ(f.cmd("get k"), "'2'");
  // The failed EXEC unwatched everything: the next transaction runs.
  f.cmd("multi");
  f.cmd("set k 100");
  EXPECT_EQ(f.cmd("exec"), "[+OK]");
}

TEST(Watch, UntouchedKeysLetExecRun) {
  ServerFixture f;
  f.cmd("watch k other");
  f.cmd("set unrelated 1", 1);
  f.cmd("select 1", 1);
  f.cmd("set k 1", 1);  // same name, another database
  f.cmd("multi");
  f.cmd("set k mine");
  EXPECT_EQ(f.cmd("exec"), "[+OK]");
}

TEST(Watch, InvalidatedByEveryKindOfWrite) {
  struct Case {
    const char* setup;
    const char* write;
  };
  for (const Case& c :
       {Case{"set k 1", "del k"}, Case{"set k 1", "expire k 100"}, Case{"", "set k 1"},
        Case{"set k 1", "rename k j"}, Case{"set j 1", "rename j k"}, Case{"set k 1", "flushdb"},
        Case{"set k 1", "flushall"}, Case{"set k 1", "swapdb 0 1"}, Case{"set j 1", "copy j k"},
        Case{"set k 1", "append k x"}, Case{"set k 1", "getdel k"}, Case{"", "rpush k a"},
        Case{"set k 1 px 10", "persist k"}}) {
    ServerFixture f;
    if (*c.setup) {
      f.cmd(c.setup);
    }
    f.cmd("watch k");
    f.cmd(c.write, 1);
    f.cmd("multi");
    f.cmd("ping");
    EXPECT_EQ(f.cmd("exec"), "(nilarr)") << c.setup << " / " << c.write;
  }
}

TEST(Watch, ReadsAndFailedWritesDoNotInvalidate) {
  ServerFixture f;
  f.cmd("set k 1");
  f.cmd("watch k");
  f.cmd("get k", 1);
  f.cmd("exists k", 1);
  f.cmd("set k 2 nx", 1);
  f.cmd("expire k 100 xx", 1);
  f.cmd("multi");
  f.cmd("get k");
  EXPECT_EQ(f.cmd("exec"), "['1']");
}

TEST(Watch, OwnWriteBeforeMultiAndUnwatch) {
  ServerFixture f;
  f.cmd("watch k");
  f.cmd("set k 1");  // a client's own write also counts, as in Redis
  f.cmd("multi");
  f.cmd("get k");
  EXPECT_EQ(f.cmd("exec"), "(nilarr)");
  f.cmd("watch k");
  f.cmd("set k 2", 1);
  EXPECT_EQ(f.cmd("unwatch"), "+OK");
  f.cmd("multi");
  f.cmd("get k");
  EXPECT_EQ(f.cmd("exec"), "['2']");
  f.cmd("watch k");
  f.cmd("multi");
  EXPECT_EQ(f.cmd("discard"), "+OK");
  f.cmd("set k 3", 1);
  f.cmd("multi");
  f.cmd("get k");
  EXPECT_EQ(f.cmd("exec"), "['3']") << "DISCARD unwatches";
}

// Over maxmemory (noeviction), as redis-server 7.0.15 answers: inside MULTI every command but EXEC,
// DISCARD, QUIT and RESET is refused (queueing takes memory), reads included, and EXEC then aborts; a
// transaction queued under the limit runs whole even when it raises the limit midway (EXEC's commands are
// not checked again); an EXEC holding a deny-oom command is refused once memory is over.
TEST(Multi, OverMaxmemory) {
  ServerFixture f;
  f.server().set_memory_probe([] { return size_t{1000}; });
  EXPECT_EQ(f.cmd("set a b"), "+OK");
  EXPECT_EQ(f.cmd("config set maxmemory 1"), "+OK");
  EXPECT_EQ(f.cmd("multi"), "+OK");
  EXPECT_EQ(f.cmd("set x y"), "-OOM command not allowed when used memory > 'maxmemory'.");
  EXPECT_EQ(f.cmd("get a"), "-OOM command not allowed when used memory > 'maxmemory'.");
  EXPECT_EQ(f.cmd("exec"), "-EXECABORT Transaction discarded because of previous errors.");
  EXPECT_EQ(f.cmd("get a"), "'b'");  // reads outside MULTI go on
  EXPECT_EQ(f.cmd("multi"), "+OK");
  EXPECT_EQ(f.cmd("discard"), "+OK");

  EXPECT_EQ(f.cmd("config set maxmemory 0"), "+OK");
  EXPECT_EQ(f.cmd("multi"), "+OK");
  EXPECT_EQ(f.cmd("config set maxmemory 1"), "+QUEUED");
  EXPECT_EQ(f.cmd("set x y"), "+QUEUED");
  EXPECT_EQ(f.cmd("exec"), "[+OK, +OK]");

  EXPECT_EQ(f.cmd("config set maxmemory 0"), "+OK");
  EXPECT_EQ(f.cmd("multi"), "+OK");
  EXPECT_EQ(f.cmd("set y z"), "+QUEUED");
  EXPECT_EQ(f.cmd("config set maxmemory 1", 1), "+OK");  // another client lowers the limit
  EXPECT_EQ(f.cmd("exec"),
            "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > "
            "'maxmemory'.");
  EXPECT_EQ(f.cmd("exists y"), ":0");
}

}  // namespace
}  // namespace codis::server::testing

namespace codis::server::testing {
namespace {

// redis-server 7.0.15: a watched key that expires between WATCH and EXEC fails the EXEC; one already
// expired when WATCH ran does not.
TEST(WatchExpiry, ExpiringAfterWatchFailsExec) {
  ServerFixture f;
  f.cmd("set k v px 100");
  f.advance(rt::milliseconds(200));
  f.cmd("watch k");
  f.cmd("multi");
  EXPECT_EQ(f.cmd("exec"), "[]") << "expired before WATCH";
  f.cmd("set j v px 100");
  f.cmd("watch j");
  f.advance(rt::milliseconds(200));
  f.cmd("multi");
  EXPECT_EQ(f.cmd("exec"), "(nilarr)") << "expired after WATCH";
}

// When lazy expiry (or the active cycle) deletes a watched key, Redis touches its watchers.
TEST(WatchExpiry, LazyDeletionAfterWatchFailsExec) {
  ServerFixture f;
  f.cmd("set i v px 100");
  f.cmd("watch i");
  f.advance(rt::milliseconds(200));
  EXPECT_EQ(f.cmd("get i"), "(nil)");
  f.cmd("multi");
  EXPECT_EQ(f.cmd("exec"), "(nilarr)");
}

}  // namespace
}  // namespace codis::server::testing
