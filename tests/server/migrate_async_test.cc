// Async migration between two real codis-server processes (SLOTSMGRT*-ASYNC, FENCE, CANCEL, STATUS, the
// -ASYNC-DUMP forms): values of every type, big ones in chunks, with TTLs and access stamps; a batch the
// target does not answer (timeout, cancel); a writer following the redirects while
// SLOTSMGRTTAGSLOT-ASYNC moves its slot, with the link cut mid-batch and the batch retried.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cmd/slot.h"
#include "tests/server/migrate_util.h"
#include "tests/server/redirect_writer.h"
#include "tests/server/redis_client.h"
#include "tests/server/server_process.h"

namespace codis::server::testing {
namespace {

ServerProcess start(std::vector<std::string> extra = {}) {
  return start_server(std::move(extra));
}

// Fills `key` with n elements of its type (list, hash, set, zset) in one command.
void fill(redisContext* c, const std::string& type, const std::string& key, int n) {
  std::vector<std::string> argv;
  if (type == "list") {
    argv = {"RPUSH", key};
  } else if (type == "hash") {
    argv = {"HSET", key};
  } else if (type == "set") {
    argv = {"SADD", key};
  } else {
    argv = {"ZADD", key};
  }
  for (int i = 0; i < n; ++i) {
    if (type == "zset") {
      argv.push_back(std::to_string(i) + ".25");
    }
    argv.push_back("e" + std::to_string(i));
    if (type == "hash") {
      argv.push_back("v" + std::to_string(i));
    }
  }
  const std::string r = call(c, argv);
  ASSERT_EQ(r, ":" + std::to_string(n)) << type;
}

// The raw DUMP payload of key.
std::string dump_bytes(redisContext* c, const std::string& key) {
  auto* r = static_cast<redisReply*>(redisCommand(c, "DUMP %b", key.data(), key.size()));
  std::string out = r != nullptr && r->type == REDIS_REPLY_STRING ? std::string(r->str, r->len) : "";
  freeReplyObject(r);
  return out;
}

// Waits (up to 3 s) until writes to `key` are no longer refused with TRYAGAIN (PERSIST changes nothing
// on a key without a TTL).
void wait_writable(redisContext* c, const std::string& key) {
  for (int i = 0; i < 300 && call(c, {"PERSIST", key}).starts_with("-TRYAGAIN"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(call(c, {"PERSIST", key}).substr(0, 1), ":") << key;
}

std::string digest(redisContext* c, const std::string& key) {
  return call(c, {"DEBUG", "DIGEST-VALUE", key});
}

TEST(MigrateAsync, MovesEveryTypeSmallAndChunkedWithTtlsAndStamps) {
  ServerProcess a = start(), b = start();
  ASSERT_GT(a.port(), 0);
  ASSERT_GT(b.port(), 0);
  Conn ca = connect(a.port()), cb = connect(b.port());
  const std::string bport = std::to_string(b.port());
  std::map<std::string, std::string> digests;
  // maxbulks 10: values of more than 20 elements go in chunks.
  for (const std::string type : {"list", "hash", "set", "zset"}) {
    for (const int n : {5, 500}) {
      const std::string key = type + std::to_string(n);
      fill(ca.get(), type, key, n);
      digests[key] = "";
    }
  }
  EXPECT_EQ(call(ca.get(), {"SET", "str", std::string(100000, 'x')}), "+OK");
  digests["str"] = "";
  EXPECT_EQ(call(ca.get(), {"PEXPIRE", "hash500", "100000"}), ":1");
  EXPECT_EQ(call(ca.get(), {"PEXPIRE", "str", "200000"}), ":1");
  for (auto& [k, d] : digests) {
    d = digest(ca.get(), k);  // DIGEST-VALUE covers the TTL's presence too
  }

  std::vector<std::string> argv = {"SLOTSMGRTONE-ASYNC", "127.0.0.1", bport, "5000", "10", "0"};
  for (const auto& [k, d] : digests) {
    argv.push_back(k);
  }
  argv.push_back("missing");
  EXPECT_EQ(call(ca.get(), argv), ":" + std::to_string(digests.size()));
  for (const auto& [k, d] : digests) {
    EXPECT_EQ(call(ca.get(), {"EXISTS", k}), ":0") << k;
    EXPECT_EQ(digest(cb.get(), k), d) << k;
  }
  const std::string pttl = call(cb.get(), {"PTTL", "hash500"});
  ASSERT_EQ(pttl[0], ':') << pttl;
  EXPECT_GT(std::stoll(pttl.substr(1)), 90000) << pttl;
  EXPECT_LE(std::stoll(pttl.substr(1)), 100000) << pttl;
  EXPECT_EQ(call(cb.get(), {"PTTL", "list500"}), ":-1");  // the chunks' temporary TTL is gone
  EXPECT_GT(std::stoll(call(cb.get(), {"PTTL", "str"}).substr(1)), 190000);
  EXPECT_EQ(call(ca.get(), {"SLOTSCHECK"}), "+OK");
  EXPECT_EQ(call(cb.get(), {"SLOTSCHECK"}), "+OK");

  // The LRU stamp travels: a key idle for a while on A is as idle on B.
  EXPECT_EQ(call(ca.get(), {"SET", "idle", "v"}), "+OK");
  EXPECT_EQ(
      call(ca.get(), {"RESTORE", "idle", "0", dump_bytes(ca.get(), "idle"), "REPLACE", "IDLETIME", "5000"}),
      "+OK");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE-ASYNC", "127.0.0.1", bport, "0", "0", "0", "idle"}), ":1");
  const std::string idle = call(cb.get(), {"OBJECT", "IDLETIME", "idle"});
  ASSERT_EQ(idle[0], ':') << idle;
  EXPECT_GE(std::stoll(idle.substr(1)), 5000);
}

TEST(MigrateAsync, TagFormsSlotFormsAndDump) {
  ServerProcess a = start(), b = start();
  Conn ca = connect(a.port()), cb = connect(b.port());
  const std::string bport = std::to_string(b.port());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(call(ca.get(), {"SET", "{user}" + std::to_string(i), std::to_string(i)}), "+OK");
  }
  // The -DUMP form shows the messages without sending them: del then object, per key.
  const std::string dumped = call(ca.get(), {"SLOTSMGRTONE-ASYNC-DUMP", "0", "0", "{user}1"});
  EXPECT_EQ(dumped.substr(0, 42), "[['SLOTSRESTORE-ASYNC', 'del', '{user}1'],") << dumped;
  EXPECT_NE(dumped.find("'object', '{user}1', '0', "), std::string::npos) << dumped;
  std::string tag_dump = call(ca.get(), {"SLOTSMGRTTAGONE-ASYNC-DUMP", "0", "0", "{user}1"});
  int messages = 0;
  for (size_t at = tag_dump.find("['SLOTSRESTORE-ASYNC', "); at != std::string::npos;
       at = tag_dump.find("['SLOTSRESTORE-ASYNC', ", at + 1)) {
    ++messages;
  }
  EXPECT_EQ(messages, 40) << tag_dump;

  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTTAGONE-ASYNC", "127.0.0.1", bport, "1000", "0", "0", "{user}3"}),
            ":20");
  EXPECT_EQ(call(ca.get(), {"SLOTSINFO", std::to_string(cmd::slot_of("{user}"))}), "[]");
  EXPECT_EQ(call(cb.get(), {"GET", "{user}19"}), "'19'");

  // A whole slot, batch by batch, until nothing is left.
  const uint32_t slot = 77;
  for (const auto& k : keys_in_slot(slot, "k", 300)) {
    EXPECT_EQ(call(ca.get(), {"SET", k, "v" + k}), "+OK");
  }
  int64_t moved = 0;
  for (int rounds = 0; rounds < 100; ++rounds) {
    const std::string r = call(ca.get(), {"SLOTSMGRTTAGSLOT-ASYNC", "127.0.0.1", bport, "1000", "0", "0",
                                          std::to_string(slot), "64"});
    ASSERT_EQ(r[0], '[') << r;
    moved += std::stoll(r.substr(2));
    if (r.ends_with(", :0]")) {
      break;
    }
  }
  EXPECT_EQ(moved, 300);
  EXPECT_EQ(call(ca.get(),
                 {"SLOTSMGRTSLOT-ASYNC", "127.0.0.1", bport, "1000", "0", "0", std::to_string(slot), "0"}),
            "[:0, :0]");
  EXPECT_EQ(call(cb.get(), {"SLOTSINFO", std::to_string(slot), "1"}), "[[:77, :300]]");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRT-ASYNC-FENCE"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRT-ASYNC-STATUS"}), "(nil)");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRT-ASYNC-CANCEL"}), ":0");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTSLOT-ASYNC", "127.0.0.1", "0", "1000", "0", "0", "1", "0"}),
            "-ERR invalid value of port (0)");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTSLOT-ASYNC", "127.0.0.1", bport, "1000", "0", "0", "1024", "0"}),
            "-ERR invalid value of slot (1024)");
}

// The target does not answer (all its clients paused): the batch waits, writes to its keys are refused,
// STATUS describes it, a second batch on the db is refused, CANCEL ends it with every key still here;
// a batch left alone ends with a timeout, and the next one (after the target wakes) moves the keys.
TEST(MigrateAsync, CancelAndTimeoutKeepEveryKey) {
  ServerProcess a = start(), b = start();
  Conn ca = connect(a.port()), caller = connect(a.port()), cb = connect(b.port());
  const std::string bport = std::to_string(b.port());
  fill(ca.get(), "hash", "big", 2000);
  EXPECT_EQ(call(ca.get(), {"SET", "small", "1"}), "+OK");
  // A first move opens the link (the target's PING would be paused too).
  EXPECT_EQ(call(ca.get(), {"SET", "warm", "1"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE-ASYNC", "127.0.0.1", bport, "1000", "0", "0", "warm"}), ":1");
  const std::string digest_big = digest(ca.get(), "big");

  EXPECT_EQ(call(cb.get(), {"CLIENT", "PAUSE", "800", "ALL"}), "+OK");
  ASSERT_EQ(redisAppendCommand(caller.get(), "SLOTSMGRTONE-ASYNC 127.0.0.1 %s 10000 10 1000 big small",
                               bport.c_str()),
            REDIS_OK);
  redisReply* pending = nullptr;
  // Flush the request without waiting for its reply.
  int done = 0;
  while (!done) {
    ASSERT_EQ(redisBufferWrite(caller.get(), &done), REDIS_OK);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string status = call(ca.get(), {"SLOTSMGRT-ASYNC-STATUS"});
  EXPECT_NE(status.find("'blocked_clients', :1"), std::string::npos) << status;
  EXPECT_NE(status.find("'keys', ['big', 'small']"), std::string::npos) << status;
  EXPECT_EQ(call(ca.get(), {"SET", "small", "2"}).substr(0, 10), "-TRYAGAIN ");
  EXPECT_EQ(call(ca.get(), {"GET", "small"}), "'1'");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE-ASYNC", "127.0.0.1", bport, "1000", "0", "0", "warm"}),
            "-ERR the specified DB is being migrated");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRT-ASYNC-CANCEL"}), ":1");
  ASSERT_EQ(redisGetReply(caller.get(), reinterpret_cast<void**>(&pending)), REDIS_OK);
  EXPECT_EQ(render_reply(pending), "-ERR interrupted: canceled");
  freeReplyObject(pending);
  EXPECT_EQ(digest(ca.get(), "big"), digest_big);
  // Nothing of `small` was sent (the first messages of `big` filled maxbytes): it may be written at once;
  // `big` waits until the target has dropped what it got of it.
  EXPECT_EQ(call(ca.get(), {"SET", "small", "2"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"DEL", "big"}).substr(0, 10), "-TRYAGAIN ");

  // Left alone, a batch the target does not answer times out, and keeps its keys (on a live link: the
  // cancelled one was dropped, so one more move first).
  EXPECT_EQ(call(cb.get(), {"CLIENT", "UNPAUSE"}), "+OK");
  wait_writable(ca.get(), "big");
  EXPECT_EQ(call(cb.get(), {"EXISTS", "big"}), ":0");  // what the target got of it is gone
  EXPECT_EQ(call(ca.get(), {"SET", "warm", "2"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE-ASYNC", "127.0.0.1", bport, "1000", "0", "0", "warm"}), ":1");
  EXPECT_EQ(call(cb.get(), {"CLIENT", "PAUSE", "800", "ALL"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE-ASYNC", "127.0.0.1", bport, "300", "10", "1000", "big"}),
            "-ERR interrupted: migration timeout");
  EXPECT_EQ(digest(ca.get(), "big"), digest_big);
  EXPECT_EQ(call(cb.get(), {"CLIENT", "UNPAUSE"}), "+OK");
  // `big` was sent in part: it stays in flight until its copy on the target is deleted, which happens once
  // the target answers again. Then the next move kills the abandoned links there first and moves everything.
  std::string moved;
  for (int i = 0; i < 300; ++i) {
    moved = call(ca.get(), {"SLOTSMGRTONE-ASYNC", "127.0.0.1", bport, "1000", "10", "1000", "big", "small"});
    if (!moved.starts_with("-TRYAGAIN")) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(moved, ":2");
  EXPECT_EQ(digest(cb.get(), "big"), digest_big);
  EXPECT_EQ(call(cb.get(), {"GET", "small"}), "'2'");
  EXPECT_EQ(call(cb.get(), {"PTTL", "big"}), ":-1");
}

// Reads the id of the target's client that runs SLOTSRESTORE-ASYNC messages (the source's link), or "".
std::string link_client_id(redisContext* target) {
  const std::string list = call(target, {"CLIENT", "LIST"});
  for (size_t at = list.find("cmd=slotsrestore-async"); at != std::string::npos;) {
    const size_t line = list.rfind("id=", at);
    return list.substr(line + 3, list.find(' ', line) - line - 3);
  }
  return "";
}

// A writer keeps incrementing counters of one slot (some with big companions) while SLOTSMGRTTAGSLOT-ASYNC
// moves the slot from A to B, following the servers' redirects as the proxy will; midway the link is
// killed on the target and the failed batch is retried. Every acknowledged increment is on B at the end.
TEST(MigrateAsync, AWriterFollowingRedirectsLosesNothingWhenTheLinkIsCutAndRetried) {
  ClusterPair pair;
  ServerProcess &a = pair.a, &b = pair.b;
  ASSERT_GT(a.port(), 0);
  ASSERT_GT(b.port(), 0);
  const std::string &aaddr = pair.aaddr, &baddr = pair.baddr;
  Conn &admin_a = pair.admin_a, &admin_b = pair.admin_b;
  EXPECT_EQ(pair.own_a, "+OK");
  EXPECT_EQ(pair.disown_b, "+OK");
  const uint32_t slot = 500;
  const std::vector<std::string> keys = keys_in_slot(slot, "c", 60);
  const std::vector<std::string> bigs = keys_in_slot(slot, "big", 4);
  for (const auto& k : bigs) {
    fill(admin_a.get(), "zset", k, 3000);
  }

  RedirectWriter writer(a.port(), keys);

  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", std::to_string(slot), "importing", aaddr, "2"}), "+OK");
  EXPECT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", std::to_string(slot), "migrating", baddr, "2"}), "+OK");
  // A slow batch first (one big zset in 3000 small chunks, little in flight), cut on the target midway.
  Conn mover = connect(a.port());
  ASSERT_EQ(redisAppendCommand(mover.get(), "SLOTSMGRTTAGONE-ASYNC 127.0.0.1 %d 5000 1 64 %s", b.port(),
                               bigs[0].c_str()),
            REDIS_OK);
  int done = 0;
  while (!done) {
    ASSERT_EQ(redisBufferWrite(mover.get(), &done), REDIS_OK);
  }
  std::string id;
  for (int i = 0; i < 200 && id.empty(); ++i) {
    id = link_client_id(admin_b.get());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_NE(id, "");
  EXPECT_EQ(call(admin_b.get(), {"CLIENT", "KILL", "ID", id}), ":1");
  redisReply* cut = nullptr;
  ASSERT_EQ(redisGetReply(mover.get(), reinterpret_cast<void**>(&cut)), REDIS_OK);
  const std::string cut_reply = render_reply(cut);
  freeReplyObject(cut);
  EXPECT_EQ(cut_reply.substr(0, 6), "-IOERR") << cut_reply;

  // Then the slot, batch by batch, retrying failed batches, until it is empty.
  int failures = 0;
  for (;;) {
    const std::string r =
        call(admin_a.get(), {"SLOTSMGRTTAGSLOT-ASYNC", "127.0.0.1", std::to_string(b.port()), "1000", "100",
                             "65536", std::to_string(slot), "8"});
    if (r[0] != '[') {
      ASSERT_LT(++failures, 5) << r;
      continue;
    }
    if (r.ends_with(", :0]")) {
      break;
    }
  }
  EXPECT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", std::to_string(slot), "owned", "-", "3"}), "+OK");
  EXPECT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", std::to_string(slot), "not-owned", baddr, "3"}), "+OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  writer.stop();
  ASSERT_EQ(writer.error(), "");
  EXPECT_GT(writer.redirects(), 0);
  for (const auto& [k, v] : writer.acked()) {
    EXPECT_EQ(call(admin_b.get(), {"GET", k}), "'" + std::to_string(v) + "'") << k;
  }
  EXPECT_EQ(writer.acked().size(), keys.size());
  for (const auto& k : bigs) {
    EXPECT_EQ(call(admin_b.get(), {"ZCARD", k}), ":3000") << k;
    EXPECT_EQ(call(admin_b.get(), {"PTTL", k}), ":-1") << k;
  }
  EXPECT_EQ(call(admin_a.get(), {"SLOTSINFO", std::to_string(slot), "1"}), "[]");
  EXPECT_EQ(call(admin_b.get(), {"SLOTSCHECK"}), "+OK");
}

// A slot move cancelled halfway, as the dashboard does it: the direction turns (the target migrates what it
// got back to the source, which imports it) while a writer keeps following the redirects. At the end every
// key and every acknowledged increment is on the source, and SLOTSINFO says so on both servers.
TEST(MigrateAsync, AMoveCancelledHalfwayReturnsEveryKeyToTheSource) {
  ClusterPair pair;
  ServerProcess &a = pair.a, &b = pair.b;
  ASSERT_GT(a.port(), 0);
  ASSERT_GT(b.port(), 0);
  const std::string &aaddr = pair.aaddr, &baddr = pair.baddr;
  Conn &admin_a = pair.admin_a, &admin_b = pair.admin_b;
  EXPECT_EQ(pair.own_a, "+OK");
  EXPECT_EQ(pair.disown_b, "+OK");
  const uint32_t slot = 321;
  const std::string ss = std::to_string(slot);
  const std::vector<std::string> keys = keys_in_slot(slot, "n", 40);
  const std::vector<std::string> quiet = keys_in_slot(slot, "q", 400);  // not written during the move
  for (const auto& k : quiet) {
    EXPECT_EQ(call(admin_a.get(), {"SET", k, "v" + k}), "+OK");
  }
  RedirectWriter writer(a.port(), keys);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", ss, "importing", aaddr, "2"}), "+OK");
  EXPECT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", ss, "migrating", baddr, "2"}), "+OK");
  // About half the slot goes to B.
  for (int moved = 0; moved < 200;) {
    const std::string r = call(admin_a.get(), {"SLOTSMGRTTAGSLOT-ASYNC", "127.0.0.1",
                                               std::to_string(b.port()), "1000", "0", "0", ss, "50"});
    ASSERT_EQ(r[0], '[') << r;
    moved += std::stoi(r.substr(2));
  }
  // Cancel: B gives back what it got.
  EXPECT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", ss, "importing", baddr, "3"}), "+OK");
  EXPECT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", ss, "migrating", aaddr, "3"}), "+OK");
  for (int rounds = 0;; ++rounds) {
    ASSERT_LT(rounds, 1000);
    const std::string r = call(admin_b.get(), {"SLOTSMGRTTAGSLOT-ASYNC", "127.0.0.1",
                                               std::to_string(a.port()), "1000", "0", "0", ss, "50"});
    ASSERT_EQ(r[0], '[') << r;
    if (r.ends_with(", :0]")) {
      break;
    }
  }
  EXPECT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", ss, "owned", "-", "4"}), "+OK");
  EXPECT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", ss, "not-owned", aaddr, "4"}), "+OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  writer.stop();
  ASSERT_EQ(writer.error(), "");
  EXPECT_GT(writer.redirects(), 0);
  for (const auto& [k, v] : writer.acked()) {
    EXPECT_EQ(call(admin_a.get(), {"GET", k}), "'" + std::to_string(v) + "'") << k;
  }
  EXPECT_EQ(writer.acked().size(), keys.size());
  for (const auto& k : quiet) {
    EXPECT_EQ(call(admin_a.get(), {"GET", k}), "'v" + k + "'") << k;
  }
  EXPECT_EQ(call(admin_a.get(), {"SLOTSINFO", ss, "1"}),
            "[[:" + ss + ", :" + std::to_string(keys.size() + quiet.size()) + "]]");
  EXPECT_EQ(call(admin_b.get(), {"SLOTSINFO", ss, "1"}), "[]");
}

// The caller of a batch goes away mid-move (its connection closed while the target stalls): the batch goes
// on, a second client's FENCE waits for it and gets its result, and the keys end on the target.
TEST(MigrateAsync, ABatchOutlivesItsCallerAndFenceWaitsForIt) {
  ServerProcess a = start(), b = start();
  Conn ca = connect(a.port()), cb = connect(b.port()), fence = connect(a.port());
  const std::string bport = std::to_string(b.port());
  fill(ca.get(), "list", "big", 3000);
  EXPECT_EQ(call(ca.get(), {"SET", "warm", "1"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE-ASYNC", "127.0.0.1", bport, "1000", "0", "0", "warm"}), ":1");
  const std::string digest_big = digest(ca.get(), "big");
  EXPECT_EQ(call(cb.get(), {"CLIENT", "PAUSE", "300", "ALL"}), "+OK");
  {
    Conn caller = connect(a.port());
    ASSERT_EQ(
        redisAppendCommand(caller.get(), "SLOTSMGRTONE-ASYNC 127.0.0.1 %s 5000 10 1000 big", bport.c_str()),
        REDIS_OK);
    int done = 0;
    while (!done) {
      ASSERT_EQ(redisBufferWrite(caller.get(), &done), REDIS_OK);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }  // the caller disconnects with its batch running
  EXPECT_EQ(call(fence.get(), {"SLOTSMGRT-ASYNC-FENCE"}), ":1");
  EXPECT_EQ(call(ca.get(), {"EXISTS", "big"}), ":0");
  EXPECT_EQ(digest(cb.get(), "big"), digest_big);
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRT-ASYNC-STATUS"}), "(nil)");
  EXPECT_EQ(call(ca.get(), {"PING"}), "+PONG");
}

}  // namespace
}  // namespace codis::server::testing
