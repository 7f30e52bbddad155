// The command table: every Redis 7.0 command and subcommand plus Codis's slot commands, as constant data,
// with allocation-free lookup. One table drives codis-server's dispatcher, codis-proxy's router and
// splitter, COMMAND replies, the fuzzers' vocabulary and the docs.
//
// codis-server's dispatcher, per command (argv: the parser's views, argv[0] the name):
//   const CommandSpec* c = lookup(argv[0]);        // nullptr: "ERR unknown command '...', with args ..."
//   if (c->is_container() && argv.size() >= 2) {   // CONFIG GET, CLIENT SETNAME, OBJECT ENCODING, ...
//     c = lookup_subcommand(*c, argv[1]);          // nullptr: "ERR unknown subcommand '...'. Try X HELP."
//   }
//   if (!check_arity(*c, argv.size()))             // "ERR wrong number of arguments for '<c->name>'
//                                                  //  command" (c->name is "config|get" for a subcommand)
//   c->flags then decide OOM refusal (kDenyOom), replica/read-only refusal (kWrite), MULTI queueing,
//   scripts (kNoscript), loading (kLoading), stale replicas (kStale), pre-AUTH (kNoAuth);
//   extract_keys(*c, argv, keys) gives the keys whose slots this server must own (ARCHITECTURE.md 5).
//   When it returns an error, run the handler anyway: it replies the exact Redis error itself.
//
// codis-proxy's router, per command: the same lookup (unknown commands are refused), then c->policy:
//   kSingleSlot: extract_keys; an error -> reply "-" + keys_error_text(); all keys in one slot -> that
//     slot's group; keys in several slots -> a CROSSSLOT-style error; no keys -> any group.
//   kSplitByKey: one sub-request per key index k with argv[k, k + c->key_step) (MSET: key and value),
//     merged with c->policy.merge; when (argc - c->first_key) % c->key_step != 0 (MSET k v k2) reply the
//     arity error as Redis would. kAllGroups: every group's master, merged. kAnyGroup: any one group.
//   kSlotArgument: argv[1] is the slot. kProxyLocal: answered by the proxy. kRefused: "ERR command
//     '<name>' is not supported by codis-proxy: <reason>".
//   Read-only commands (kReadonly, not kWrite) without policy.master_only may be served by replicas.
//   Blocking commands (kBlocking) wait on a connection of the client's own. XREAD/XREADGROUP are
//   single-slot and block only with BLOCK, which the table cannot say: the proxy looks for BLOCK itself.
//
// COMMAND, COMMAND INFO/DOCS/LIST/COUNT and the fuzzers walk all_commands() and each one's subcommands;
// the key specs' keywords (STORE, STREAMS, KEYS...) are useful fuzzing vocabulary too.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "cmd/spec.h"

namespace codis::cmd {

// Longest command name in the table; longer names are unknown without hashing them.
inline constexpr size_t kMaxNameLength = 32;

// Case-insensitive lookup of a top-level command; nullptr when unknown. No allocation.
const CommandSpec* lookup(std::string_view name);

// Case-insensitive lookup of a subcommand of a container (CONFIG, CLIENT, OBJECT...); nullptr when
// `container` has no such subcommand.
const CommandSpec* lookup_subcommand(const CommandSpec& container, std::string_view name);

// Every top-level command, sorted by name (subcommands hang off their containers).
std::span<const CommandSpec> all_commands();

// The short name of a subcommand ("get" for "config|get"); the name itself for a command.
constexpr std::string_view short_name(const CommandSpec& spec) {
  const size_t bar = spec.name.find('|');
  return bar == std::string_view::npos ? spec.name : spec.name.substr(bar + 1);
}

}  // namespace codis::cmd
