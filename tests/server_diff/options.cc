// Option parsing and default server paths (see options.h).
#include "tests/server_diff/options.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/server_diff/command.h"
#include "tests/server_diff/stream.h"

namespace codis::diff {
namespace {

bool executable(const std::string& path) {
  return !path.empty() && access(path.c_str(), X_OK) == 0;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

bool parse_int(const std::string& s, int64_t lo, int64_t hi, int64_t& out) {
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

}  // namespace

std::string usage() {
  return R"(server_diff: runs random command streams against a reference Redis and a subject server and
compares every reply (ordering-insensitive where Redis is unordered). Exit status 0 = no mismatch.

  --seed=N                  base seed (default 1); stream K uses a seed derived from (N, K)
  --streams=N               number of streams (default 200)
  --stream=K                run only stream K (the repro of a failure)
  --commands-per-stream=N   commands per stream (default 200)
  --families=a,b            restrict to families: strings,keys,lists,hashes,sets,zsets,hll,db,object,tx
  --exclude-commands=A,B    leave these commands out of the streams (not implemented yet, say)
  --invalid-percent=P       share of commands mutated into likely errors (default 12)
  --protocol=2|3|mixed      RESP version per stream (default mixed: a quarter in RESP3)
  --reference=PATH          reference binary (default Debian's redis-server)
  --subject=PATH            subject binary (default $CODIS_SERVER, else build/src/server/codis-server,
                            else redis-server to test the harness itself)
  --reference-args=ARGS     argument template, {port} and {dir} substituted (default per binary)
  --subject-args=ARGS
  --reference-addr=H:P      use a running server instead of starting one (FLUSHALL is sent!)
  --subject-addr=H:P
  --tricky[=NAME]           run the fixed tricky cases (or one of them) instead of random streams
  --pipeline=N              commands in flight per server (default 32, 1 = one at a time)
  --max-failures=N          stop after N mismatching streams (default 3)
  --timeout=S               kill everything and fail after S seconds (default none)
  --list                    print the families, the comparison-mode table and the tricky cases
  --print                   print the selected streams in redis-cli syntax instead of running them
  --proxy[=PATH]            the subject is codis-proxy (default $CODIS_PROXY, else this build's) in front
                            of --proxy-groups subject servers in cluster mode; streams keep to database 0,
                            leave out refused and cross-slot commands; the data sets are compared by the
                            servers' DEBUG DIGESTs combined
  --proxy-groups=N          servers behind the proxy (default 3)
)";
}

bool parse_options(int argc, char** argv, DiffOptions& o, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const bool has_value = eq != std::string::npos;
    const std::string value = has_value ? arg.substr(eq + 1) : "";
    int64_t n = 0;
    auto number = [&](int64_t lo, int64_t hi) {
      if (parse_int(value, lo, hi, n)) return true;
      error = "bad value for " + name + ": '" + value + "'";
      return false;
    };
    if (name == "--help" || name == "-h") {
      o.help = true;
    } else if (name == "--list") {
      o.list = true;
    } else if (name == "--print") {
      o.print = true;
    } else if (name == "--proxy") {
      o.proxy = true;
      o.proxy_path = value;
    } else if (name == "--tricky") {
      o.tricky = true;
      o.tricky_name = value;
    } else if (!has_value) {
      error = "unknown option or missing value: " + arg;
      return false;
    } else if (name == "--seed") {
      if (!number(0, INT64_MAX)) return false;
      o.seed = static_cast<uint64_t>(n);
    } else if (name == "--streams") {
      if (!number(0, 100000000)) return false;
      o.streams = static_cast<int>(n);
    } else if (name == "--stream") {
      if (!number(0, INT64_MAX)) return false;
      o.only_stream = n;
    } else if (name == "--commands-per-stream") {
      if (!number(1, 1000000)) return false;
      o.commands = static_cast<int>(n);
    } else if (name == "--invalid-percent") {
      if (!number(0, 100)) return false;
      o.invalid_percent = static_cast<int>(n);
    } else if (name == "--pipeline") {
      if (!number(1, 10000)) return false;
      o.pipeline = static_cast<int>(n);
    } else if (name == "--max-failures") {
      if (!number(1, 1000000)) return false;
      o.max_failures = static_cast<int>(n);
    } else if (name == "--timeout") {
      if (!number(0, 1000000)) return false;
      o.timeout = static_cast<unsigned>(n);
    } else if (name == "--proxy-groups") {
      if (!number(1, 64)) return false;
      o.proxy_groups = static_cast<int>(n);
    } else if (name == "--families") {
      o.families = split_commas(value);
      const std::string bad = unknown_family(o.families);
      if (!bad.empty()) {
        error = "unknown family '" + bad + "'";
        return false;
      }
    } else if (name == "--exclude-commands") {
      o.exclude.clear();
      for (const std::string& c : split_commas(value)) o.exclude.push_back(to_upper(c));
    } else if (name == "--protocol") {
      if (value != "2" && value != "3" && value != "mixed") {
        error = "--protocol must be 2, 3 or mixed";
        return false;
      }
      o.protocol = value;
    } else if (name == "--reference") {
      o.reference = value;
    } else if (name == "--subject") {
      o.subject = value;
    } else if (name == "--reference-args") {
      o.reference_args = value;
    } else if (name == "--subject-args") {
      o.subject_args = value;
    } else if (name == "--reference-addr") {
      o.reference_addr = value;
    } else if (name == "--subject-addr") {
      o.subject_addr = value;
    } else {
      error = "unknown option: " + arg;
      return false;
    }
  }
  return true;
}

std::string default_reference() {
  if (executable("/usr/bin/redis-server")) return "/usr/bin/redis-server";
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      if (executable(dir + "/redis-server")) return dir + "/redis-server";
    }
  }
  return {};
}

std::string default_subject(const std::string& reference, std::string& note) {
  if (const char* env = std::getenv("CODIS_SERVER"); env != nullptr && *env != '\0') return env;
  for (const std::string& candidate : {std::string(CODIS_BINARY_DIR) + "/src/server/codis-server",
                                       std::string(CODIS_SOURCE_DIR) + "/build/src/server/codis-server"}) {
    if (executable(candidate)) return candidate;
  }
  note = "codis-server is not built yet and CODIS_SERVER is unset: the subject is a second " + reference +
         ", which tests the harness itself";
  return reference;
}

std::string default_proxy() {
  if (const char* env = std::getenv("CODIS_PROXY"); env != nullptr && *env != '\0') return env;
  for (const std::string& candidate : {std::string(CODIS_BINARY_DIR) + "/src/proxy/codis-proxy",
                                       std::string(CODIS_SOURCE_DIR) + "/build/src/proxy/codis-proxy"}) {
    if (executable(candidate)) return candidate;
  }
  return {};
}

std::string repro_line(const DiffOptions& o, const std::string& program, uint64_t stream) {
  std::string out = program + " --seed=" + std::to_string(o.seed) + " --stream=" + std::to_string(stream);
  const DiffOptions d;
  if (o.commands != d.commands) out += " --commands-per-stream=" + std::to_string(o.commands);
  if (o.invalid_percent != d.invalid_percent)
    out += " --invalid-percent=" + std::to_string(o.invalid_percent);
  if (o.protocol != d.protocol) out += " --protocol=" + o.protocol;
  if (!o.families.empty()) {
    out += " --families=";
    for (size_t i = 0; i < o.families.size(); ++i) out += (i ? "," : "") + o.families[i];
  }
  if (!o.exclude.empty()) {
    out += " --exclude-commands=";
    for (size_t i = 0; i < o.exclude.size(); ++i) out += (i ? "," : "") + o.exclude[i];
  }
  if (o.proxy) out += " --proxy" + (o.proxy_path.empty() ? "" : "=" + o.proxy_path);
  if (o.proxy && o.proxy_groups != d.proxy_groups) out += " --proxy-groups=" + std::to_string(o.proxy_groups);
  if (!o.subject.empty()) out += " --subject=" + o.subject;
  if (!o.subject_args.empty()) out += " --subject-args='" + o.subject_args + "'";
  if (!o.subject_addr.empty()) out += " --subject-addr=" + o.subject_addr;
  return out;
}

}  // namespace codis::diff
