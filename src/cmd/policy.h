// How codis-proxy treats a command: where it goes (one slot, split per key, every group, any group, the
// proxy itself, or nowhere) and how split or fanned-out replies are merged back into one.
#pragma once

#include <cstdint>
#include <string_view>

namespace codis::cmd {

enum class Route : uint8_t {
  // Every key (extract_keys) must hash to one slot; the request goes to that slot's owner. The proxy
  // answers a cross-slot request with an error instead of sending it (Codis sent it by the first key and
  // hoped). No keys at all (EVAL with numkeys 0, a malformed command) means any group: the server then
  // runs it or replies the exact Redis error.
  kSingleSlot,
  // One sub-request per key, each carrying the key and the key_step - 1 arguments after it (MSET's value);
  // the sub-replies are merged with `merge`. The proxy may batch keys of one slot into one sub-request.
  kSplitByKey,
  // The same request to the master of every group; the replies are merged with `merge`.
  kAllGroups,
  // Keyless and harmless anywhere (TIME, LOLWUT, HELP subcommands, unknown subcommands): any one group.
  kAnyGroup,
  // argv[1] is a slot number (SLOTSSCAN): the request goes to that slot's owner.
  kSlotArgument,
  // Answered by the proxy itself (PING, ECHO, SELECT, AUTH, HELLO, COMMAND, CLIENT SETNAME, ...).
  kProxyLocal,
  // Never sent; the proxy replies an error naming the command and `reason`.
  kRefused,
};

enum class Merge : uint8_t {
  kNone,       // single reply, nothing to merge
  kConcat,     // arrays concatenated in key order (MGET)
  kAllOk,      // +OK when every part replied +OK, else the first error (MSET, FLUSHALL)
  kSum,        // integer sum (DEL, UNLINK, EXISTS, TOUCH, DBSIZE)
  kAllEqual,   // every part must reply the same; that reply (SCRIPT LOAD's sha, FUNCTION LOAD's name)
  kAndArrays,  // element-wise logical AND of integer arrays (SCRIPT EXISTS)
};

struct Policy {
  Route route = Route::kSingleSlot;
  Merge merge = Merge::kNone;
  // Reads that a replica must not serve because a cursor or answer is specific to one instance (SCAN
  // family, SLOTSSCAN); other read-only commands may go to replicas when the proxy is configured so.
  bool master_only = false;
  std::string_view reason{};  // kRefused only: why, shown to the client
};

}  // namespace codis::cmd
