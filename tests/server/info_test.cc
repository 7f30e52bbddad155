// INFO's sections as Redis 7.0.15 prints them (field names and order captured from redis-server), the
// counters behind errorstats, commandstats' rejected/failed calls and latencystats, and CONFIG RESETSTAT.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "server/info.h"
#include "server/latency_histogram.h"
#include "server/stats.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

std::string info(ServerFixture& f, std::vector<std::string_view> sections) {
  return render_info(f.server(), sections);
}

// "name name ..." of a section's fields, in order.
std::string field_names(const std::string& text) {
  std::string names;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = text.find("\r\n", pos);
    const std::string line = text.substr(pos, end - pos);
    pos = end == std::string::npos ? text.size() : end + 2;
    const size_t colon = line.find(':');
    if (!line.empty() && line[0] != '#' && colon != std::string::npos) {
      names += line.substr(0, colon) + " ";
    }
  }
  return names;
}

// The value of `name` in INFO text, or "<missing>".
std::string value(const std::string& text, const std::string& name) {
  const size_t at = text.find("\r\n" + name + ":");
  const size_t start =
      at == std::string::npos ? (text.rfind(name + ":", 0) == 0 ? 0 : std::string::npos) : at + 2;
  if (start == std::string::npos) {
    return "<missing>";
  }
  const size_t v = start + name.size() + 1;
  return text.substr(v, text.find("\r\n", v) - v);
}

std::string headers(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = std::min(text.find("\r\n", pos), text.size());
    if (text.compare(pos, 2, "# ") == 0) {
      out += text.substr(pos + 2, end - pos - 2) + " ";
    }
    pos = end + 2;
  }
  return out;
}

TEST(Info, SectionsOfDefaultAllAndNamed) {
  ServerFixture f;
  EXPECT_EQ(headers(info(f, {})),
            "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace ");
  EXPECT_EQ(headers(info(f, {"default"})), headers(info(f, {})));
  EXPECT_EQ(headers(info(f, {"all"})),
            "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats "
            "Latencystats Cluster Keyspace ");
  EXPECT_EQ(headers(info(f, {"everything"})), headers(info(f, {"all"})));
  EXPECT_EQ(headers(info(f, {"CPU", "keyspace"})), "CPU Keyspace ");
}

TEST(Info, FieldsInRedisOrder) {
  ServerFixture f;
  EXPECT_EQ(field_names(info(f, {"clients"})),
            "connected_clients cluster_connections maxclients client_recent_max_input_buffer "
            "client_recent_max_output_buffer blocked_clients tracking_clients clients_in_timeout_table ");
  EXPECT_EQ(
      field_names(info(f, {"memory"})),
      "used_memory used_memory_human used_memory_rss used_memory_rss_human used_memory_peak "
      "used_memory_peak_human used_memory_peak_perc used_memory_overhead used_memory_startup "
      "used_memory_dataset used_memory_dataset_perc allocator_allocated allocator_active "
      "allocator_resident total_system_memory total_system_memory_human used_memory_lua "
      "used_memory_vm_eval used_memory_lua_human used_memory_scripts_eval number_of_cached_scripts "
      "number_of_functions number_of_libraries used_memory_vm_functions used_memory_vm_total "
      "used_memory_vm_total_human used_memory_functions used_memory_scripts used_memory_scripts_human "
      "maxmemory maxmemory_human maxmemory_policy allocator_frag_ratio allocator_frag_bytes "
      "allocator_rss_ratio allocator_rss_bytes rss_overhead_ratio rss_overhead_bytes "
      "mem_fragmentation_ratio mem_fragmentation_bytes mem_not_counted_for_evict mem_replication_backlog "
      "mem_total_replication_buffers mem_clients_slaves mem_clients_normal mem_cluster_links "
      "mem_aof_buffer mem_allocator active_defrag_running lazyfree_pending_objects lazyfreed_objects ");
  EXPECT_EQ(
      field_names(info(f, {"persistence"})),
      "loading async_loading current_cow_peak current_cow_size current_cow_size_age current_fork_perc "
      "current_save_keys_processed current_save_keys_total rdb_changes_since_last_save "
      "rdb_bgsave_in_progress rdb_last_save_time rdb_last_bgsave_status rdb_last_bgsave_time_sec "
      "rdb_current_bgsave_time_sec rdb_saves rdb_last_cow_size rdb_last_load_keys_expired "
      "rdb_last_load_keys_loaded aof_enabled aof_rewrite_in_progress aof_rewrite_scheduled "
      "aof_last_rewrite_time_sec aof_current_rewrite_time_sec aof_last_bgrewrite_status aof_rewrites "
      "aof_rewrites_consecutive_failures aof_last_write_status aof_last_cow_size module_fork_in_progress "
      "module_fork_last_cow_size ");
  EXPECT_EQ(
      field_names(info(f, {"stats"})),
      "total_connections_received total_commands_processed instantaneous_ops_per_sec "
      "total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes "
      "total_net_repl_output_bytes instantaneous_input_kbps instantaneous_output_kbps "
      "instantaneous_input_repl_kbps instantaneous_output_repl_kbps rejected_connections sync_full "
      "sync_partial_ok sync_partial_err expired_keys expired_stale_perc expired_time_cap_reached_count "
      "expire_cycle_cpu_milliseconds evicted_keys evicted_clients total_eviction_exceeded_time "
      "current_eviction_exceeded_time keyspace_hits keyspace_misses pubsub_channels pubsub_patterns "
      "pubsubshard_channels latest_fork_usec total_forks migrate_cached_sockets "
      "slave_expires_tracked_keys active_defrag_hits active_defrag_misses active_defrag_key_hits "
      "active_defrag_key_misses total_active_defrag_time current_active_defrag_time tracking_total_keys "
      "tracking_total_items tracking_total_prefixes unexpected_error_replies total_error_replies "
      "dump_payload_sanitizations total_reads_processed total_writes_processed "
      "io_threaded_reads_processed io_threaded_writes_processed reply_buffer_shrinks "
      "reply_buffer_expands ");
  EXPECT_EQ(field_names(info(f, {"replication"})),
            "role connected_slaves master_failover_state master_replid master_replid2 master_repl_offset "
            "second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset "
            "repl_backlog_histlen ");
  EXPECT_EQ(
      field_names(info(f, {"cpu"})),
      "used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children used_cpu_sys_main_thread "
      "used_cpu_user_main_thread ");
  EXPECT_EQ(info(f, {"cluster"}), "# Cluster\r\ncluster_enabled:0\r\n");
  const std::string repl = info(f, {"replication"});
  EXPECT_EQ(value(repl, "master_replid").size(), 40u);
  EXPECT_NE(value(repl, "master_replid"), f.server().run_id());
  EXPECT_EQ(value(repl, "master_replid2"), std::string(40, '0'));
}

TEST(Info, ErrorstatsAndRejectedAndFailedCalls) {
  ServerFixture f;
  f.cmd("foo");                 // unknown: counted as ERR, against no command
  f.cmd("get");                 // arity: rejected get
  f.cmd("get a b");             // again
  f.cmd("config");              // container without subcommand: rejected config
  f.cmd("config foo");          // unknown subcommand: no command to count against
  f.cmd("config set hz nope");  // ran and failed
  f.cmd("set k v");
  f.cmd("lpush k x");  // WRONGTYPE
  f.cmd("multi");
  f.cmd("get");  // rejected while queueing, then EXEC fails
  EXPECT_EQ(f.cmd("exec"), "-EXECABORT Transaction discarded because of previous errors.");
  const std::string cmds = info(f, {"commandstats"});
  EXPECT_EQ(value(cmds, "cmdstat_get"), "calls=0,usec=0,usec_per_call=0.00,rejected_calls=3,failed_calls=0");
  EXPECT_EQ(value(cmds, "cmdstat_config"),
            "calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0");
  EXPECT_NE(value(cmds, "cmdstat_config|set").find("calls=1,"), std::string::npos);
  EXPECT_NE(value(cmds, "cmdstat_config|set").find("failed_calls=1"), std::string::npos);
  EXPECT_NE(value(cmds, "cmdstat_lpush").find("failed_calls=1"), std::string::npos);
  const std::string errs = info(f, {"errorstats"});
  EXPECT_EQ(errs,
            "# Errorstats\r\nerrorstat_ERR:count=7\r\nerrorstat_EXECABORT:count=1\r\n"
            "errorstat_WRONGTYPE:count=1\r\n");
  EXPECT_EQ(value(info(f, {"stats"}), "total_error_replies"), "9");

  EXPECT_EQ(f.cmd("config resetstat"), "+OK");
  EXPECT_EQ(info(f, {"errorstats"}), "# Errorstats\r\n");
  const std::string after = info(f, {"stats"});
  EXPECT_EQ(value(after, "total_error_replies"), "0");
  EXPECT_EQ(value(after, "total_commands_processed"), "1") << "RESETSTAT itself, counted after it ran";
  EXPECT_EQ(value(info(f, {"commandstats"}), "cmdstat_get"), "<missing>");
}

TEST(Info, ErrorCodeIsTheFirstWordWithinThirtyTwoBytes) {
  Stats s;
  s.count_error("WRONGTYPE Operation against a key holding the wrong kind of value");
  s.count_error("-BUSYKEY Target key name already exists.");
  s.count_error("NOSPACEINTHEFIRSTTHIRTYTWOBYTESATALL at all");
  s.count_error("OOM");
  EXPECT_EQ(s.errors.at("WRONGTYPE"), 1u);
  EXPECT_EQ(s.errors.at("BUSYKEY"), 1u);
  EXPECT_EQ(s.errors.at("ERR"), 2u);
  EXPECT_EQ(s.error_replies, 4u);
  for (int i = 0; i < 300; ++i) {
    s.count_error("E" + std::to_string(i) + " x");
  }
  EXPECT_EQ(s.errors.size(), Stats::kMaxErrorCodes) << "client-driven codes cannot grow the table unbounded";
}

TEST(LatencyHistogram, ReadsBackRedisHdrValues) {
  // Values Redis 7.0.15 printed for single samples of 5 us and 35 us.
  LatencyHistogram h;
  h.record(5000);
  EXPECT_EQ(h.value_at_percentile(50), 5023);
  LatencyHistogram g;
  g.record(35000);
  EXPECT_EQ(g.value_at_percentile(99.9), 35071);
  // Exact below 256 ns, clamped to [1 ns, 1 s].
  LatencyHistogram e;
  e.record(0);
  e.record(200);
  e.record(5'000'000'000);
  EXPECT_EQ(e.value_at_percentile(0), 1);
  EXPECT_EQ(e.value_at_percentile(50), 200);
  EXPECT_GE(e.value_at_percentile(100), 1'000'000'000);
  EXPECT_LT(e.value_at_percentile(100), 1'010'000'000);
  EXPECT_EQ(LatencyHistogram().value_at_percentile(50), 0);
}

TEST(LatencyHistogram, PercentilesOfAKnownSpread) {
  LatencyHistogram h;
  for (int64_t us = 1; us <= 1000; ++us) {
    h.record(us * 1000);
  }
  // Two significant digits: within 1% of the exact percentile.
  EXPECT_NEAR(static_cast<double>(h.value_at_percentile(50)), 500'000, 5'000);
  EXPECT_NEAR(static_cast<double>(h.value_at_percentile(99)), 990'000, 9'900);
  EXPECT_NEAR(static_cast<double>(h.value_at_percentile(99.9)), 999'000, 9'990);
  for (size_t i = 0; i < 3000; ++i) {
    const int64_t v = LatencyHistogram::value_of(i);
    EXPECT_EQ(LatencyHistogram::index_of(v), i) << v;
    EXPECT_EQ(LatencyHistogram::index_of(LatencyHistogram::highest_equivalent(v)), i) << v;
  }
}

TEST(Info, LatencystatsFollowTheConfiguredPercentiles) {
  ServerFixture f;
  f.cmd("set k v");
  std::string lat = info(f, {"latencystats"});
  EXPECT_NE(value(lat, "latency_percentiles_usec_set").find("p50="), std::string::npos) << lat;
  EXPECT_NE(value(lat, "latency_percentiles_usec_set").find(",p99="), std::string::npos) << lat;
  EXPECT_NE(value(lat, "latency_percentiles_usec_set").find(",p99.9="), std::string::npos) << lat;
  EXPECT_EQ(f.cmd("config get latency-tracking-info-percentiles"),
            "['latency-tracking-info-percentiles', '50 99 99.9']");
  EXPECT_EQ(f.cmd("config set latency-tracking-info-percentiles abc"),
            "-ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - "
            "Invalid latency-tracking-info-percentiles parameters");
  EXPECT_EQ(f.cmd("config set latency-tracking-info-percentiles 101"),
            "-ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - "
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
  EXPECT_EQ(f.cmd("config set latency-tracking-info-percentiles '0 99.99'"), "+OK");
  EXPECT_EQ(f.cmd("config get latency-tracking-info-percentiles"),
            "['latency-tracking-info-percentiles', '0 99.99']");
  lat = info(f, {"latencystats"});
  EXPECT_EQ(value(lat, "latency_percentiles_usec_set").substr(0, 3), "p0=");
  EXPECT_NE(value(lat, "latency_percentiles_usec_set").find(",p99.99="), std::string::npos);
  EXPECT_EQ(f.cmd("config set latency-tracking-info-percentiles ''"), "+OK");
  EXPECT_EQ(value(info(f, {"latencystats"}), "latency_percentiles_usec_set"), "");

  EXPECT_EQ(f.cmd("config set latency-tracking no"), "+OK");
  f.cmd("get k");
  EXPECT_EQ(value(info(f, {"latencystats"}), "latency_percentiles_usec_get"), "<missing>");
  EXPECT_EQ(f.cmd("config set latency-tracking maybe"),
            "-ERR CONFIG SET failed (possibly related to argument 'latency-tracking') - argument must be "
            "'yes' or 'no'");
}

TEST(Info, KeyspaceAverageTtlAndLastsave) {
  ServerFixture f;
  const std::string lastsave = f.cmd("lastsave");
  f.cmd("set a 1 px 10000");
  f.cmd("set b 1 px 30000");
  f.cmd("set c 1");
  EXPECT_EQ(info(f, {"keyspace"}), "# Keyspace\r\ndb0:keys=3,expires=2,avg_ttl=20000\r\n");
  f.advance(rt::milliseconds(5000));
  EXPECT_EQ(info(f, {"keyspace"}), "# Keyspace\r\ndb0:keys=3,expires=2,avg_ttl=15000\r\n");
  f.cmd("persist b");
  EXPECT_EQ(info(f, {"keyspace"}), "# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=5000\r\n");
  EXPECT_EQ(f.cmd("lastsave"), lastsave) << "nothing saved since start";
}

TEST(Info, InstantaneousRatesAverageSixteenSamples) {
  InstantMetric m;
  m.sample(0, 0);
  EXPECT_EQ(m.per_second(), 0);
  for (int i = 1; i <= 16; ++i) {
    m.sample(i * 100, static_cast<uint64_t>(i) * 100);  // 100 per 100 ms
  }
  EXPECT_EQ(m.per_second(), 1000);
  for (int i = 17; i <= 24; ++i) {
    m.sample(i * 100, 1600);  // idle for 8 samples
  }
  EXPECT_EQ(m.per_second(), 500);
}

TEST(Info, StatsCountPubSubAndClients) {
  ServerFixture f;
  f.cmd("subscribe a b", 1);
  f.cmd("psubscribe p*", 1);
  f.cmd("ssubscribe s", 2);
  const std::string stats = info(f, {"stats"});
  EXPECT_EQ(value(stats, "pubsub_channels"), "2");
  EXPECT_EQ(value(stats, "pubsub_patterns"), "1");
  EXPECT_EQ(value(stats, "pubsubshard_channels"), "1");
  f.cmd("blpop q 5", 3);
  f.cmd("blpop q 0", 4);
  const std::string clients = info(f, {"clients"});
  EXPECT_EQ(value(clients, "blocked_clients"), "2");
  EXPECT_EQ(value(clients, "clients_in_timeout_table"), "1");
}

}  // namespace
}  // namespace codis::server::testing
