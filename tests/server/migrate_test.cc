// Synchronous migration between two real codis-server processes (SLOTSMGRTONE, SLOTSMGRTTAGONE,
// SLOTSMGRTSLOT, SLOTSMGRTTAGSLOT), on a plain pair and on a cluster-mode pair whose writer follows the
// redirects while the slot moves (docs/slots.md).
#include <gtest/gtest.h>

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

TEST(MigrateSync, OneKeyTagMatesAndWholeSlots) {
  ServerProcess a = start(), b = start();
  ASSERT_GT(a.port(), 0);
  ASSERT_GT(b.port(), 0);
  Conn ca = connect(a.port()), cb = connect(b.port());
  const std::string bport = std::to_string(b.port());

  // One key, with its TTL and type.
  EXPECT_EQ(call(ca.get(), {"RPUSH", "list", "x", "y"}), ":2");
  EXPECT_EQ(call(ca.get(), {"PEXPIRE", "list", "100000"}), ":1");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE", "127.0.0.1", bport, "1000", "list"}), ":1");
  EXPECT_EQ(call(ca.get(), {"EXISTS", "list"}), ":0");
  EXPECT_EQ(call(cb.get(), {"LRANGE", "list", "0", "-1"}), "['x', 'y']");
  const std::string pttl = call(cb.get(), {"PTTL", "list"});
  ASSERT_EQ(pttl[0], ':') << pttl;
  EXPECT_GT(std::stoll(pttl.substr(1)), 90000) << pttl;
  EXPECT_LE(std::stoll(pttl.substr(1)), 100000) << pttl;
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE", "127.0.0.1", bport, "1000", "nothere"}), ":0");

  // A tagged key takes every key of its tag along, in one batch; an untagged key moves alone.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(call(ca.get(), {"SET", "{user}" + std::to_string(i), std::to_string(i)}), "+OK");
  }
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTTAGONE", "127.0.0.1", bport, "1000", "{user}3"}), ":20");
  EXPECT_EQ(call(ca.get(), {"SLOTSINFO", std::to_string(cmd::slot_of("{user}"))}), "[]");
  EXPECT_EQ(call(cb.get(), {"GET", "{user}19"}), "'19'");

  // A whole slot, key by key, until nothing is left.
  const uint32_t slot = 77;
  for (const auto& k : keys_in_slot(slot, "k", 30)) {
    EXPECT_EQ(call(ca.get(), {"SET", k, "v" + k}), "+OK");
  }
  int rounds = 0;
  for (;; ++rounds) {
    const std::string r = call(ca.get(), {"SLOTSMGRTSLOT", "127.0.0.1", bport, "1000", std::to_string(slot)});
    ASSERT_EQ(r.substr(0, 4), "[:1,") << r;
    if (r == "[:1, :0]") {
      break;
    }
  }
  EXPECT_EQ(rounds, 29);
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTSLOT", "127.0.0.1", bport, "1000", std::to_string(slot)}), "[:0, :0]");
  EXPECT_EQ(call(cb.get(), {"SLOTSINFO", std::to_string(slot), "1"}), "[[:77, :30]]");
  EXPECT_EQ(call(ca.get(), {"SLOTSCHECK"}), "+OK");
  EXPECT_EQ(call(cb.get(), {"SLOTSCHECK"}), "+OK");
}

TEST(MigrateSync, AuthenticatesWithTheSharedPasswordAndSelectsTheDb) {
  ServerProcess a = start({"--requirepass", "pw"}), b = start({"--requirepass", "pw"});
  Conn ca = connect(a.port()), cb = connect(b.port());
  EXPECT_EQ(call(ca.get(), {"AUTH", "pw"}), "+OK");
  EXPECT_EQ(call(cb.get(), {"AUTH", "pw"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SELECT", "3"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SET", "k", "v"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE", "127.0.0.1", std::to_string(b.port()), "1000", "k"}), ":1");
  EXPECT_EQ(call(cb.get(), {"SELECT", "3"}), "+OK");
  EXPECT_EQ(call(cb.get(), {"GET", "k"}), "'v'");
}

TEST(MigrateSync, AFailedMoveKeepsTheKey) {
  ServerProcess a = start(), b = start({"--requirepass", "other"});
  Conn ca = connect(a.port());
  EXPECT_EQ(call(ca.get(), {"SET", "k", "v"}), "+OK");
  // Nobody listens on port 1; the target refuses unauthenticated SLOTSRESTORE.
  const std::string down = call(ca.get(), {"SLOTSMGRTONE", "127.0.0.1", "1", "200", "k"});
  EXPECT_EQ(down.substr(0, 6), "-IOERR") << down;
  const std::string refused =
      call(ca.get(), {"SLOTSMGRTONE", "127.0.0.1", std::to_string(b.port()), "1000", "k"});
  EXPECT_EQ(refused, "-ERR target 127.0.0.1:" + std::to_string(b.port()) +
                         " refused the keys: NOAUTH Authentication required.");
  EXPECT_EQ(call(ca.get(), {"GET", "k"}), "'v'");
  // A target whose password differs refuses the link's AUTH.
  ServerProcess c = start({"--requirepass", "third"});
  EXPECT_EQ(call(ca.get(), {"CONFIG", "SET", "requirepass", "mine"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"AUTH", "mine"}), "+OK");
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE", "127.0.0.1", std::to_string(c.port()), "1000", "k"}),
            "-ERR target 127.0.0.1:" + std::to_string(c.port()) + " refused the link's AUTH or SELECT");
  EXPECT_EQ(call(ca.get(), {"GET", "k"}), "'v'");
  EXPECT_EQ(call(ca.get(), {"SET", "k", "w"}), "+OK");  // no longer in flight
  EXPECT_EQ(call(ca.get(), {"SLOTSMGRTONE", "127.0.0.1", "x", "1000", "k"}),
            "-ERR value is not an integer or out of range");
}

// A writer keeps incrementing counters of one slot while that slot moves from A to B, following the
// servers' redirects as the proxy will: every acknowledged increment is on B at the end.
TEST(MigrateSync, AWriterFollowingRedirectsLosesNothingWhileTheSlotMoves) {
  ClusterPair pair;
  ServerProcess &a = pair.a, &b = pair.b;
  ASSERT_GT(a.port(), 0);
  ASSERT_GT(b.port(), 0);
  const std::string &aaddr = pair.aaddr, &baddr = pair.baddr;
  Conn &admin_a = pair.admin_a, &admin_b = pair.admin_b;
  EXPECT_EQ(pair.own_a, "+OK");
  EXPECT_EQ(pair.disown_b, "+OK");
  const uint32_t slot = 500;
  const std::vector<std::string> keys = keys_in_slot(slot, "c", 40);

  RedirectWriter writer(a.port(), keys);

  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", std::to_string(slot), "importing", aaddr, "2"}), "+OK");
  EXPECT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", std::to_string(slot), "migrating", baddr, "2"}), "+OK");
  for (;;) {
    const std::string r = call(admin_a.get(), {"SLOTSMGRTTAGSLOT", "127.0.0.1", std::to_string(b.port()),
                                               "1000", std::to_string(slot)});
    ASSERT_EQ(r[0], '[') << r;
    if (r.ends_with(", :0]")) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(call(admin_b.get(), {"SLOTSSETSTATE", std::to_string(slot), "owned", "-", "3"}), "+OK");
  EXPECT_EQ(call(admin_a.get(), {"SLOTSSETSTATE", std::to_string(slot), "not-owned", baddr, "3"}), "+OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  writer.stop();
  ASSERT_EQ(writer.error(), "");
  EXPECT_GT(writer.redirects(), 0);
  for (const auto& [k, v] : writer.acked()) {
    EXPECT_EQ(call(admin_b.get(), {"ASKING"}), "+OK");
    EXPECT_EQ(call(admin_b.get(), {"GET", k}), "'" + std::to_string(v) + "'") << k;
  }
  EXPECT_EQ(writer.acked().size(), keys.size());
  EXPECT_EQ(call(admin_a.get(), {"SLOTSINFO", std::to_string(slot), "1"}), "[]");
}

}  // namespace
}  // namespace codis::server::testing
