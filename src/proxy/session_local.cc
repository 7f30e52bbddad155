// The commands codis-proxy answers itself, for the client's own session: PING, ECHO, QUIT, SELECT, AUTH,
// HELLO, CLIENT SETNAME/GETNAME/ID/INFO/LIST, SLOTSHASHKEY and INFO.
#include <cstdio>

#include "cmd/ascii.h"
#include "cmd/slot.h"
#include "cmd/slowlog.h"
#include "cmd/table.h"
#include "proxy/backend.h"
#include "proxy/proxy.h"
#include "proxy/session.h"
#include "resp/reply_writer.h"

namespace codis::proxy {

namespace {

constexpr std::string_view kRedisVersion = "7.0.15";  // what codis-server reports; the proxy speaks the same

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = cmd::ascii_lower(c);
  }
  return out;
}

}  // namespace

std::string Session::hello_reply() const {
  // server, version, proto, id, mode, role, modules: a map in RESP3, a flat array in RESP2.
  std::string r;
  resp::ReplyWriter w(&r, protocol_);
  w.map(7);
  w.bulk("server");
  w.bulk("redis");
  w.bulk("version");
  w.bulk(kRedisVersion);
  w.bulk("proto");
  w.integer(protocol_);
  w.bulk("id");
  w.integer(static_cast<int64_t>(id_));
  w.bulk("mode");
  w.bulk("standalone");
  w.bulk("role");
  w.bulk("master");
  w.bulk("modules");
  w.array(0);
  return r;
}

std::string Session::info(std::span<const std::string_view> argv) const {
  const StatsSnapshot st = proxy_.totals();
  const RoutingTable& t = proxy_.table();
  const int64_t uptime =
      std::chrono::duration_cast<std::chrono::seconds>(proxy_.env().clock.mono() - proxy_.started()).count();
  std::map<std::string, std::string> sections;
  sections["server"] =
      "# Server\r\nredis_version:" + std::string(kRedisVersion) +
      "\r\ncodis_proxy:codis-cpp\r\nredis_mode:proxy\r\nuptime_in_seconds:" + std::to_string(uptime) + "\r\n";
  sections["clients"] = "# Clients\r\nconnected_clients:" + std::to_string(st.sessions_open) + "\r\n";
  sections["stats"] =
      "# Stats\r\ntotal_connections_received:" + std::to_string(st.sessions_opened) +
      "\r\ntotal_commands_processed:" + std::to_string(st.commands) +
      "\r\ntotal_error_replies:" + std::to_string(st.errors) +
      "\r\nredirects_followed:" + std::to_string(st.redirects) +
      "\r\ntryagain_retries:" + std::to_string(st.retries) +
      "\r\nmigration_forwards:" + std::to_string(st.forwards) +
      "\r\nclient_output_buffer_limit_disconnections:" + std::to_string(st.output_limit_closes) + "\r\n";
  std::string cluster = "# Cluster\r\nrouting_epoch:" + std::to_string(t.epoch()) +
                        "\r\nslots_served:" + std::to_string(t.served_slots()) +
                        "\r\ngroups:" + std::to_string(t.groups().size()) + "\r\n";
  std::map<int, int> slots_per_group;
  for (uint32_t s = 0; s < cmd::kSlots; ++s) {
    ++slots_per_group[t.owner(s)];
  }
  for (const auto& [id, g] : t.groups()) {
    const std::string addr = g.master.to_string();
    auto b = proxy_.backends().find(addr);
    const std::string health = b == proxy_.backends().end() ? "idle"
                               : b->second->connected()     ? "up"
                               : b->second->down()          ? "down"
                                                            : "connecting";
    cluster += "group_" + std::to_string(id) + ":master=" + addr +
               ",slots=" + std::to_string(slots_per_group[id]) + ",backend=" + health + "\r\n";
  }
  sections["cluster"] = cluster;
  // As Redis 7.0 words them; latency is from the read that brought a command to the write of its reply.
  std::string cmdstats = "# Commandstats\r\n", latency = "# Latencystats\r\n";
  const auto& commands = CommandStats::commands();
  for (size_t i = 0; i < commands.size(); ++i) {
    const CommandTotals t = proxy_.command_totals(i);
    if (t.calls == 0) {
      continue;
    }
    const std::string n(commands[i]->name);  // "config|get" for a subcommand, as Redis names it
    char per_call[32];
    std::snprintf(per_call, sizeof per_call, "%.2f",
                  static_cast<double>(t.usec) / static_cast<double>(t.calls));
    cmdstats += "cmdstat_" + n + ":calls=" + std::to_string(t.calls) + ",usec=" + std::to_string(t.usec) +
                ",usec_per_call=" + per_call + ",rejected_calls=0,failed_calls=" + std::to_string(t.errors) +
                "\r\n";
    latency += "latency_percentiles_usec_" + n + ":p50=" + std::to_string(t.quantile_us(0.5)) +
               ".000,p99=" + std::to_string(t.quantile_us(0.99)) +
               ".000,p99.9=" + std::to_string(t.quantile_us(0.999)) + ".000\r\n";
  }
  sections["commandstats"] = cmdstats;
  sections["latencystats"] = latency;
  std::string out;
  const bool all = argv.size() < 2;
  for (const char* name : {"server", "clients", "stats", "cluster", "commandstats", "latencystats"}) {
    const bool extra = std::string_view(name) == "commandstats" || std::string_view(name) == "latencystats";
    bool wanted = all && !extra;  // as Redis: those two only when asked for (or "all", "everything")
    for (size_t i = 1; i < argv.size(); ++i) {
      const std::string a = lower(argv[i]);
      wanted = wanted || a == name || a == "all" || a == "everything" || (a == "default" && !extra);
    }
    if (wanted) {
      out += (out.empty() ? "" : "\r\n") + sections[name];
    }
  }
  if (protocol_ == 3) {
    return "=" + std::to_string(out.size() + 4) + "\r\ntxt:" + out + "\r\n";
  }
  return resp::bulk_reply(out);
}

bool Session::local(std::span<const std::string_view> argv, const cmd::CommandSpec& spec, Job& job) {
  auto reply = [&job](std::string r, bool close = false) {
    job.close_after = close;
    job.finish(std::move(r));
    return true;
  };
  const std::string_view name = spec.name;
  if (name == "ping") {
    // The table's arity (-1) lets PING a b through; Redis's handler refuses more than one argument.
    if (argv.size() > 2) {
      return reply(resp::error_reply("ERR wrong number of arguments for 'ping' command"));
    }
    return reply(argv.size() == 2 ? resp::bulk_reply(argv[1]) : "+PONG\r\n");
  }
  if (name == "echo") {
    return reply(resp::bulk_reply(argv[1]));
  }
  if (name == "quit") {
    return reply("+OK\r\n", true);
  }
  if (name == "select") {
    if (argv[1] != "0") {
      return reply(resp::error_reply("ERR invalid DB index, codis-proxy serves DB 0 only"));
    }
    return reply("+OK\r\n");
  }
  if (name == "auth") {
    if (argv.size() > 3) {
      return reply(resp::error_reply("ERR syntax error"));
    }
    if (proxy_.config().password.empty()) {
      return reply(resp::error_reply(
          "ERR AUTH <password> called without any password configured for the default user. "
          "Are you sure your configuration is correct?"));
    }
    if ((argv.size() == 3 && argv[1] != "default") || argv.back() != proxy_.config().password) {
      return reply(resp::error_reply("WRONGPASS invalid username-password pair or user is disabled."));
    }
    authenticated_ = true;
    return reply("+OK\r\n");
  }
  if (name == "hello") {
    int proto = protocol_;
    size_t i = 1;
    if (argv.size() >= 2) {
      const std::string_view v = argv[1];
      if (v != "2" && v != "3") {
        const bool number = !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos;
        return reply(resp::error_reply(number ? "NOPROTO unsupported protocol version"
                                              : "ERR Protocol version is not an integer or out of range"));
      }
      proto = v[0] - '0';
      i = 2;
    }
    std::string setname;
    bool auth_given = false;
    for (; i < argv.size(); ++i) {
      const std::string opt = lower(argv[i]);
      if (opt == "auth" && i + 2 < argv.size()) {
        if (proxy_.config().password.empty() || argv[i + 1] != "default" ||
            argv[i + 2] != proxy_.config().password) {
          return reply(resp::error_reply(
              proxy_.config().password.empty()
                  ? "ERR AUTH <password> called without any password configured for the default "
                    "user. Are you sure your configuration is correct?"
                  : "WRONGPASS invalid username-password pair or user is disabled."));
        }
        auth_given = true;
        i += 2;
      } else if (opt == "setname" && i + 1 < argv.size()) {
        setname = std::string(argv[++i]);
      } else {
        return reply(resp::error_reply("ERR Syntax error in HELLO option '" + std::string(argv[i]) + "'"));
      }
    }
    if (!authenticated_ && !auth_given) {
      return reply(resp::error_reply(
          "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
          "<proto> AUTH <user> <pass> option can be used to authenticate the client and select "
          "the RESP protocol version at the same time"));
    }
    authenticated_ = authenticated_ || auth_given;
    protocol_ = proto;
    if (!setname.empty()) {
      name_ = setname;
    }
    return reply(hello_reply());
  }
  if (name == "client|setname") {
    for (char ch : argv[2]) {
      if (ch < '!' || ch > '~') {
        return reply(
            resp::error_reply("ERR Client names cannot contain spaces, newlines or special characters."));
      }
    }
    name_ = std::string(argv[2]);
    return reply("+OK\r\n");
  }
  if (name == "client|getname") {
    std::string r;
    resp::ReplyWriter w(&r, protocol_);
    name_.empty() ? w.null() : w.bulk(name_);
    return reply(std::move(r));
  }
  if (name == "client|id") {
    return reply(":" + std::to_string(id_) + "\r\n");
  }
  if (name == "client|info" || name == "client|list") {
    // The proxy's view of this client (a list of only this one: sessions of other loops are not visible).
    const std::string line = "id=" + std::to_string(id_) + " addr=" + stream_->peer().to_string() +
                             " laddr=" + stream_->local().to_string() + " name=" + name_ +
                             " db=0 multi=" + (in_multi_ ? std::to_string(tx_.size()) : std::string("-1")) +
                             " watch=" + (watching_ ? "1" : "0") + " resp=" + std::to_string(protocol_) +
                             "\n";
    std::string r;
    resp::ReplyWriter(&r, protocol_).verbatim(line);
    return reply(std::move(r));
  }
  if (name == "slotshashkey") {
    std::string r = "*" + std::to_string(argv.size() - 1) + "\r\n";
    for (size_t k = 1; k < argv.size(); ++k) {
      r += ":" + std::to_string(cmd::slot_of(argv[k])) + "\r\n";
    }
    return reply(r);
  }
  if (name == "info") {
    return reply(info(argv));
  }
  if (name == "slowlog|get") {
    int64_t count = 10;
    if (argv.size() > 3) {
      return reply(resp::error_reply(
          "ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP."));
    }
    if (argv.size() == 3) {
      const auto n = cmd::parse_int64(argv[2]);
      if (!n || *n < -1) {
        return reply(resp::error_reply("ERR count should be greater than or equal to -1"));
      }
      count = *n;
    }
    return reply(proxy_.slowlog().get_reply(count, protocol_));
  }
  if (name == "slowlog|len") {
    return reply(":" + std::to_string(proxy_.slowlog().size()) + "\r\n");
  }
  if (name == "slowlog|reset") {
    proxy_.slowlog().reset();
    return reply("+OK\r\n");
  }
  if (name == "slowlog|help") {
    std::string r;
    resp::ReplyWriter w(&r, protocol_);
    const auto lines = cmd::slowlog_help_lines();
    w.array(lines.size());
    for (std::string_view l : lines) {
      w.simple(l);
    }
    return reply(std::move(r));
  }
  return false;
}

}  // namespace codis::proxy
