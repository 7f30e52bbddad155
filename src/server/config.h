// codis-server's settings: parsed from a redis.conf-style file and `--name value` arguments at start-up,
// read and changed at run time by CONFIG GET/SET. Every setting is one row of a table (config.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace codis::server {

// maxmemory-policy, as Redis names them.
enum class EvictionPolicy {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};
std::string_view policy_name(EvictionPolicy p);
inline bool is_lfu(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
}
inline bool is_volatile(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}

struct Config {
  int64_t port = 6379;  // 0: pick a free port and print it
  std::string bind = "127.0.0.1";
  std::string requirepass;
  int64_t databases = 16;
  int64_t maxclients = 10000;
  int64_t maxmemory = 0;
  EvictionPolicy maxmemory_policy = EvictionPolicy::kNoEviction;
  int64_t maxmemory_samples = 5;
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;  // minutes
  int64_t timeout = 0;         // idle client timeout in seconds, 0 = never
  std::string dir = ".";
  std::string logfile;
  std::string loglevel = "notice";
  int64_t hz = 10;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  // client-output-buffer-limit for normal clients: hard, soft, soft seconds (0 = no limit).
  int64_t obuf_normal_hard = 0, obuf_normal_soft = 0, obuf_normal_seconds = 0;
  int64_t obuf_pubsub_hard = 32LL * 1024 * 1024, obuf_pubsub_soft = 8LL * 1024 * 1024,
          obuf_pubsub_seconds = 60;
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;
  bool latency_tracking = true;  // INFO latencystats
  // How the event loop waits when idle (real runtime only): "auto" measures and picks, "yes" always naps
  // (polls after short sleeps), "no" always blocks in epoll_wait. See rt/asio/idle_policy.h.
  std::string io_idle_nap = "auto";
  // How the real runtime's sockets wait for input, fixed at start: "yes" queues a receive op of our own on
  // Asio's reactor (one recv per readiness), "no" uses Asio's public async_receive. See rt/asio/stream.h.
  bool io_reactor_reads = true;
  // cluster-mode yes: the server serves only the slots the dashboard gave it (SLOTSSETSTATE) and redirects
  // the rest (docs/slots.md); no: it owns every slot, a plain Redis. Fixed at start.
  bool cluster_mode = false;
  std::vector<double> latency_tracking_info_percentiles = {50, 99, 99.9};
  // RDB snapshots (docs/persistence.md). `save` rules: BGSAVE when at least `changes` writes happened and
  // `seconds` passed since the last save; none disables them (and the save at SHUTDOWN).
  struct SaveRule {
    int64_t seconds;
    int64_t changes;
    bool operator==(const SaveRule&) const = default;
  };
  std::vector<SaveRule> save = {{3600, 1}, {300, 100}, {60, 10000}};
  std::string dbfilename = "dump.rdb";
  bool rdbcompression = true;
  bool rdbchecksum = true;
  bool stop_writes_on_bgsave_error = true;
  // Redis's hidden rdb-key-save-delay: microseconds a save sleeps per key it wrote (tests slow saves so).
  int64_t rdb_key_save_delay = 0;
  std::string appendonly = "no";
  std::string daemonize = "no";
  int64_t list_max_listpack_size = -2;
  int64_t hash_max_listpack_entries = 128, hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128, zset_max_listpack_value = 64;
  int64_t hll_sparse_max_bytes = 3000;
  int64_t lua_time_limit = 5000;
};

// A double as Redis's "%f" then trimDoubleString print it ("99.9", "50"): CONFIG GET and INFO latencystats
// show percentiles so.
std::string trimmed_double(double d);

// Start-up: a file's text (may be empty) then command-line words ("--port", "7000", ...). On error the
// text is the Redis-style fatal message to print.
struct ConfigError {
  std::string message;
};
std::pair<Config, std::vector<ConfigError>> load_config(std::string_view file_text,
                                                        const std::vector<std::string>& args);

// CONFIG GET: every (name, value) whose name matches the glob.
std::vector<std::pair<std::string, std::string>> config_get(const Config& c, std::string_view pattern);
// CONFIG SET one setting; an error text ("ERR ...") when refused. Immutable ones are refused at run time.
std::string config_set(Config& c, std::string_view name, std::string_view value, bool at_startup = false);

// `save` as CONFIG GET shows it ("3600 1 300 100 60 10000", "" when off), and parsed (Redis's
// setConfigSaveOption: an even number of integers, seconds >= 1, changes >= 0; "" clears).
std::string format_save_rules(const std::vector<Config::SaveRule>& rules);
bool parse_save_rules(std::string_view v, std::vector<Config::SaveRule>* out);

// "1gb" -> 1073741824 (Redis memtoll: k=1000, kb=1024, m, mb, g, gb); false if not a valid size.
bool parse_memory(std::string_view s, int64_t* out);

}  // namespace codis::server
