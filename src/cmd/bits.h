// Bit constants of a command record: command flags, ACL categories, command tips and key-spec flags, each in
// the order Redis 7.0 prints them, so a reply or a doc is the bits walked from low to high.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace codis::cmd {

// Command flags (Redis server.h CMD_*). Bits 0..19 are the ones COMMAND INFO prints, in its order
// (server.c addReplyCommandFlags); the last two exist in Redis but COMMAND hides them.
namespace flag {
inline constexpr uint32_t kWrite = 1u << 0;
inline constexpr uint32_t kReadonly = 1u << 1;
inline constexpr uint32_t kDenyOom = 1u << 2;
inline constexpr uint32_t kModule = 1u << 3;
inline constexpr uint32_t kAdmin = 1u << 4;
inline constexpr uint32_t kPubsub = 1u << 5;
inline constexpr uint32_t kNoscript = 1u << 6;
inline constexpr uint32_t kBlocking = 1u << 7;
inline constexpr uint32_t kLoading = 1u << 8;
inline constexpr uint32_t kStale = 1u << 9;
inline constexpr uint32_t kSkipMonitor = 1u << 10;
inline constexpr uint32_t kSkipSlowlog = 1u << 11;
inline constexpr uint32_t kAsking = 1u << 12;
inline constexpr uint32_t kFast = 1u << 13;
inline constexpr uint32_t kNoAuth = 1u << 14;
inline constexpr uint32_t kNoMandatoryKeys = 1u << 15;
inline constexpr uint32_t kNoAsyncLoading = 1u << 16;
inline constexpr uint32_t kNoMulti = 1u << 17;
inline constexpr uint32_t kMovableKeys = 1u << 18;  // derived from the key specs; never written in a row
inline constexpr uint32_t kAllowBusy = 1u << 19;
inline constexpr uint32_t kMayReplicate = 1u << 20;  // hidden by COMMAND
inline constexpr uint32_t kProtected = 1u << 21;     // hidden by COMMAND
inline constexpr int kCount = 22;
inline constexpr int kShownByCommand = 20;  // bits [0, kShownByCommand) appear in COMMAND INFO
inline constexpr std::array<std::string_view, kCount> kNames = {"write",
                                                                "readonly",
                                                                "denyoom",
                                                                "module",
                                                                "admin",
                                                                "pubsub",
                                                                "noscript",
                                                                "blocking",
                                                                "loading",
                                                                "stale",
                                                                "skip_monitor",
                                                                "skip_slowlog",
                                                                "asking",
                                                                "fast",
                                                                "no_auth",
                                                                "no_mandatory_keys",
                                                                "no_async_loading",
                                                                "no_multi",
                                                                "movablekeys",
                                                                "allow_busy",
                                                                "may_replicate",
                                                                "protected"};
}  // namespace flag

// ACL categories, in Redis's ACLCommandCategories order (the order COMMAND INFO prints them).
namespace acl {
inline constexpr uint32_t kKeyspace = 1u << 0;
inline constexpr uint32_t kRead = 1u << 1;
inline constexpr uint32_t kWrite = 1u << 2;
inline constexpr uint32_t kSet = 1u << 3;
inline constexpr uint32_t kSortedSet = 1u << 4;
inline constexpr uint32_t kList = 1u << 5;
inline constexpr uint32_t kHash = 1u << 6;
inline constexpr uint32_t kString = 1u << 7;
inline constexpr uint32_t kBitmap = 1u << 8;
inline constexpr uint32_t kHyperLogLog = 1u << 9;
inline constexpr uint32_t kGeo = 1u << 10;
inline constexpr uint32_t kStream = 1u << 11;
inline constexpr uint32_t kPubsub = 1u << 12;
inline constexpr uint32_t kAdmin = 1u << 13;
inline constexpr uint32_t kFast = 1u << 14;
inline constexpr uint32_t kSlow = 1u << 15;
inline constexpr uint32_t kBlocking = 1u << 16;
inline constexpr uint32_t kDangerous = 1u << 17;
inline constexpr uint32_t kConnection = 1u << 18;
inline constexpr uint32_t kTransaction = 1u << 19;
inline constexpr uint32_t kScripting = 1u << 20;
inline constexpr int kCount = 21;
inline constexpr std::array<std::string_view, kCount> kNames = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};
}  // namespace acl

// Command tips (Redis 7.0 "command_tips"): hints for clients and proxies about fan-out and replies.
namespace tip {
inline constexpr uint32_t kNondeterministicOutput = 1u << 0;
inline constexpr uint32_t kNondeterministicOutputOrder = 1u << 1;
inline constexpr uint32_t kRequestAllNodes = 1u << 2;
inline constexpr uint32_t kRequestAllShards = 1u << 3;
inline constexpr uint32_t kRequestMultiShard = 1u << 4;
inline constexpr uint32_t kRequestSpecial = 1u << 5;
inline constexpr uint32_t kResponseOneSucceeded = 1u << 6;
inline constexpr uint32_t kResponseAllSucceeded = 1u << 7;
inline constexpr uint32_t kResponseAggLogicalAnd = 1u << 8;
inline constexpr uint32_t kResponseAggLogicalOr = 1u << 9;
inline constexpr uint32_t kResponseAggMin = 1u << 10;
inline constexpr uint32_t kResponseAggMax = 1u << 11;
inline constexpr uint32_t kResponseAggSum = 1u << 12;
inline constexpr uint32_t kResponseSpecial = 1u << 13;
inline constexpr int kCount = 14;
inline constexpr std::array<std::string_view, kCount> kNames = {
    "nondeterministic_output",        "nondeterministic_output_order", "request_policy:all_nodes",
    "request_policy:all_shards",      "request_policy:multi_shard",    "request_policy:special",
    "response_policy:one_succeeded",  "response_policy:all_succeeded", "response_policy:agg_logical_and",
    "response_policy:agg_logical_or", "response_policy:agg_min",       "response_policy:agg_max",
    "response_policy:agg_sum",        "response_policy:special"};
}  // namespace tip

// Key-spec flags (Redis CMD_KEY_*), in the order COMMAND INFO prints them: how a command uses a key.
namespace kf {
inline constexpr uint16_t kRO = 1u << 0;              // read only
inline constexpr uint16_t kRW = 1u << 1;              // read and modify
inline constexpr uint16_t kOW = 1u << 2;              // overwrite without reading
inline constexpr uint16_t kRM = 1u << 3;              // remove
inline constexpr uint16_t kAccess = 1u << 4;          // returns or copies user data
inline constexpr uint16_t kUpdate = 1u << 5;          // updates data in place
inline constexpr uint16_t kInsert = 1u << 6;          // only adds data
inline constexpr uint16_t kDelete = 1u << 7;          // only deletes data
inline constexpr uint16_t kNotKey = 1u << 8;          // not a key (a shard channel), skipped unless asked for
inline constexpr uint16_t kIncomplete = 1u << 9;      // the spec may miss keys: a key function decides
inline constexpr uint16_t kVariableFlags = 1u << 10;  // flags depend on arguments: a key function decides
inline constexpr int kCount = 11;
inline constexpr std::array<std::string_view, kCount> kNames = {
    "RO",     "RW",     "OW",      "RM",         "access",        "update",
    "insert", "delete", "not_key", "incomplete", "variable_flags"};
}  // namespace kf

}  // namespace codis::cmd
