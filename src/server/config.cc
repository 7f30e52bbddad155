#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>

#include "resp/inline_split.h"
#include "resp/number.h"
#include "server/glob.h"

namespace codis::server {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string set_yes_no(bool* field, std::string_view v) {
  const std::string l = lower(v);
  if (l != "yes" && l != "no") {
    return "argument must be 'yes' or 'no'";
  }
  *field = l == "yes";
  return "";
}

enum class Kind { kInt, kMemory, kString, kYesNo };

struct Row {
  std::string_view name;
  Kind kind;
  bool mutable_at_runtime;
  int64_t min, max;
  std::function<std::string(const Config&)> get;
  std::function<std::string(Config&, std::string_view)> set;  // "" on success, else the error text
};

std::string set_int(int64_t* field, std::string_view v, int64_t lo, int64_t hi, bool memory) {
  int64_t n = 0;
  bool ok = memory ? parse_memory(v, &n) && n >= 0 : resp::parse_ll(v, &n);
  if (!ok) {
    return memory ? "argument must be a memory value" : "argument couldn't be parsed into an integer";
  }
  if (n < lo || n > hi) {
    return "argument must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " inclusive";
  }
  *field = n;
  return "";
}

#define INT_ROW(name, field, mut, lo, hi)                                                   \
  Row {                                                                                     \
    name, Kind::kInt, mut, lo, hi, [](const Config& c) { return std::to_string(c.field); }, \
        [](Config& c, std::string_view v) { return set_int(&c.field, v, lo, hi, false); }   \
  }
#define MEM_ROW(name, field, mut, lo, hi)                                                      \
  Row {                                                                                        \
    name, Kind::kMemory, mut, lo, hi, [](const Config& c) { return std::to_string(c.field); }, \
        [](Config& c, std::string_view v) { return set_int(&c.field, v, lo, hi, true); }       \
  }
#define BOOL_ROW(name, field, mut)                                                                      \
  Row {                                                                                                 \
    name, Kind::kYesNo, mut, 0, 0, [](const Config& c) { return std::string(c.field ? "yes" : "no"); }, \
        [](Config& c, std::string_view v) { return set_yes_no(&c.field, v); }                           \
  }
#define STR_ROW(name, field, mut)                                            \
  Row {                                                                      \
    name, Kind::kString, mut, 0, 0, [](const Config& c) { return c.field; }, \
        [](Config& c, std::string_view v) {                                  \
          c.field = std::string(v);                                          \
          return std::string();                                              \
        }                                                                    \
  }

std::string obuf_get(const Config& c) {
  auto n = [](int64_t v) { return std::to_string(v); };
  return "normal " + n(c.obuf_normal_hard) + " " + n(c.obuf_normal_soft) + " " + n(c.obuf_normal_seconds) +
         " slave 268435456 67108864 60 pubsub " + n(c.obuf_pubsub_hard) + " " + n(c.obuf_pubsub_soft) + " " +
         n(c.obuf_pubsub_seconds);
}

std::string obuf_set(Config& c, std::string_view v) {
  std::vector<std::string_view> w;
  std::string scratch;
  if (!resp::split_inline(v, w, scratch) || w.size() % 4 != 0) {
    return "Wrong number of arguments in buffer limit configuration.";
  }
  Config next = c;
  for (size_t i = 0; i < w.size(); i += 4) {
    int64_t hard, soft, secs;
    if (!parse_memory(w[i + 1], &hard) || !parse_memory(w[i + 2], &soft) ||
        !resp::parse_ll(w[i + 3], &secs) || hard < 0 || soft < 0 || secs < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    std::string cls = lower(w[i]);
    if (cls == "normal") {
      next.obuf_normal_hard = hard, next.obuf_normal_soft = soft, next.obuf_normal_seconds = secs;
    } else if (cls == "pubsub") {
      next.obuf_pubsub_hard = hard, next.obuf_pubsub_soft = soft, next.obuf_pubsub_seconds = secs;
    } else if (cls != "slave" && cls != "replica") {
      return "Invalid client class specified in buffer limit configuration.";
    }
  }
  c = next;
  return "";
}

constexpr EvictionPolicy kPolicies[] = {
    EvictionPolicy::kNoEviction,     EvictionPolicy::kAllKeysLru,  EvictionPolicy::kAllKeysLfu,
    EvictionPolicy::kAllKeysRandom,  EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu,
    EvictionPolicy::kVolatileRandom, EvictionPolicy::kVolatileTtl,
};

// Redis prints each percentile with %f and trims the zeros ("99.9"), and takes a space-separated list.
std::string percentiles_get(const Config& c) {
  std::string out;
  for (double p : c.latency_tracking_info_percentiles) {
    if (!out.empty()) out += ' ';
    out += trimmed_double(p);
  }
  return out;
}

std::string percentiles_set(Config& c, std::string_view v) {
  std::vector<double> ps;
  size_t i = 0;
  while (i < v.size()) {
    if (v[i] == ' ') {
      ++i;
      continue;
    }
    const size_t end = std::min(v.find(' ', i), v.size());
    double d = 0;
    if (!resp::parse_double(v.substr(i, end - i), &d)) {
      return "Invalid latency-tracking-info-percentiles parameters";
    }
    if (d < 0 || d > 100) {
      return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
    }
    ps.push_back(d);
    i = end;
  }
  c.latency_tracking_info_percentiles = std::move(ps);
  return "";
}

const std::vector<Row>& rows() {
  static const std::vector<Row> kRows = {
      INT_ROW("port", port, false, 0, 65535),
      STR_ROW("bind", bind, false),
      STR_ROW("requirepass", requirepass, true),
      INT_ROW("databases", databases, false, 1, 1 << 20),
      INT_ROW("maxclients", maxclients, true, 1, 4294967295LL),
      MEM_ROW("maxmemory", maxmemory, true, 0, INT64_MAX),
      Row{"maxmemory-policy", Kind::kString, true, 0, 0,
          [](const Config& c) { return std::string(policy_name(c.maxmemory_policy)); },
          [](Config& c, std::string_view v) -> std::string {
            const std::string l = lower(v);
            for (auto p : kPolicies) {
              if (policy_name(p) == l) {
                c.maxmemory_policy = p;
                return "";
              }
            }
            return "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
                   "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction";
          }},
      INT_ROW("maxmemory-samples", maxmemory_samples, true, 1, INT32_MAX),
      INT_ROW("lfu-log-factor", lfu_log_factor, true, 0, INT32_MAX),
      INT_ROW("lfu-decay-time", lfu_decay_time, true, 0, INT32_MAX),
      INT_ROW("timeout", timeout, true, 0, INT32_MAX),
      STR_ROW("dir", dir, true),
      STR_ROW("logfile", logfile, false),
      Row{"loglevel", Kind::kString, true, 0, 0, [](const Config& c) { return c.loglevel; },
          [](Config& c, std::string_view v) -> std::string {
            std::string l = lower(v);
            if (l != "debug" && l != "verbose" && l != "notice" && l != "warning") {
              return "argument(s) must be one of the following: debug, verbose, notice, warning";
            }
            c.loglevel = l;
            return "";
          }},
      // Redis accepts 0..INT_MAX and clamps what it keeps (and shows) to 1..500.
      Row{"hz", Kind::kInt, true, 0, INT32_MAX, [](const Config& c) { return std::to_string(c.hz); },
          [](Config& c, std::string_view v) -> std::string {
            std::string e = set_int(&c.hz, v, 0, INT32_MAX, false);
            c.hz = std::clamp<int64_t>(c.hz, 1, 500);
            return e;
          }},
      MEM_ROW("proto-max-bulk-len", proto_max_bulk_len, true, 1024 * 1024, INT64_MAX),
      MEM_ROW("client-query-buffer-limit", client_query_buffer_limit, true, 1024 * 1024, INT64_MAX),
      Row{"client-output-buffer-limit", Kind::kString, true, 0, 0, obuf_get, obuf_set},
      INT_ROW("slowlog-log-slower-than", slowlog_log_slower_than, true, -1, INT64_MAX),
      INT_ROW("slowlog-max-len", slowlog_max_len, true, 0, INT64_MAX),
      INT_ROW("latency-monitor-threshold", latency_monitor_threshold, true, 0, INT64_MAX),
      BOOL_ROW("latency-tracking", latency_tracking, true),
      Row{"io-idle-nap", Kind::kString, true, 0, 0, [](const Config& c) { return c.io_idle_nap; },
          [](Config& c, std::string_view v) -> std::string {
            std::string l = lower(v);
            if (l != "auto" && l != "yes" && l != "no") {
              return "argument must be 'auto', 'yes' or 'no'";
            }
            c.io_idle_nap = l;
            return "";
          }},
      BOOL_ROW("io-reactor-reads", io_reactor_reads, false),
      BOOL_ROW("cluster-mode", cluster_mode, false),
      Row{"latency-tracking-info-percentiles", Kind::kString, true, 0, 0, percentiles_get, percentiles_set},
      Row{"save", Kind::kString, true, 0, 0, [](const Config& c) { return format_save_rules(c.save); },
          [](Config& c, std::string_view v) -> std::string {
            return parse_save_rules(v, &c.save) ? "" : "Invalid save parameters";
          }},
      Row{"dbfilename", Kind::kString, true, 0, 0, [](const Config& c) { return c.dbfilename; },
          [](Config& c, std::string_view v) -> std::string {
            // Redis's isValidDBfilename: a base name, so a save cannot land outside `dir`.
            if (v.empty() || v.find('/') != std::string_view::npos || v == "." || v == "..") {
              return "dbfilename can't be a path, just a filename";
            }
            c.dbfilename = std::string(v);
            return "";
          }},
      BOOL_ROW("rdbcompression", rdbcompression, true),
      BOOL_ROW("rdbchecksum", rdbchecksum, true),
      BOOL_ROW("stop-writes-on-bgsave-error", stop_writes_on_bgsave_error, true),
      INT_ROW("rdb-key-save-delay", rdb_key_save_delay, true, 0, INT32_MAX),
      Row{"appendonly", Kind::kYesNo, true, 0, 0, [](const Config& c) { return c.appendonly; },
          [](Config& c, std::string_view v) -> std::string {
            std::string l = lower(v);
            if (l == "yes") {
              return "appendonly yes is not supported yet";
            }
            if (l != "no") {
              return "argument must be 'yes' or 'no'";
            }
            c.appendonly = l;
            return "";
          }},
      Row{"daemonize", Kind::kYesNo, false, 0, 0, [](const Config& c) { return c.daemonize; },
          [](Config& c, std::string_view v) -> std::string {
            std::string l = lower(v);
            if (l != "no") {
              return l == "yes" ? "daemonize yes is not supported: run codis-server under a supervisor"
                                : "argument must be 'yes' or 'no'";
            }
            c.daemonize = l;
            return "";
          }},
      INT_ROW("list-max-listpack-size", list_max_listpack_size, true, INT32_MIN, INT32_MAX),
      INT_ROW("hash-max-listpack-entries", hash_max_listpack_entries, true, 0, INT64_MAX),
      INT_ROW("hash-max-listpack-value", hash_max_listpack_value, true, 0, INT64_MAX),
      INT_ROW("set-max-intset-entries", set_max_intset_entries, true, 0, INT64_MAX),
      INT_ROW("zset-max-listpack-entries", zset_max_listpack_entries, true, 0, INT64_MAX),
      INT_ROW("zset-max-listpack-value", zset_max_listpack_value, true, 0, INT64_MAX),
      MEM_ROW("hll-sparse-max-bytes", hll_sparse_max_bytes, true, 0, INT64_MAX),
      INT_ROW("lua-time-limit", lua_time_limit, true, 0, INT64_MAX),
  };
  return kRows;
}

// Old names Redis still answers to (CONFIG GET globs see them as names of their own).
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"hash-max-ziplist-entries", "hash-max-listpack-entries"},
    {"hash-max-ziplist-value", "hash-max-listpack-value"},
    {"zset-max-ziplist-entries", "zset-max-listpack-entries"},
    {"zset-max-ziplist-value", "zset-max-listpack-value"},
    {"list-max-ziplist-size", "list-max-listpack-size"},
};

const Row* find_row(std::string_view name) {
  std::string l = lower(name);
  for (const auto& [alias, target] : kAliases) {
    if (l == alias) {
      l = target;
    }
  }
  for (const auto& r : rows()) {
    if (r.name == l) {
      return &r;
    }
  }
  return nullptr;
}

}  // namespace

std::string_view policy_name(EvictionPolicy p) {
  switch (p) {
    case EvictionPolicy::kNoEviction:
      return "noeviction";
    case EvictionPolicy::kAllKeysLru:
      return "allkeys-lru";
    case EvictionPolicy::kAllKeysLfu:
      return "allkeys-lfu";
    case EvictionPolicy::kAllKeysRandom:
      return "allkeys-random";
    case EvictionPolicy::kVolatileLru:
      return "volatile-lru";
    case EvictionPolicy::kVolatileLfu:
      return "volatile-lfu";
    case EvictionPolicy::kVolatileRandom:
      return "volatile-random";
    case EvictionPolicy::kVolatileTtl:
      return "volatile-ttl";
  }
  return "noeviction";
}

std::string trimmed_double(double d) {
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, "%f", d);
  std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

bool parse_memory(std::string_view s, int64_t* out) {
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || (i == 0 && s[i] == '-'))) {
    ++i;
  }
  int64_t base = 0;
  if (!resp::parse_ll(s.substr(0, i), &base)) {
    return false;
  }
  std::string unit = lower(s.substr(i));
  int64_t mul = 1;
  if (unit.empty() || unit == "b") {
    mul = 1;
  } else if (unit == "k") {
    mul = 1000;
  } else if (unit == "kb") {
    mul = 1024;
  } else if (unit == "m") {
    mul = 1000 * 1000;
  } else if (unit == "mb") {
    mul = 1024 * 1024;
  } else if (unit == "g") {
    mul = 1000LL * 1000 * 1000;
  } else if (unit == "gb") {
    mul = 1024LL * 1024 * 1024;
  } else {
    return false;
  }
  if (base != 0 && (base > INT64_MAX / mul || base < INT64_MIN / mul)) {
    return false;
  }
  *out = base * mul;
  return true;
}

std::string config_set(Config& c, std::string_view name, std::string_view value, bool at_startup) {
  const Row* r = find_row(name);
  if (r == nullptr) {
    return "ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(name) + "'";
  }
  if (!at_startup && !r->mutable_at_runtime) {
    return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) +
           "') - can't set immutable config";
  }
  std::string err = r->set(c, value);
  if (!err.empty()) {
    return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " + err;
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> config_get(const Config& c, std::string_view pattern) {
  std::vector<std::pair<std::string, std::string>> out;
  if (pattern.find_first_of("[*?") == std::string_view::npos) {
    // Redis looks a plain name up directly and replies with the name as the client spelled it.
    if (const Row* r = find_row(pattern)) {
      out.emplace_back(std::string(pattern), r->get(c));
    }
    return out;
  }
  for (const auto& r : rows()) {
    if (glob_match(pattern, r.name, true)) {
      out.emplace_back(std::string(r.name), r.get(c));
    }
  }
  for (const auto& [alias, target] : kAliases) {
    if (glob_match(pattern, alias, true)) {
      out.emplace_back(std::string(alias), find_row(target)->get(c));
    }
  }
  return out;
}

std::string format_save_rules(const std::vector<Config::SaveRule>& rules) {
  std::string out;
  for (const auto& r : rules) {
    if (!out.empty()) {
      out += ' ';
    }
    out += std::to_string(r.seconds) + " " + std::to_string(r.changes);
  }
  return out;
}

bool parse_save_rules(std::string_view v, std::vector<Config::SaveRule>* out) {
  std::vector<int64_t> nums;
  size_t i = 0;
  while (i < v.size()) {
    if (v[i] == ' ') {
      ++i;
      continue;
    }
    const size_t end = std::min(v.find(' ', i), v.size());
    std::string_view word = v.substr(i, end - i);
    i = end;
    int64_t n = 0;
    if (!resp::parse_ll(word, &n) || n < (nums.size() % 2 == 0 ? 1 : 0)) {
      return false;
    }
    nums.push_back(n);
  }
  if (nums.size() % 2 != 0) {
    return false;
  }
  out->clear();
  for (size_t k = 0; k < nums.size(); k += 2) {
    out->push_back({nums[k], nums[k + 1]});
  }
  return true;
}

std::pair<Config, std::vector<ConfigError>> load_config(std::string_view file_text,
                                                        const std::vector<std::string>& args) {
  Config c;
  std::vector<ConfigError> errors;
  // Command-line options become config lines appended after the file, as redis-server does.
  std::string text(file_text);
  text += "\n";
  std::string line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0) {
      if (!line.empty()) {
        text += line + "\n";
      }
      line = a.substr(2);
    } else {
      std::string quoted = "\"";
      for (char ch : a) {
        if (ch == '"' || ch == '\\') {
          quoted += '\\';
        }
        quoted += ch;
      }
      line += " " + quoted + "\"";
    }
  }
  if (!line.empty()) {
    text += line + "\n";
  }
  size_t lineno = 0, pos = 0;
  bool saw_save = false;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      nl = text.size();
    }
    std::string_view raw(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++lineno;
    while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) {
      raw.remove_suffix(1);
    }
    size_t start = raw.find_first_not_of(" \t");
    if (start == std::string_view::npos || raw[start] == '#') {
      continue;
    }
    std::vector<std::string_view> words;
    std::string scratch;
    auto fatal = [&](const std::string& why) {
      errors.push_back(
          {"\n*** FATAL CONFIG FILE ERROR (codis-server) ***\nReading the configuration file, at line " +
           std::to_string(lineno) + "\n>>> '" + std::string(raw.substr(start)) + "'\n" + why});
    };
    if (!resp::split_inline(raw.substr(start), words, scratch)) {
      fatal("Unbalanced quotes in configuration line");
      continue;
    }
    if (words.empty()) {
      continue;
    }
    const Row* r = find_row(words[0]);
    if (r == nullptr || words.size() < 2 ||
        (words.size() > 2 && r->name != "save" && r->name != "client-output-buffer-limit" &&
         r->name != "bind")) {
      fatal("Bad directive or wrong number of arguments");
      continue;
    }
    std::string value(words[1]);
    for (size_t k = 2; k < words.size(); ++k) {
      value += " " + std::string(words[k]);
    }
    std::vector<Config::SaveRule> earlier_rules;
    if (r->name == "save" && saw_save && !value.empty()) {
      // save lines add up; the first one replaces the defaults and `save ""` clears (as in Redis).
      earlier_rules = c.save;
    }
    std::string err = r->set(c, value);
    if (!err.empty()) {
      fatal(err);
    } else if (r->name == "save") {
      saw_save = true;
      c.save.insert(c.save.begin(), earlier_rules.begin(), earlier_rules.end());
    }
  }
  return {c, errors};
}

}  // namespace codis::server
