// Server::slot_refusal: gathers, for the keys a command would touch, their slot and whether they are here,
// and lets slot_route decide (docs/slots.md).
#include <absl/container/inlined_vector.h>

#include "cmd/keys.h"
#include "cmd/slot.h"
#include "cmd/table.h"
#include "server/server.h"
#include "server/slots/slot_route.h"

namespace codis::server {

namespace {

const cmd::CommandSpec* resolve(std::span<const std::string_view> argv) {
  const cmd::CommandSpec* spec = argv.empty() ? nullptr : cmd::lookup(argv[0]);
  if (spec != nullptr && spec->is_container() && argv.size() >= 2) {
    spec = cmd::lookup_subcommand(*spec, argv[1]);
  }
  return spec;
}

}  // namespace

std::string Server::slot_refusal(const Client& c, const cmd::CommandSpec& spec,
                                 std::span<const std::string_view> argv) const {
  // The slot commands manage slots themselves (SLOTSRESTORE lands keys on an importing target). The planted
  // bug slot-skip-ownership-check (codis-sim --bug) serves every command wherever it lands.
  if (spec.group == "codis" || skip_ownership_check_) {
    return "";
  }
  if (migrations_.any_in_flight() &&
      (spec.name == "flushall" || spec.name == "flushdb" || spec.name == "swapdb")) {
    // The keys in flight are deleted from their database once the target has them: that database must
    // still hold them then.
    return "TRYAGAIN - - 0 keys are being migrated, retry later";
  }
  if (!slots_.cluster_mode() && !migrations_.any_in_flight()) {
    return "";
  }
  absl::InlinedVector<KeyFacts, 8> facts;
  bool write = false;
  const Db& db = dbs_[static_cast<size_t>(c.db)];
  const int64_t now = now_ms();
  cmd::KeyList keys;
  auto add = [&](const cmd::CommandSpec& s, std::span<const std::string_view> args) {
    // Arguments whose key list does not parse still name keys that must be here: some such forms run
    // (PFMERGE dest writes dest), and the others reply their own error on the server of those keys.
    if (cmd::extract_keys(s, args, keys) != cmd::KeysError::kNone) {
      cmd::extract_partial_keys(s, args, keys);
    }
    write = write || (!keys.empty() && s.has(cmd::flag::kWrite));
    for (const cmd::KeyPos& k : keys) {
      const std::string_view key = args[k.index];
      facts.push_back(
          KeyFacts{cmd::slot_of(key), db.peek(key, now) != nullptr, migrations_.in_flight(c.db, key)});
    }
  };
  if (spec.name == "exec") {
    std::vector<std::string_view> args;
    for (const QueuedCommand& q : c.queued) {
      args.assign(q.argv.begin(), q.argv.end());
      if (const cmd::CommandSpec* s = resolve(args); s != nullptr && cmd::check_arity(*s, args.size())) {
        add(*s, args);
      }
    }
  } else {
    add(spec, argv);
  }
  const Route r = route(slots_, facts, write, c.asking);
  return r.verdict == Verdict::kServe ? "" : route_error(slots_, r);
}

}  // namespace codis::server
