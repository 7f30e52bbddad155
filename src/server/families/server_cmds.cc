// Connection and server commands: PING, ECHO, QUIT, AUTH, HELLO, RESET, CLIENT, CONFIG,
// TIME, LASTSAVE, INFO, SHUTDOWN, and transactions (MULTI, EXEC, DISCARD, WATCH, UNWATCH).
#include <algorithm>
#include <cstdint>

#include "cmd/table.h"
#include "server/client_memory.h"
#include "server/families/intro_util.h"
#include "server/families/util.h"
#include "server/glob.h"
#include "server/info.h"
#include "server/persist/persistence.h"

namespace codis::server {

namespace {

void cmd_ping(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.out.error("ERR wrong number of arguments for 'ping' command");
  } else if (ctx.client.protocol == 2 && ctx.client.subscriptions() > 0) {
    // A RESP2 subscriber can only read pushes, so PING answers in the same shape.
    ctx.out.array(2);
    ctx.out.bulk("pong");
    ctx.out.bulk(ctx.argc() == 2 ? ctx.arg(1) : std::string_view());
  } else if (ctx.argc() == 2) {
    ctx.out.bulk(ctx.arg(1));
  } else {
    ctx.out.simple("PONG");
  }
}

void cmd_echo(CommandContext& ctx) {
  ctx.out.bulk(ctx.arg(1));
}

void cmd_quit(CommandContext& ctx) {
  ctx.out.ok();
  ctx.client.close_after_reply = true;
}

bool check_password(CommandContext& ctx, std::string_view user, std::string_view pass) {
  const std::string& want = ctx.server.config().requirepass;
  if (want.empty()) {
    // Redis: the default user has no password ("nopass"), so any password is accepted.
    return user == "default";
  }
  return user == "default" && pass == want;
}

void cmd_auth(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.out.error(err::kSyntax);
    return;
  }
  if (ctx.argc() == 2 && ctx.server.config().requirepass.empty()) {
    ctx.out.error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your "
        "configuration is correct?");
    return;
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : "default";
  std::string_view pass = ctx.arg(ctx.argc() - 1);
  if (!check_password(ctx, user, pass)) {
    ctx.out.error("WRONGPASS invalid username-password pair or user is disabled.");
    return;
  }
  ctx.client.authenticated = true;
  ctx.out.ok();
}

constexpr std::string_view kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

bool valid_client_name(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') {
      return false;
    }
  }
  return true;
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void cmd_hello(CommandContext& ctx) {
  int64_t ver = 0;
  size_t i = 1;
  if (ctx.argc() >= 2) {
    if (!resp::parse_ll(ctx.arg(1), &ver)) {
      ctx.out.error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (ver < 2 || ver > 3) {
      ctx.out.error("NOPROTO unsupported protocol version");
      return;
    }
    i = 2;
  }
  std::string_view setname;
  bool have_name = false;
  for (; i < ctx.argc(); ++i) {
    bool more = i + 1 < ctx.argc();
    if (iequals(ctx.arg(i), "auth") && i + 2 < ctx.argc()) {
      if (!check_password(ctx, ctx.arg(i + 1), ctx.arg(i + 2))) {
        ctx.out.error("WRONGPASS invalid username-password pair or user is disabled.");
        return;
      }
      ctx.client.authenticated = true;
      i += 2;
    } else if (iequals(ctx.arg(i), "setname") && more) {
      setname = ctx.arg(i + 1);
      if (!valid_client_name(setname)) {
        ctx.out.error(kBadClientName);
        return;
      }
      have_name = true;
      ++i;
    } else {
      ctx.out.error("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) + "'");
      return;
    }
  }
  if (!ctx.client.authenticated) {
    ctx.out.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
        "protocol version at the same time");
    return;
  }
  if (have_name) {
    ctx.client.name = std::string(setname);
  }
  if (ver != 0) {
    ctx.client.protocol = static_cast<int>(ver);
    ctx.out.set_protocol(ctx.client.protocol);
  }
  ctx.out.map(7);
  ctx.out.bulk("server");
  ctx.out.bulk("redis");
  ctx.out.bulk("version");
  ctx.out.bulk(kRedisVersion);
  ctx.out.bulk("proto");
  ctx.out.integer(ctx.client.protocol);
  ctx.out.bulk("id");
  ctx.out.integer(static_cast<int64_t>(ctx.client.id));
  ctx.out.bulk("mode");
  ctx.out.bulk("standalone");
  ctx.out.bulk("role");
  ctx.out.bulk("master");
  ctx.out.bulk("modules");
  ctx.out.array(0);
}

void cmd_reset(CommandContext& ctx) {
  Client& c = ctx.client;
  c.in_multi = c.multi_dirty = c.watch_dirty = false;
  c.queued.clear();
  c.watched.clear();
  c.db = 0;
  c.protocol = 2;
  ctx.out.set_protocol(2);
  c.name.clear();
  c.authenticated = ctx.server.config().requirepass.empty();
  ctx.server.pubsub().drop(c);
  ctx.server.stop_monitoring(c);
  ctx.out.simple("RESET");
}

// ROLE of a standalone master without replicas.
void cmd_role(CommandContext& ctx) {
  ctx.out.array(3);
  ctx.out.bulk("master");
  ctx.out.integer(0);
  ctx.out.array(0);
}

// MONITOR: from now on the client receives a line for every command run (Server::feed_monitors). A second
// MONITOR is ignored without a reply, as Redis does for a client that is already a replica.
void cmd_monitor(CommandContext& ctx) {
  Client& c = ctx.client;
  if (c.in_exec) {
    ctx.out.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (c.monitor) {
    return;
  }
  ctx.server.start_monitoring(c);
  ctx.out.ok();
}

// CLIENT LIST's flags, in Redis's order: O monitor, P subscribed, x in MULTI, b blocked, d WATCH dirty;
// N for none.
std::string client_flags(const Client& c) {
  std::string f;
  if (c.monitor) f += 'O';
  if (c.subscriptions() > 0) f += 'P';
  if (c.in_multi) f += 'x';
  if (c.block.active) f += 'b';
  if (c.watch_dirty) f += 'd';
  return f.empty() ? "N" : f;
}

// CLIENT LIST's memory fields (client_memory.h); argv-mem is 0 between commands, oll 0 as replies are one
// buffer here.
std::string client_memory_fields(const Client& c) {
  const ClientMemory m = client_memory(c);
  return "qbuf=" + std::to_string(m.qbuf) + " qbuf-free=" + std::to_string(m.qbuf_free) +
         " argv-mem=0 multi-mem=" + std::to_string(m.multi) + " rbs=" + std::to_string(m.rbs) +
         " rbp=" + std::to_string(m.rbs) + " obl=" + std::to_string(m.obl) +
         " oll=0 omem=" + std::to_string(m.omem) + " tot-mem=" + std::to_string(m.total());
}

std::string client_line(const Client& c, rt::MonoTime now) {
  auto secs = [](rt::Duration d) {
    return std::to_string(std::chrono::duration_cast<rt::seconds>(d).count());
  };
  return "id=" + std::to_string(c.id) + " addr=" + c.peer.to_string() + " laddr=" + c.local.to_string() +
         " fd=8 name=" + c.name + " age=" + secs(now - c.created) +
         " idle=" + secs(now - c.last_interaction) + " flags=" + client_flags(c) +
         " db=" + std::to_string(c.db) + " sub=" + std::to_string(c.channels.size()) +
         " psub=" + std::to_string(c.patterns.size()) + " ssub=" + std::to_string(c.shard_channels.size()) +
         " multi=" + std::to_string(c.in_multi ? static_cast<int64_t>(c.queued.size()) : -1) + " " +
         client_memory_fields(c) +
         " events=r "
         "cmd=" +
         std::string(c.last_command) + " user=default redir=-1 resp=" + std::to_string(c.protocol) + "\n";
}

void cmd_client_id(CommandContext& ctx) {
  ctx.out.integer(static_cast<int64_t>(ctx.client.id));
}
void cmd_client_getname(CommandContext& ctx) {
  ctx.client.name.empty() ? ctx.out.null() : ctx.out.bulk(ctx.client.name);
}
void cmd_client_setname(CommandContext& ctx) {
  if (!valid_client_name(ctx.arg(2))) {
    ctx.out.error(kBadClientName);
    return;
  }
  ctx.client.name = std::string(ctx.arg(2));
  ctx.out.ok();
}
void cmd_client_list(CommandContext& ctx) {
  std::string s;
  auto now = ctx.server.env().clock.mono();
  for (const auto& [id, c] : ctx.server.clients()) {
    s += client_line(*c, now);
  }
  ctx.out.verbatim(s);
}
void cmd_client_info(CommandContext& ctx) {
  ctx.out.verbatim(client_line(ctx.client, ctx.server.env().clock.mono()));
}
// Ends another client's connection now, or this one after its reply.
void kill_client(CommandContext& ctx, Client& c) {
  if (&c == &ctx.client) {
    c.close_after_reply = true;
  } else {
    c.kill();
  }
}

// CLIENT KILL addr (the old form) | CLIENT KILL [ID id] [TYPE t] [ADDR a] [LADDR a] [USER u] [SKIPME yes/no]
// [MAXAGE s]
void cmd_client_kill(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    for (const auto& [id, c] : ctx.server.clients()) {
      if (c->peer.to_string() == ctx.arg(2)) {
        kill_client(ctx, *c);
        ctx.out.ok();
        return;
      }
    }
    ctx.out.error("ERR No such client");
    return;
  }
  uint64_t id = 0;
  std::string_view addr, laddr, type;
  bool skipme = true;
  int64_t maxage = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (i + 1 >= ctx.argc()) {
      ctx.out.error(err::kSyntax);
      return;
    }
    std::string_view opt = ctx.arg(i), v = ctx.arg(i + 1);
    if (iequals(opt, "id")) {
      int64_t n;
      if (!resp::parse_ll(v, &n) || n < 1) {
        ctx.out.error("ERR client-id should be greater than 0");
        return;
      }
      id = static_cast<uint64_t>(n);
    } else if (iequals(opt, "type")) {
      if (!iequals(v, "normal") && !iequals(v, "pubsub") && !iequals(v, "master") && !iequals(v, "slave") &&
          !iequals(v, "replica")) {
        ctx.out.error("ERR Unknown client type '" + std::string(v) + "'");
        return;
      }
      type = v;
    } else if (iequals(opt, "addr")) {
      addr = v;
    } else if (iequals(opt, "laddr")) {
      laddr = v;
    } else if (iequals(opt, "user")) {
      if (v != "default") {
        ctx.out.error("ERR No such user '" + std::string(v) + "'");
        return;
      }
    } else if (iequals(opt, "skipme")) {
      if (iequals(v, "yes")) {
        skipme = true;
      } else if (iequals(v, "no")) {
        skipme = false;
      } else {
        ctx.out.error(err::kSyntax);
        return;
      }
    } else if (iequals(opt, "maxage")) {
      if (!parse_int(ctx, v, &maxage)) {
        return;
      }
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  const rt::MonoTime now = ctx.server.env().clock.mono();
  std::vector<Client*> victims;
  for (const auto& [cid, c] : ctx.server.clients()) {
    if ((id != 0 && c->id != id) || (!addr.empty() && c->peer.to_string() != addr) ||
        (!laddr.empty() && c->local.to_string() != laddr) || (skipme && c == &ctx.client)) {
      continue;
    }
    if (!type.empty()) {
      const bool pubsub = c->subscriptions() > 0;
      if (iequals(type, "pubsub") ? !pubsub : (!iequals(type, "normal") || pubsub)) {
        continue;
      }
    }
    if (maxage > 0 && std::chrono::duration_cast<rt::seconds>(now - c->created).count() < maxage) {
      continue;
    }
    victims.push_back(c);
  }
  for (Client* c : victims) {
    kill_client(ctx, *c);
  }
  ctx.out.integer(static_cast<int64_t>(victims.size()));
}
// CLIENT PAUSE timeout [WRITE|ALL]
void cmd_client_pause(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    ctx.out.error("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.");
    return;
  }
  bool writes_only = false;
  if (ctx.argc() == 4) {
    if (iequals(ctx.arg(3), "write")) {
      writes_only = true;
    } else if (!iequals(ctx.arg(3), "all")) {
      ctx.out.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  int64_t ms = 0;
  if (!resp::parse_ll(ctx.arg(2), &ms)) {
    ctx.out.error("ERR timeout is not an integer or out of range");
    return;
  }
  if (ms < 0) {
    ctx.out.error("ERR timeout is negative");
    return;
  }
  if (ms > 0) {
    ctx.server.pause_clients(ms > INT64_MAX - ctx.now_ms ? INT64_MAX : ctx.now_ms + ms, writes_only);
  }
  ctx.out.ok();
}

void cmd_client_unpause(CommandContext& ctx) {
  ctx.server.unpause_clients();
  ctx.out.ok();
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: a client blocked on keys gets its timeout reply, or the UNBLOCKED
// error, now. A client waiting on a pause is not unblocked here (its command has not run yet).
void cmd_client_unblock(CommandContext& ctx) {
  bool error = false;
  if (ctx.argc() == 4) {
    if (iequals(ctx.arg(3), "error")) {
      error = true;
    } else if (!iequals(ctx.arg(3), "timeout")) {
      ctx.out.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  int64_t id;
  if (!resp::parse_ll(ctx.arg(2), &id)) {
    ctx.out.error(err::kNotInteger);
    return;
  }
  const auto& clients = ctx.server.clients();
  const auto it = clients.find(static_cast<uint64_t>(id));
  if (it == clients.end() || !it->second->block.active || it->second->block.ticket != 0) {
    ctx.out.integer(0);  // not blocked, or waiting for a migration's round trip (not interruptible)
    return;
  }
  Client& target = *it->second;
  resp::ReplyWriter w(&target.outbox, target.protocol);
  ctx.server.time_out(target, w, error);
  if (target.wakeup != nullptr) {
    target.wakeup->set();
  }
  ctx.out.integer(1);
}

// CLIENT REPLY ON|OFF|SKIP (Server::dispatch drops the replies).
void cmd_client_reply(CommandContext& ctx) {
  Client& c = ctx.client;
  if (iequals(ctx.arg(2), "on")) {
    c.reply_off = c.reply_skip = c.reply_skip_next = false;
    ctx.out.ok();
  } else if (iequals(ctx.arg(2), "off")) {
    c.reply_off = true;
  } else if (iequals(ctx.arg(2), "skip")) {
    c.reply_skip_next = !c.reply_off;
  } else {
    ctx.out.error(err::kSyntax);
  }
}

void cmd_client_help(CommandContext& ctx) {
  reply_help(ctx, {"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                   "CACHING (YES|NO)",
                   "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                   "GETREDIR",
                   "    Return the client ID we are redirecting to when tracking is enabled.",
                   "GETNAME",
                   "    Return the name of the current connection.",
                   "ID",
                   "    Return the ID of the current connection.",
                   "INFO",
                   "    Return information about the current client connection.",
                   "KILL <ip:port>",
                   "    Kill connection made from <ip:port>.",
                   "KILL <option> <value> [<option> <value> [...]]",
                   "    Kill connections. Options are:",
                   "    * ADDR (<ip:port>|<unixsocket>:0)",
                   "      Kill connections made from the specified address",
                   "    * LADDR (<ip:port>|<unixsocket>:0)",
                   "      Kill connections made to specified local address",
                   "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                   "      Kill connections by type.",
                   "    * USER <username>",
                   "      Kill connections authenticated by <username>.",
                   "    * SKIPME (YES|NO)",
                   "      Skip killing current connection (default: yes).",
                   "LIST [options ...]",
                   "    Return information about client connections. Options:",
                   "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                   "      Return clients of specified type.",
                   "UNPAUSE",
                   "    Stop the current client pause, resuming traffic.",
                   "PAUSE <timeout> [WRITE|ALL]",
                   "    Suspend all, or just write, clients for <timeout> milliseconds.",
                   "REPLY (ON|OFF|SKIP)",
                   "    Control the replies sent to the current connection.",
                   "SETNAME <name>",
                   "    Assign the name <name> to the current connection.",
                   "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                   "    Unblock the specified blocked client.",
                   "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                   "         [OPTIN] [OPTOUT] [NOLOOP]",
                   "    Control server assisted client side caching.",
                   "TRACKINGINFO",
                   "    Report tracking status for the current connection.",
                   "NO-EVICT (ON|OFF)",
                   "    Protect current client connection from eviction.",
                   "HELP",
                   "    Prints this help."});
}

void cmd_config_help(CommandContext& ctx) {
  reply_help(ctx, {"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GET <pattern>",
                   "    Return parameters matching the glob-like <pattern> and their values.",
                   "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                   "RESETSTAT", "    Reset statistics reported by the INFO command.", "REWRITE",
                   "    Rewrite the configuration file.", "HELP", "    Prints this help."});
}

void cmd_client_no_evict(CommandContext& ctx) {
  if (!iequals(ctx.arg(2), "on") && !iequals(ctx.arg(2), "off")) {
    ctx.out.error(err::kSyntax);
    return;
  }
  ctx.out.ok();
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

void cmd_config_get(CommandContext& ctx) {
  // Names are case-insensitive: "CONFIG GET maxmemory MAXMEMORY" answers once, spelled as first asked.
  std::vector<std::pair<std::string, std::string>> all;
  std::vector<std::string> seen;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    for (auto& kv : config_get(ctx.server.config(), ctx.arg(i))) {
      std::string l = lowercase(kv.first);
      if (std::find(seen.begin(), seen.end(), l) == seen.end()) {
        seen.push_back(std::move(l));
        all.push_back(std::move(kv));
      }
    }
  }
  ctx.out.map(all.size());
  for (const auto& [k, v] : all) {
    ctx.out.bulk(k);
    ctx.out.bulk(v);
  }
}

// CONFIG SET name value [name value ...]: all or nothing. As in Redis 7.0, names are checked first (an
// unknown name is reported before an immutable or repeated one), then values are applied in order.
void cmd_config_set(CommandContext& ctx) {
  if ((ctx.argc() - 2) % 2 != 0) {
    ctx.out.error("ERR wrong number of arguments for 'config|set' command");
    return;
  }
  std::string unknown, problem, problem_arg;
  std::vector<std::string> names;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    std::string_view name = ctx.arg(i);
    auto current = name.find_first_of("[*?") == std::string_view::npos
                       ? config_get(ctx.server.config(), name)
                       : std::vector<std::pair<std::string, std::string>>{};
    if (current.empty()) {
      if (unknown.empty()) {
        unknown = std::string(name);
      }
      continue;
    }
    Config scratch = ctx.server.config();
    std::string e = config_set(scratch, name, current[0].second);
    if (e.ends_with("can't set immutable config")) {
      problem = "can't set immutable config";
      problem_arg = std::string(name);
    }
    std::string l = lowercase(name);
    if (std::find(names.begin(), names.end(), l) != names.end()) {
      problem = "duplicate parameter";
      problem_arg = std::string(name);
    }
    names.push_back(std::move(l));
  }
  if (!unknown.empty()) {
    ctx.out.error("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'");
    return;
  }
  if (!problem.empty()) {
    ctx.out.error("ERR CONFIG SET failed (possibly related to argument '" + problem_arg + "') - " + problem);
    return;
  }
  Config next = ctx.server.config();
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    std::string e = config_set(next, ctx.arg(i), ctx.arg(i + 1));
    if (!e.empty()) {
      ctx.out.error(e);
      return;
    }
  }
  // Redis's updateMaxclients: a larger client limit needs a larger descriptor limit; refused (and the old
  // settings kept) when the system will not give one.
  if (next.maxclients > ctx.server.config().maxclients) {
    if (int64_t fits = ctx.server.fit_maxclients(next.maxclients); fits < next.maxclients) {
      ctx.out.error(
          "ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system "
          "is not able to handle the specified number of clients, try with " +
          std::to_string(fits));
      return;
    }
  }
  const bool idle_changed = next.io_idle_nap != ctx.server.config().io_idle_nap;
  ctx.server.config() = next;
  if (idle_changed) {
    ctx.server.apply_io_idle_nap();
  }
  ctx.out.ok();
}

void cmd_config_resetstat(CommandContext& ctx) {
  ctx.server.stats().reset();
  ctx.out.ok();
}

void cmd_time(CommandContext& ctx) {
  int64_t us =
      std::chrono::duration_cast<rt::microseconds>(ctx.server.env().clock.wall().time_since_epoch()).count();
  ctx.out.array(2);
  ctx.out.bulk_integer(us / 1000000);
  ctx.out.bulk_integer(us % 1000000);
}

void cmd_info(CommandContext& ctx) {
  std::vector<std::string_view> sections(ctx.argv.begin() + 1, ctx.argv.end());
  ctx.out.verbatim(render_info(ctx.server, sections));
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], with Redis 7.0's checks. As Redis's prepareForShutdown: a
// running BGSAVE is dropped, and the data is saved when `save` rules exist (or SAVE says so, and not
// NOSAVE); a failed save keeps the server up unless FORCE. Nothing waits for replicas (there are none), so a
// shutdown is never in progress for ABORT.
void cmd_shutdown(CommandContext& ctx) {
  // NOW (do not wait for replicas) changes nothing here; it is still checked against ABORT.
  bool nosave = false, save = false, now = false, force = false, abort = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const std::string_view a = ctx.arg(i);
    if (iequals(a, "nosave")) {
      nosave = true;
    } else if (iequals(a, "save")) {
      save = true;
    } else if (iequals(a, "now")) {
      now = true;
    } else if (iequals(a, "force")) {
      force = true;
    } else if (iequals(a, "abort")) {
      abort = true;
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    ctx.out.error(err::kSyntax);
    return;
  }
  if (abort) {
    ctx.out.error("ERR No shutdown in progress.");
    return;
  }
  Server& server = ctx.server;
  server.env().log.warning("User requested shutdown...");
  Persistence& p = server.persistence();
  if (p.in_progress()) {
    server.env().log.warning("There is a child saving an .rdb. Killing it!");
    p.abort();
  }
  if (nosave || (!save && server.config().save.empty())) {
    ctx.client.close_after_reply = true;
    server.shutdown();
    return;
  }
  if (ctx.client.in_exec) {
    // The save finishes later, and EXEC's reply cannot wait for it.
    ctx.out.error("ERR SHUTDOWN cannot save inside MULTI/EXEC; use SHUTDOWN NOSAVE or run it alone");
    return;
  }
  server.env().log.notice("Saving the final RDB snapshot before exiting.");
  const uint64_t id = ctx.client.id;
  const uint64_t ticket = server.suspend(ctx.client);
  auto saved = [&server, id, ticket, force](const SaveOutcome& out) {
    if (out.ok || force) {
      server.env().log.warning("Redis is now ready to exit, bye bye...");
      server.shutdown();
      return;
    }
    server.env().log.warning("Error trying to save the DB, can't exit.");
    server.finish(id, ticket,
                  [](resp::ReplyWriter& w) { w.error("ERR Errors trying to SHUTDOWN. Check logs."); });
  };
  if (const std::string error = p.start(Persistence::Kind::kForeground, saved); !error.empty()) {
    server.unblock(ctx.client);
    server.env().log.warning("Error trying to save the DB: " + error);
    if (force) {
      ctx.client.close_after_reply = true;
      server.shutdown();
      return;
    }
    ctx.out.error("ERR Errors trying to SHUTDOWN. Check logs.");
  }
}

// Transactions.
void cmd_multi(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.out.error("ERR MULTI calls can not be nested");
    return;
  }
  ctx.client.in_multi = true;
  ctx.client.multi_dirty = false;
  ctx.client.queued.clear();
  ctx.out.ok();
}

void end_multi(Client& c) {
  c.in_multi = c.multi_dirty = c.watch_dirty = false;
  c.queued.clear();
  c.watched.clear();
}

// Redis 7.0 fails EXEC when a watched key expired after WATCH (isWatchedKeyExpired). WATCH deletes keys
// already expired when it runs, so a watched key still stored but past its time expired in between.
// (A key the lazy or active expiry deleted meanwhile is not seen here: that deletion would have to touch
// the watchers, which is the keyspace's job.)
bool watched_key_expired(CommandContext& ctx) {
  for (const auto& [db, key] : ctx.client.watched) {
    const Db& d = ctx.server.db(db);
    const Entry* e = d.slot_table(cmd::slot_of(key)).find(key);
    if (e != nullptr && d.is_expired(*e, ctx.now_ms)) {
      return true;
    }
  }
  return false;
}

void cmd_exec(CommandContext& ctx) {
  Client& c = ctx.client;
  if (!c.in_multi) {
    ctx.out.error("ERR EXEC without MULTI");
    return;
  }
  if (c.multi_dirty) {
    end_multi(c);
    ctx.out.error("EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  if (c.watch_dirty || watched_key_expired(ctx)) {
    end_multi(c);
    ctx.out.null_array();
    return;
  }
  auto queued = std::move(c.queued);
  c.in_multi = false;
  c.queued.clear();
  ctx.out.array(queued.size());
  std::vector<std::string_view> argv;
  c.in_exec = true;  // blocking commands answer at once
  for (auto& q : queued) {
    argv.assign(q.argv.begin(), q.argv.end());
    ctx.server.execute(c, argv, ctx.out);
  }
  c.in_exec = false;
  end_multi(c);
}

void cmd_discard(CommandContext& ctx) {
  if (!ctx.client.in_multi) {
    ctx.out.error("ERR DISCARD without MULTI");
    return;
  }
  end_multi(ctx.client);
  ctx.out.ok();
}

void cmd_watch(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.out.error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.db().find(ctx.arg(i), ctx.now_ms);  // lazy expiry first: see watched_key_expired
    std::pair<int, std::string> w(ctx.client.db, std::string(ctx.arg(i)));
    if (std::find(ctx.client.watched.begin(), ctx.client.watched.end(), w) == ctx.client.watched.end()) {
      ctx.client.watched.push_back(std::move(w));
    }
  }
  ctx.server.watching(ctx.client);
  ctx.out.ok();
}

void cmd_unwatch(CommandContext& ctx) {
  ctx.client.watched.clear();
  ctx.client.watch_dirty = false;
  ctx.out.ok();
}

}  // namespace

void register_server_family(Registry& r) {
  r.add("ping", cmd_ping);
  r.add("echo", cmd_echo);
  r.add("quit", cmd_quit);
  r.add("auth", cmd_auth);
  r.add("hello", cmd_hello);
  r.add("reset", cmd_reset);
  r.add("monitor", cmd_monitor);
  r.add("role", cmd_role);
  r.add("client|id", cmd_client_id);
  r.add("client|getname", cmd_client_getname);
  r.add("client|setname", cmd_client_setname);
  r.add("client|list", cmd_client_list);
  r.add("client|info", cmd_client_info);
  r.add("client|kill", cmd_client_kill);
  r.add("client|no-evict", cmd_client_no_evict);
  r.add("client|unblock", cmd_client_unblock);
  r.add("client|reply", cmd_client_reply);
  r.add("client|help", cmd_client_help);
  r.add("config|help", cmd_config_help);
  r.add("client|pause", cmd_client_pause);
  r.add("client|unpause", cmd_client_unpause);
  r.add("config|get", cmd_config_get);
  r.add("config|set", cmd_config_set);
  r.add("config|resetstat", cmd_config_resetstat);
  r.add("time", cmd_time);
  r.add("info", cmd_info);
  r.add("shutdown", cmd_shutdown);
  r.add("multi", cmd_multi);
  r.add("exec", cmd_exec);
  r.add("discard", cmd_discard);
  r.add("watch", cmd_watch);
  r.add("unwatch", cmd_unwatch);
}

}  // namespace codis::server
