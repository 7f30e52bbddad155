#include "server/info.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "server/client_memory.h"
#include "server/persist/persistence.h"
#include "server/server.h"

namespace codis::server {

namespace {

// Redis's bytesToHuman: "1.50M".
std::string human_bytes(size_t n) {
  static constexpr const char* kUnits[] = {"B", "K", "M", "G", "T", "P"};
  if (n < 1024) {
    return std::to_string(n) + "B";
  }
  double d = static_cast<double>(n);
  int u = 0;
  while (d >= 1024 && u < 5) {
    d /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%s", d, kUnits[u]);
  return buf;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string fixed(double d, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, d);
  return buf;
}

std::string ratio(size_t num, size_t den) {
  return fixed(den ? static_cast<double>(num) / static_cast<double>(den) : 0.0, 2);
}

// Redis 7.0's memory section. Our allocator is glibc's malloc: "allocated" is what it handed out, "active"
// what it holds from the system (so allocator_frag_* are its free lists), and it cannot tell resident
// pages from active ones (rss_overhead_* compare the process's RSS with those). No Lua, functions or
// replication: those figures are zero. used_memory_overhead counts the start-up footprint and the
// clients' buffers; the rest is the dataset.
template <class Header, class Field>
void memory_section(Server& s, Header&& header, Field&& field) {
  header("Memory");
  const size_t used = s.used_memory();
  const size_t peak = std::max(s.peak_memory(), used);
  const size_t startup = s.startup_memory();
  const rt::Memory::Stats m = s.memory_facts();
  size_t clients = 0;
  for (const auto& [id, c] : s.clients()) {
    clients += client_memory(*c).total();
  }
  const size_t overhead = std::min(used, startup + clients);
  const size_t dataset = used - overhead;
  const size_t net = used > startup ? used - startup : 0;
  const size_t total_system = s.process_facts().total_system_memory;
  auto percent = [](size_t num, size_t den) {
    return fixed(den ? static_cast<double>(num) * 100 / static_cast<double>(den) : 0.0, 2) + "%";
  };
  auto diff = [](size_t a, size_t b) {
    return std::to_string(static_cast<int64_t>(a) - static_cast<int64_t>(b));
  };
  field("used_memory", std::to_string(used));
  field("used_memory_human", human_bytes(used));
  field("used_memory_rss", std::to_string(m.rss));
  field("used_memory_rss_human", human_bytes(m.rss));
  field("used_memory_peak", std::to_string(peak));
  field("used_memory_peak_human", human_bytes(peak));
  field("used_memory_peak_perc", percent(used, peak));
  field("used_memory_overhead", std::to_string(overhead));
  field("used_memory_startup", std::to_string(startup));
  field("used_memory_dataset", std::to_string(dataset));
  field("used_memory_dataset_perc", percent(dataset, net));
  field("allocator_allocated", std::to_string(m.allocated));
  field("allocator_active", std::to_string(m.active));
  field("allocator_resident", std::to_string(m.rss));
  field("total_system_memory", std::to_string(total_system));
  field("total_system_memory_human", human_bytes(total_system));
  for (const char* f : {"used_memory_lua", "used_memory_vm_eval"}) {
    field(f, "0");
  }
  field("used_memory_lua_human", "0B");
  for (const char* f : {"used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
                        "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total"}) {
    field(f, "0");
  }
  field("used_memory_vm_total_human", "0B");
  field("used_memory_functions", "0");
  field("used_memory_scripts", "0");
  field("used_memory_scripts_human", "0B");
  field("maxmemory", std::to_string(s.config().maxmemory));
  field("maxmemory_human", human_bytes(static_cast<size_t>(s.config().maxmemory)));
  field("maxmemory_policy", std::string(policy_name(s.config().maxmemory_policy)));
  field("allocator_frag_ratio", ratio(m.active, m.allocated));
  field("allocator_frag_bytes", diff(m.active, m.allocated));
  field("allocator_rss_ratio", ratio(m.rss, m.active));
  field("allocator_rss_bytes", diff(m.rss, m.active));
  field("rss_overhead_ratio", "1.00");
  field("rss_overhead_bytes", "0");
  field("mem_fragmentation_ratio", ratio(m.rss, used));
  field("mem_fragmentation_bytes", diff(m.rss, used));
  field("mem_not_counted_for_evict", "0");
  field("mem_replication_backlog", "0");
  field("mem_total_replication_buffers", "0");
  field("mem_clients_slaves", "0");
  field("mem_clients_normal", std::to_string(clients));
  field("mem_cluster_links", "0");
  field("mem_aof_buffer", "0");
  field("mem_allocator", "libc");
  field("active_defrag_running", "0");
  field("lazyfree_pending_objects", "0");
  field("lazyfreed_objects", "0");
}

}  // namespace

std::string render_info(Server& s, std::span<const std::string_view> sections) {
  // Redis 7.0: no argument or "default" is the default set, "all" adds commandstats and latencystats,
  // "everything" adds modules' own sections (none here); names pick sections, and may be combined.
  bool dflt = sections.empty();
  bool all = false;
  std::vector<std::string> want;
  for (auto sec : sections) {
    std::string l = lower(sec);
    if (l == "default") {
      dflt = true;
    } else if (l == "all" || l == "everything") {
      all = true;
    } else {
      want.push_back(l);
    }
  }
  auto on = [&](std::string_view name, bool in_default = true) {
    if (all || (dflt && in_default)) {
      return true;
    }
    for (const auto& w : want) {
      if (w == name) return true;
    }
    return false;
  };
  std::string out;
  auto header = [&](std::string_view name) {
    if (!out.empty()) out += "\r\n";
    out += "# ";
    out += name;
    out += "\r\n";
  };
  auto field = [&](std::string_view k, const std::string& v) {
    out += k;
    out += ':';
    out += v;
    out += "\r\n";
  };
  const Stats& st = s.stats();
  const auto uptime = std::chrono::duration_cast<rt::seconds>(s.env().clock.mono() - s.started()).count();
  if (on("server")) {
    header("Server");
    // Redis 7.0's fields in its order (codis_server added); build facts Redis takes from its build are
    // fixed here.
    const Server::ProcessFacts& pf = s.process_facts();
    field("redis_version", std::string(kRedisVersion));
    field("redis_git_sha1", "00000000");
    field("redis_git_dirty", "0");
    field("redis_build_id", "0");
    field("redis_mode", "standalone");
    field("codis_server", "codis-cpp");
    field("os", pf.os);
    field("arch_bits", "64");
    field("monotonic_clock", "POSIX clock_gettime");
    field("multiplexing_api", "epoll");
    field("atomicvar_api", "c11-builtin");
    field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                             std::to_string(__GNUC_PATCHLEVEL__));
    field("process_id", std::to_string(pf.pid));
    field("process_supervised", "no");
    field("run_id", s.run_id());
    field("tcp_port", std::to_string(s.port()));
    field("server_time_usec", std::to_string(s.now_us()));
    field("uptime_in_seconds", std::to_string(uptime));
    field("uptime_in_days", std::to_string(uptime / 86400));
    field("hz", std::to_string(s.config().hz));
    field("configured_hz", std::to_string(s.config().hz));
    field("lru_clock", std::to_string((s.now_ms() / 1000) & ((1 << 24) - 1)));
    field("executable", pf.executable);
    field("config_file", pf.config_file);
    field("io_threads_active", "0");
  }
  if (on("clients")) {
    header("Clients");
    // Redis's client_recent_max_* are peaks over the last seconds; these are the largest buffers now.
    size_t max_in = 0, max_out = 0, in_timeout = 0;
    for (const auto& [id, c] : s.clients()) {
      const ClientMemory m = client_memory(*c);
      max_in = std::max(max_in, m.qbuf);
      max_out = std::max(max_out, m.obl + m.omem);
      in_timeout += c->block.active && c->block.deadline_ms != 0 ? 1 : 0;
    }
    field("connected_clients", std::to_string(s.clients().size()));
    field("cluster_connections", "0");
    field("maxclients", std::to_string(s.config().maxclients));
    field("client_recent_max_input_buffer", std::to_string(max_in));
    field("client_recent_max_output_buffer", std::to_string(max_out));
    field("blocked_clients", std::to_string(s.blocked_clients()));
    field("tracking_clients", "0");
    field("clients_in_timeout_table", std::to_string(in_timeout));
  }
  if (on("memory")) {
    memory_section(s, header, field);
  }
  if (on("persistence")) {
    header("Persistence");
    const Persistence& p = s.persistence();
    for (const char* f :
         {"loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age"}) {
      field(f, "0");
    }
    field("current_fork_perc", "0.00");
    field("current_save_keys_processed", std::to_string(p.keys_processed()));
    field("current_save_keys_total", std::to_string(p.keys_total()));
    field("rdb_changes_since_last_save", std::to_string(st.dirty));
    field("rdb_bgsave_in_progress", p.bgsave_in_progress() ? "1" : "0");
    field("rdb_last_save_time", std::to_string(p.lastsave_s()));
    field("rdb_last_bgsave_status", p.last_bgsave_ok() ? "ok" : "err");
    field("rdb_last_bgsave_time_sec", std::to_string(p.last_bgsave_time_sec()));
    field("rdb_current_bgsave_time_sec", std::to_string(p.current_save_time_sec()));
    field("rdb_saves", std::to_string(p.saves()));
    field("rdb_last_cow_size", "0");
    field("rdb_last_load_keys_expired", std::to_string(p.last_load_keys_expired()));
    field("rdb_last_load_keys_loaded", std::to_string(p.last_load_keys_loaded()));
    for (const char* f : {"aof_enabled", "aof_rewrite_in_progress"}) {
      field(f, "0");
    }
    field("aof_rewrite_scheduled", "0");
    field("aof_last_rewrite_time_sec", "-1");
    field("aof_current_rewrite_time_sec", "-1");
    field("aof_last_bgrewrite_status", "ok");
    field("aof_rewrites", "0");
    field("aof_rewrites_consecutive_failures", "0");
    field("aof_last_write_status", "ok");
    field("aof_last_cow_size", "0");
    field("module_fork_in_progress", "0");
    field("module_fork_last_cow_size", "0");
  }
  if (on("stats")) {
    header("Stats");
    auto kbps = [](int64_t bytes_per_sec) { return fixed(static_cast<double>(bytes_per_sec) / 1024, 2); };
    field("total_connections_received", std::to_string(st.connections_received));
    field("total_commands_processed", std::to_string(st.commands_processed));
    field("instantaneous_ops_per_sec", std::to_string(st.ops_per_sec.per_second()));
    field("total_net_input_bytes", std::to_string(st.net_input_bytes));
    field("total_net_output_bytes", std::to_string(st.net_output_bytes));
    field("total_net_repl_input_bytes", "0");
    field("total_net_repl_output_bytes", "0");
    field("instantaneous_input_kbps", kbps(st.input_bytes_per_sec.per_second()));
    field("instantaneous_output_kbps", kbps(st.output_bytes_per_sec.per_second()));
    field("instantaneous_input_repl_kbps", "0.00");
    field("instantaneous_output_repl_kbps", "0.00");
    field("rejected_connections", std::to_string(st.rejected_connections));
    field("sync_full", "0");
    field("sync_partial_ok", "0");
    field("sync_partial_err", "0");
    field("expired_keys", std::to_string(st.expired_keys));
    // The expiry index finds exactly the keys past their time, so none are left stale.
    field("expired_stale_perc", "0.00");
    field("expired_time_cap_reached_count", std::to_string(st.expired_time_cap_reached));
    field("expire_cycle_cpu_milliseconds", std::to_string(st.expire_cycle_us / 1000));
    field("evicted_keys", std::to_string(st.evicted_keys));
    field("evicted_clients", "0");
    field("total_eviction_exceeded_time", "0");
    field("current_eviction_exceeded_time", "0");
    field("keyspace_hits", std::to_string(st.keyspace_hits));
    field("keyspace_misses", std::to_string(st.keyspace_misses));
    field("pubsub_channels", std::to_string(s.pubsub().channel_count()));
    field("pubsub_patterns", std::to_string(s.pubsub().numpat()));
    field("pubsubshard_channels", std::to_string(s.pubsub().shard_channel_count()));
    for (const char* f :
         {"latest_fork_usec", "total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys",
          "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits", "active_defrag_key_misses",
          "total_active_defrag_time", "current_active_defrag_time", "tracking_total_keys",
          "tracking_total_items", "tracking_total_prefixes", "unexpected_error_replies"}) {
      field(f, "0");
    }
    field("total_error_replies", std::to_string(st.error_replies));
    field("dump_payload_sanitizations", "0");
    field("total_reads_processed", std::to_string(st.reads_processed));
    field("total_writes_processed", std::to_string(st.writes_processed));
    for (const char* f : {"io_threaded_reads_processed", "io_threaded_writes_processed",
                          "reply_buffer_shrinks", "reply_buffer_expands"}) {
      field(f, "0");
    }
  }
  if (on("replication")) {
    header("Replication");
    field("role", "master");
    field("connected_slaves", "0");
    field("master_failover_state", "no-failover");
    field("master_replid", s.master_replid());
    field("master_replid2", std::string(40, '0'));
    field("master_repl_offset", "0");
    field("second_repl_offset", "-1");
    field("repl_backlog_active", "0");
    field("repl_backlog_size", "1048576");
    field("repl_backlog_first_byte_offset", "0");
    field("repl_backlog_histlen", "0");
  }
  if (on("cpu")) {
    header("CPU");
    // One thread serves everything, so the main thread's figures are the process's.
    const auto [sys, user] = s.cpu_seconds();
    field("used_cpu_sys", fixed(sys, 6));
    field("used_cpu_user", fixed(user, 6));
    field("used_cpu_sys_children", "0.000000");
    field("used_cpu_user_children", "0.000000");
    field("used_cpu_sys_main_thread", fixed(sys, 6));
    field("used_cpu_user_main_thread", fixed(user, 6));
  }
  if (on("modules")) {
    header("Modules");
  }
  if (on("commandstats", false)) {
    header("Commandstats");
    for (const auto& [name, cs] : st.commands) {
      if (cs.calls == 0 && cs.rejected == 0 && cs.failed == 0) {
        continue;  // zeroed by CONFIG RESETSTAT
      }
      const std::string& n = name;
      double per = cs.calls ? static_cast<double>(cs.usec) / static_cast<double>(cs.calls) : 0;
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                    static_cast<unsigned long long>(cs.calls), static_cast<unsigned long long>(cs.usec), per,
                    static_cast<unsigned long long>(cs.rejected), static_cast<unsigned long long>(cs.failed));
      field("cmdstat_" + n, buf);
    }
  }
  if (on("errorstats")) {
    header("Errorstats");
    for (const auto& [code, count] : st.errors) {
      field("errorstat_" + code, "count=" + std::to_string(count));
    }
  }
  if (on("latencystats", false)) {
    header("Latencystats");
    const auto& percentiles = s.config().latency_tracking_info_percentiles;
    for (const auto& [name, cs] : st.commands) {
      if (cs.latency.count() == 0) {
        continue;
      }
      std::string v;
      for (double p : percentiles) {
        if (!v.empty()) v += ',';
        v += "p" + trimmed_double(p) + "=" +
             fixed(static_cast<double>(cs.latency.value_at_percentile(p)) / 1000.0, 3);
      }
      field("latency_percentiles_usec_" + name, v);
    }
  }
  if (on("cluster")) {
    header("Cluster");
    field("cluster_enabled", "0");
  }
  if (on("keyspace")) {
    header("Keyspace");
    for (int i = 0; i < s.databases(); ++i) {
      const Db& d = s.db(i);
      if (d.size() > 0) {
        field("db" + std::to_string(i), "keys=" + std::to_string(d.size()) +
                                            ",expires=" + std::to_string(d.expires()) +
                                            ",avg_ttl=" + std::to_string(d.average_ttl_ms(s.now_ms())));
      }
    }
  }
  return out;
}

}  // namespace codis::server
