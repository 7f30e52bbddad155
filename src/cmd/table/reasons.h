// Why codis-proxy refuses a command: the texts the proxy shows after "command 'x' is not allowed".
//
// Codis's refusal list (pkg/proxy/mapper.go, codis.md 2.3) is kept where its reason still holds: MOVE,
// MIGRATE, RESTORE-ASKING, WAIT, server administration (BGSAVE, CONFIG, DEBUG, SLOWLOG, LATENCY,
// MONITOR, SHUTDOWN, replication...), Redis Cluster commands, SCRIPT KILL and the slot/migration commands.
// Where codis-cpp can do better, the table says so instead of refusing:
//  - KEYS, SCAN (a composite cursor walks the groups in turn) and RANDOMKEY are answered by the proxy over
//    every group; MULTI/EXEC/DISCARD/WATCH/UNWATCH run on one server when every key shares a slot;
//  - blocking pops are single-slot and wait on a connection of the client's own;
//  - pub/sub spans the cluster: a channel lives on the group of its slot (PUBLISH goes there, SUBSCRIBE
//    too), patterns are subscribed on every group;
//  - OBJECT, RENAME, RENAMENX, RESTORE, BITOP, MSETNX (and the newer COPY, LMOVE, LCS, ...) are
//    single-slot: the proxy checks that every key hashes to one slot, which Codis never checked;
//  - SCRIPT LOAD/EXISTS/FLUSH and FUNCTION LOAD/DELETE/FLUSH/RESTORE fan out to every group, so EVALSHA
//    and FCALL find their script wherever the keys live;
//  - DBSIZE sums and FLUSHALL/FLUSHDB fan out; TIME and LOLWUT go to any group;
//  - CLIENT ID/GETNAME/SETNAME/INFO/LIST/REPLY/NO-EVICT describe the client's session with the proxy;
//  - PING, ECHO, INFO and SLOTSHASHKEY are answered by the proxy (Codis forwarded PING and INFO to a
//    random backend, so PING failed whenever some slot was offline).
// And one that Codis forwarded is refused: ROLE (a random server's role means nothing to a client).
// SLOTSINFO, which Codis's proxy took as "SLOTSINFO <addr>", belongs to the servers.
#pragma once

#include <string_view>

namespace codis::cmd::table::reasons {

inline constexpr std::string_view kNoBlocking =
    "WAIT counts the replicas of one server, which means nothing for a client of the whole cluster";
inline constexpr std::string_view kServerAdmin =
    "server administration: send it to a server directly (or use codis-config)";
inline constexpr std::string_view kNotRedisCluster =
    "Redis Cluster command: codis-cpp is not a Redis Cluster";
inline constexpr std::string_view kDbZeroOnly = "the proxy serves database 0 only";
inline constexpr std::string_view kNoMigrate =
    "MIGRATE moves keys behind the cluster's back; move slots with codis-config instead";
inline constexpr std::string_view kOneServer =
    "it acts on one server's client connections, which the proxy does not expose";
inline constexpr std::string_view kOneServerScript =
    "it acts on a script running on one server; send it to that server directly";
inline constexpr std::string_view kSlotAdmin =
    "slot and migration command of codis-config and the dashboard; send it to a server directly";

}  // namespace codis::cmd::table::reasons
