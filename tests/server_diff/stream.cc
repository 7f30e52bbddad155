// Stream generation: family registry, the transaction family, invalid-command mutation (see stream.h).
#include "tests/server_diff/stream.h"

#include <algorithm>
#include <cctype>

#include "tests/server_diff/compare_mode.h"
#include "tests/server_diff/proxy_filter.h"

namespace codis::diff {
namespace {

const Family kFamilies[] = {
    {"strings", gen_strings, 10}, {"keys", gen_keys, 9}, {"lists", gen_lists, 8},
    {"hashes", gen_hashes, 7},    {"sets", gen_sets, 8}, {"zsets", gen_zsets, 9},
    {"hll", gen_hll, 2},          {"db", gen_db, 2},     {"object", gen_object, 2},
};
constexpr std::string_view kTx = "tx";
constexpr int kTxWeight = 3;

bool enabled(const StreamConfig& config, std::string_view name) {
  if (config.families.empty()) return true;
  for (const std::string& f : config.families) {
    if (f == name) return true;
  }
  return false;
}

// A command for inside MULTI: one the runner can check from the EXEC reply alone.
Command inner_command(Gen& g, const std::vector<const Family*>& families) {
  for (;;) {
    std::vector<Command> batch;
    const Family* f = families[g.rng().below(families.size())];
    g.set_family(f->name);
    f->generate(g, batch);
    if (batch.size() != 1) continue;  // DUMP+RESTORE pairs
    const ModeChoice m = mode_for(batch[0].argv);
    if (m.mode == Mode::kScan || m.mode == Mode::kPopRestore || m.mode == Mode::kDump ||
        m.mode == Mode::kLexRange) {
      continue;
    }
    return std::move(batch[0]);
  }
}

void gen_tx(Gen& g, const std::vector<const Family*>& families, std::vector<Command>& out) {
  if (families.empty()) {
    out.push_back(g.cmd({"MULTI"}));
    out.push_back(g.cmd({"PING"}));
    out.push_back(g.cmd({"EXEC"}));
    return;
  }
  switch (g.range(0, 9)) {
    case 0:
    case 1: {
      // WATCH, maybe touch a watched key ourselves (EXEC then returns nil), then the transaction.
      const std::string key = g.key();
      out.push_back(g.cmd({"WATCH", key}));
      if (g.chance(50)) out.push_back(g.cmd({"SET", g.chance(50) ? key : g.key(), "w"}));
      if (g.chance(15)) out.push_back(g.cmd({"UNWATCH"}));
      [[fallthrough]];
    }
    default: {
      out.push_back(g.cmd({"MULTI"}));
      if (g.chance(5)) out.push_back(g.cmd({g.pick_str({"MULTI", "WATCH", "SELECT"}), g.key()}));
      for (int64_t i = g.range(0, 5); i > 0; --i) out.push_back(inner_command(g, families));
      out.push_back(g.cmd({g.chance(85) ? "EXEC" : "DISCARD"}));
      break;
    }
    case 9:
      out.push_back(g.cmd({g.pick_str({"EXEC", "DISCARD", "UNWATCH"})}));
      break;
  }
}

const std::vector<std::string> kJunk = {"abc",
                                        "-1",
                                        "0",
                                        "1.5",
                                        "",
                                        "99999999999999999999",
                                        "-9223372036854775809",
                                        "nan",
                                        "inf",
                                        "NX",
                                        "LIMIT",
                                        "WITHSCORES",
                                        "-",
                                        "(",
                                        "[",
                                        "COUNT"};
const std::vector<std::string> kUnknownNames = {"FOO",   "GETT",  "SETX",   "HSETT",
                                                "ZADDD", "xyzzy", "LPUSHH", "sett"};

}  // namespace

std::vector<std::string_view> family_names() {
  std::vector<std::string_view> out;
  for (const Family& f : kFamilies) out.push_back(f.name);
  out.push_back(kTx);
  return out;
}

std::string unknown_family(const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    bool known = false;
    for (std::string_view f : family_names()) known = known || f == n;
    if (!known) return n;
  }
  return {};
}

bool is_blocking(std::string_view name) {
  for (std::string_view b :
       {"BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP"}) {
    if (iequals(name, b)) return true;
  }
  return false;
}

void mutate(Gen& g, Command& c) {
  auto& a = c.argv;
  if (a.empty() || iequals(a[0], "MULTI") || iequals(a[0], "EXEC") || iequals(a[0], "DISCARD")) return;
  int64_t kind = g.range(0, 5);
  // A junk argument could become a blocking command's timeout ("0" waits for ever): only shorten those.
  if (is_blocking(a[0]) && (kind == 1 || kind == 2)) kind = 0;
  // "unknown command" errors quote the arguments, and $DUMP(swapped) differs per server.
  if (kind == 3 && std::find(a.begin(), a.end(), kDumpSwapped) != a.end()) kind = 0;
  switch (kind) {
    case 0:
      if (a.size() > 1) a.pop_back();
      break;
    case 1:
      a.push_back(g.rng().pick(kJunk));
      break;
    case 2:
      if (a.size() > 1)
        a[static_cast<size_t>(g.range(1, static_cast<int64_t>(a.size()) - 1))] = g.rng().pick(kJunk);
      break;
    case 3:
      a[0] = g.rng().pick(kUnknownNames);
      break;
    case 4:
      // Command names are case-insensitive: this one must still work.
      for (char& ch : a[0]) {
        if (g.chance(50)) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      break;
    default:
      a.resize(1);
      break;
  }
}

std::vector<Command> generate_stream(uint64_t stream_seed, const StreamConfig& config) {
  Gen g(stream_seed);
  std::vector<const Family*> families;
  int total = 0;
  for (const Family& f : kFamilies) {
    if (enabled(config, f.name)) {
      families.push_back(&f);
      total += f.weight;
    }
  }
  const bool tx = enabled(config, kTx);
  if (tx) total += kTxWeight;
  std::vector<Command> out;
  if (total == 0) return out;
  ProxyFilter proxy_filter;
  while (static_cast<int>(out.size()) < config.commands) {
    std::vector<Command> batch;
    int64_t r = g.range(0, total - 1);
    const Family* chosen = nullptr;
    for (const Family* f : families) {
      if (r < f->weight) {
        chosen = f;
        break;
      }
      r -= f->weight;
    }
    if (chosen != nullptr) {
      g.set_family(chosen->name);
      chosen->generate(g, batch);
    } else {
      gen_tx(g, families, batch);
    }
    for (Command& c : batch) {
      if (g.chance(config.invalid_percent)) mutate(g, c);
      // Dropped after generation, so the rest of the stream is the same as without the exclusion.
      if (std::find(config.exclude.begin(), config.exclude.end(), to_upper(c.argv[0])) !=
          config.exclude.end()) {
        continue;
      }
      if (config.proxy && !proxy_filter.keep(c.argv)) continue;
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace codis::diff
