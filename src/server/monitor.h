// MONITOR: the line a monitoring client receives for every command the server runs, as Redis 7.0's
// replicationFeedMonitors writes it ("+<sec>.<usec> [<db> <peer>] "arg" ..."), credentials redacted.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace codis::server {

// Redis's sdscatrepr: s in double quotes, with \" \\ \n \r \t \a \b escaped and other bytes outside
// printable ASCII as \xhh.
void append_repr(std::string* out, std::string_view s);

// Whether argument i of this command shows as "(redacted)": AUTH's password (and username), HELLO's AUTH
// username and password, as far as the command got parsing them (Redis redacts while it parses).
bool redacted_argument(std::string_view command, std::span<const std::string_view> argv, size_t i);

// The whole status line, "\r\n" included. `command` is the command table's name for argv[0].
std::string monitor_line(int64_t unix_us, int db, std::string_view peer, std::string_view command,
                         std::span<const std::string_view> argv);

}  // namespace codis::server
