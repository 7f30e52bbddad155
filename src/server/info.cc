#include "server/info.h"

#include <cctype>
#include <cstdio>

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

}  // namespace

std::string render_info(Server& s, std::span<const std::string_view> sections) {
  bool all = sections.empty();
  bool everything = false;
  std::vector<std::string> want;
  for (auto sec : sections) {
    std::string l = lower(sec);
    if (l == "all" || l == "default") {
      all = true;
    } else if (l == "everything") {
      all = everything = true;
    } else {
      want.push_back(l);
    }
  }
  auto on = [&](std::string_view name, bool in_default = true) {
    if ((all && in_default) || everything) {
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
    field("connected_clients", std::to_string(s.clients().size()));
    field("maxclients", std::to_string(s.config().maxclients));
    field("blocked_clients", std::to_string(s.blocked_clients()));
  }
  if (on("memory")) {
    header("Memory");
    const size_t used = s.used_memory();
    field("used_memory", std::to_string(used));
    field("used_memory_human", human_bytes(used));
    field("maxmemory", std::to_string(s.config().maxmemory));
    field("maxmemory_policy",
          s.config().maxmemory_policy == EvictionPolicy::kAllKeysLru ? "allkeys-lru" : "noeviction");
  }
  if (on("persistence")) {
    header("Persistence");
    field("loading", "0");
    field("rdb_changes_since_last_save", std::to_string(st.dirty));
    field("aof_enabled", "0");
  }
  if (on("stats")) {
    header("Stats");
    field("total_connections_received", std::to_string(st.connections_received));
    field("total_commands_processed", std::to_string(st.commands_processed));
    field("total_net_input_bytes", std::to_string(st.net_input_bytes));
    field("total_net_output_bytes", std::to_string(st.net_output_bytes));
    field("rejected_connections", std::to_string(st.rejected_connections));
    field("expired_keys", std::to_string(st.expired_keys));
    field("evicted_keys", std::to_string(st.evicted_keys));
    field("keyspace_hits", std::to_string(st.keyspace_hits));
    field("keyspace_misses", std::to_string(st.keyspace_misses));
  }
  if (on("replication")) {
    header("Replication");
    field("role", "master");
    field("connected_slaves", "0");
  }
  if (on("cpu")) {
    header("CPU");
    const auto [sys, user] = s.cpu_seconds();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", sys);
    field("used_cpu_sys", buf);
    std::snprintf(buf, sizeof buf, "%.6f", user);
    field("used_cpu_user", buf);
    field("used_cpu_sys_children", "0.000000");
    field("used_cpu_user_children", "0.000000");
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
  if (on("keyspace")) {
    header("Keyspace");
    for (int i = 0; i < s.databases(); ++i) {
      const Db& d = s.db(i);
      if (d.size() > 0) {
        field("db" + std::to_string(i),
              "keys=" + std::to_string(d.size()) + ",expires=" + std::to_string(d.expires()) + ",avg_ttl=0");
      }
    }
  }
  return out;
}

}  // namespace codis::server
