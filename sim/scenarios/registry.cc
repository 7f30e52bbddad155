// Every scenario codis-sim knows, as data: name, what it checks, how to make it, the bugs it can plant.
#include "sim/scenario.h"
#include "sim/scenarios/disk_log.h"
#include "sim/scenarios/echo.h"
#include "sim/scenarios/server_kv.h"
#include "sim/scenarios/server_scenarios.h"

namespace codis::sim {

const std::vector<ScenarioEntry>& scenarios() {
  static const std::vector<ScenarioEntry> kAll = {
      {"echo",
       "clients and an echo service on different hosts under every network and process fault; per connection "
       "the echo is an exact prefix of what was sent or the connection is reported broken; no leaks after "
       "heal",
       make_echo_scenario,
       {"echo-drop-byte"}},
      {"server_kv",
       "codis-server on a simulated host and clients doing SET/GET/APPEND/DEL/STRLEN on their own keys under "
       "network and process faults; every read matches the acknowledged writes of the same server life",
       make_server_kv_scenario,
       {"kv-model-drops-append"}},
      {"server_pubsub",
       "publishers publish numbered messages while RESP2 and RESP3 subscribers (to the channel, a matching "
       "pattern or both) pipeline numbered PINGs and (P)(UN)SUBSCRIBE; per subscriber connection every reply "
       "comes back in order with no gap, RESP3 pushes are framed as pushes, and each publisher's messages "
       "arrive in order with no gap on each subscription, the channel's before the patterns'",
       make_server_pubsub_scenario,
       {"when-any-drops-loser", "server-pmessage-drop", "server-resp3-push-as-array"}},
      {"server_blocking",
       "pushers RPUSH/ZADD unique elements while consumers pop them with short timeouts (BLPOP over several "
       "keys, LPOP, BLMOVE/BRPOPLPUSH into a destination list, BZPOPMIN/BZPOPMAX); each element is delivered "
       "once and a moved one appears in the destination, timeouts are honest, multi-key pops take the first "
       "non-empty key, BZPOP* the lowest/highest member, blocked clients are served in the order they "
       "blocked "
       "and none stays blocked on a ready key, nothing acknowledged is lost except with a pop whose reply "
       "never came",
       make_server_blocking_scenario,
       {"server-wake-wrong-client", "server-multikey-wrong-order", "server-move-no-wake",
        "server-bzpop-wrong-end"}},
      {"server_tx",
       "clients increment shared counters with WATCH/MULTI/EXEC, INCR and MULTI/INCR/EXEC; no increment is "
       "lost (an EXEC succeeds only if its watched key was not written since WATCH) and the counters add up",
       make_server_tx_scenario,
       {"server-skip-watch-invalidate"}},
      {"server_expiry",
       "keys set with PXAT are read back until gone while the server's wall clock drifts and jumps; a key is "
       "readable exactly until the server's own clock passes its deadline",
       make_server_expiry_scenario,
       {"server-expire-early"}},
      {"server_limits",
       "maxclients, CLIENT KILL and maxmemory with a per-seed policy: extra connections are refused with the "
       "exact error, a killed connection answers nothing more while the others carry on, OOM only when "
       "nothing may be evicted, noeviction and volatile-* never lose a key without a TTL",
       make_server_limits_scenario,
       {}},
      {"slot_migration",
       "two cluster-mode codis-servers; a driver moves a few slots back and forth (importing, migrating, "
       "SLOTSMGRTTAGSLOT until empty, owned/not-owned, one epoch apart, retried after timeouts) while "
       "writers INCR keys of those slots following MOVED/ASK/TRYAGAIN; no acknowledged increment is lost, "
       "epochs never go back, no slot has two owners and no key sits on both servers outside a migration, "
       "every move completes after heal. Servers are not crashed or paused (no persistence yet): the driver "
       "and writers are",
       make_slot_migration_scenario,
       {"mgrt-delete-before-ack", "mgrt-async-end-before-acks", "mgrt-skip-fence",
        "slot-skip-ownership-check", "slot-accept-stale-epoch", "slot-importing-without-asking"}},
      {"proxy_migration",
       "slot_migration with the writers pipelining INCRBY, GET and MGET through two codis-proxy processes "
       "whose routing file still names the first server for every slot (they follow MOVED/ASK/TRYAGAIN); "
       "proxies crash and restart; every reply belongs to its command and key, in order, no acknowledged "
       "increment is lost, and no redirect reaches a client",
       make_proxy_migration_scenario,
       {"proxy-mget-order", "proxy-retry-writes"}},
      {"disk_log",
       "a durable append-only log (length, CRC-32, sequence number, payload; acknowledged after a successful "
       "sync; a failed write or sync rewrites it to a fresh file) under kill -9, power loss, failed writes "
       "and fsyncs, read errors, bad regions and bit flips; every recovery keeps every acknowledged record "
       "with its exact bytes unless the disk damaged it, nothing never written, sequence numbers strictly "
       "increasing; after heal it acknowledges again, through three more power losses",
       make_disk_log_scenario,
       {"disk-ack-before-sync", "disk-retry-failed-sync", "disk-skip-checksum"}},
  };
  return kAll;
}

}  // namespace codis::sim
