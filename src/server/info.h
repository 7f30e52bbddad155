// INFO: the sections Redis tools read (server, clients, memory, persistence, stats, replication, cpu,
// commandstats, keyspace), in Redis's "# Section\r\nfield:value\r\n" format.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace codis::server {

class Server;

// The Redis version codis-server reports, for clients that branch on it.
inline constexpr std::string_view kRedisVersion = "7.0.15";

std::string render_info(Server& s, std::span<const std::string_view> sections);

}  // namespace codis::server
