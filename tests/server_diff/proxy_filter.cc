// Leaving out what codis-proxy does not promise to run as one Redis would (see proxy_filter.h).
#include "tests/server_diff/proxy_filter.h"

#include <cstdint>
#include <optional>
#include <string_view>

#include "cmd/ascii.h"
#include "cmd/keys.h"
#include "cmd/slot.h"
#include "cmd/table.h"
#include "tests/server_diff/command.h"

namespace codis::diff {
namespace {

// SORT's BY and GET patterns name keys the command's key specs do not list; each server looks them up in
// its own keyspace, so through the proxy they find only the keys of the sorted key's server.
bool sort_reads_other_keys(const std::vector<std::string>& argv) {
  const std::string name = to_upper(argv[0]);
  if (name != "SORT" && name != "SORT_RO") return false;
  for (size_t i = 2; i + 1 < argv.size(); ++i) {
    const std::string word = to_upper(argv[i]);
    if ((word == "BY" || word == "GET") && argv[i + 1].find('*') != std::string::npos) return true;
  }
  return false;
}

}  // namespace

bool ProxyFilter::keep(const std::vector<std::string>& argv) {
  if (argv.empty()) return true;
  const std::string name = to_upper(argv[0]);
  if (name == "EXEC" || name == "DISCARD") {
    if (in_multi_) tx_slot_.reset();
    in_multi_ = false;
    return true;
  }
  if (name == "MULTI") {
    in_multi_ = true;
    return true;
  }
  if (name == "UNWATCH" && !in_multi_) {
    if (argv.size() == 1) {
      tx_slot_.reset();  // UNWATCH with arguments is an arity error and unwatches nothing
    }
    return true;
  }
  const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
  // Unknown commands and arity errors: the proxy must answer them as Redis does, so they stay.
  if (spec == nullptr) return true;
  if (spec->is_container() && argv.size() >= 2) {
    spec = cmd::lookup_subcommand(*spec, argv[1]);
    if (spec == nullptr) return true;
  }
  if (!cmd::check_arity(*spec, argv.size())) return true;
  // Known differences (docs/proxy.md): COPY into another database is refused, as MOVE is (any integer DB
  // other than 0: a little wider than the proxy's rule, which lets the server refuse DB n beyond an int).
  if (name == "COPY") {
    for (size_t i = 3; i + 1 < argv.size(); ++i) {
      if (to_upper(argv[i]) != "DB") continue;
      const std::optional<int64_t> db = cmd::parse_int64(argv[i + 1]);
      if (db && *db != 0) return false;
    }
  }
  // WATCH is the proxy's own (it binds the client to a server), but its keys bind the transaction.
  switch (name == "WATCH" ? cmd::Route::kSingleSlot : spec->policy.route) {
    case cmd::Route::kRefused:
      return false;  // docs/proxy.md: MOVE, SWAPDB, DEBUG, ...
    case cmd::Route::kProxyLocal:
    case cmd::Route::kAllGroups:
      // A transaction runs on one server: the proxy refuses what it answers itself or fans out (KEYS,
      // SCAN, DBSIZE, FLUSHDB...) inside MULTI, except PING and ECHO.
      if (in_multi_) return name == "PING" || name == "ECHO";
      // The proxy serves database 0 only: SELECT 1 is its own error, and later commands would differ.
      return name != "SELECT" || argv[1] == "0";
    default:
      break;
  }
  if (sort_reads_other_keys(argv)) return false;
  std::vector<std::string_view> views(argv.begin(), argv.end());
  cmd::KeyList keys;
  const cmd::KeysError e = cmd::extract_keys(*spec, views, keys);
  // A malformed key list (ZDIFF -1 k) is the command's own error, also inside MULTI, where the proxy queues
  // it as Redis does and EXEC replies the error. The keys that can still be found (PFMERGE dest without
  // sources, which Redis runs) route it and bind the transaction; with none it binds nothing.
  if (e != cmd::KeysError::kNone) {
    cmd::extract_partial_keys(*spec, views, keys);
    if (keys.empty()) return true;
  }
  if (keys.empty()) return true;
  const uint32_t slot = cmd::slot_of(argv[keys[0].index]);
  for (const cmd::KeyPos& k : keys) {
    if (cmd::slot_of(argv[k.index]) != slot) {
      // MGET, MSET, DEL... are split per slot by the proxy, except inside a transaction (one server).
      if (spec->policy.route == cmd::Route::kSplitByKey && !in_multi_) return true;
      return false;
    }
  }
  // WATCH binds what follows up to EXEC to its server; MULTI binds to the first key's slot.
  if (name == "WATCH" || in_multi_) {
    if (tx_slot_ && *tx_slot_ != slot) return false;
    tx_slot_ = slot;
  }
  return true;
}

}  // namespace codis::diff
