// codis-proxy: `codis-proxy --slots routing.json [--listen 127.0.0.1:19000] [--threads N] ...`.
// One event loop per thread, each with its own Proxy listening on the same port (SO_REUSEPORT).
#include <unistd.h>

#include <csignal>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include <cxxopts.hpp>

#include "http/server.h"
#include "proxy/admin.h"
#include "proxy/config_file.h"
#include "proxy/proxy.h"
#include "rt/asio/fd_limit.h"
#include "rt/asio/runtime.h"
#include "rt/scope.h"

namespace {

int fail(const std::string& message) {
  std::cerr << "codis-proxy: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options options("codis-proxy", "codis-cpp's proxy: many codis-servers look like one Redis");
  // clang-format off
  options.add_options()
      ("listen", "address clients connect to (port 0: any free port, printed)",
       cxxopts::value<std::string>()->default_value("127.0.0.1:19000"))
      ("slots", "routing file (JSON: epoch, groups, slots)", cxxopts::value<std::string>())
      ("threads", "event loops (0: one per core)", cxxopts::value<size_t>()->default_value("0"))
      ("password", "password clients must AUTH with", cxxopts::value<std::string>()->default_value(""))
      ("backend-password", "password the proxy AUTHs to servers with",
       cxxopts::value<std::string>()->default_value(""))
      ("redirect-timeout-ms", "how long MOVED/ASK/TRYAGAIN are followed before the client gets the error",
       cxxopts::value<int64_t>()->default_value("5000"))
      ("max-pipeline", "commands per client awaiting their reply before the proxy stops reading it",
       cxxopts::value<size_t>()->default_value("65536"))
      ("max-pipeline-bytes", "request bytes per client awaiting their reply before the proxy stops reading it",
       cxxopts::value<size_t>()->default_value("67108864"))
      ("timeout", "close clients idle this many seconds (0: never)", cxxopts::value<int64_t>()->default_value("0"))
      ("maxclients", "most clients at once", cxxopts::value<int64_t>()->default_value("10000"))
      ("loglevel", "debug, verbose, notice or warning", cxxopts::value<std::string>()->default_value("notice"))
      ("logfile", "log file (empty: stderr)", cxxopts::value<std::string>()->default_value(""))
      ("admin", "admin HTTP address: status, routing table, /metrics (empty: none)",
       cxxopts::value<std::string>()->default_value("127.0.0.1:11080"))
      ("admin-token", "bearer token the admin port's PUT and POST need (empty: none)",
       cxxopts::value<std::string>()->default_value(""))
      ("read-replicas", "send reads to the replicas of a slot's group (never for a slot being migrated)",
       cxxopts::value<bool>()->default_value("false"))
      ("slowlog-log-slower-than", "log commands whose reply took this many microseconds (-1: none, 0: all)",
       cxxopts::value<int64_t>()->default_value("10000"))
      ("client-output-buffer-limit-pubsub",
       "'hard soft seconds': a subscriber whose unread messages reach hard bytes, or stay over soft bytes for "
       "that long, is disconnected (0: no limit)", cxxopts::value<std::string>()->default_value("32mb 8mb 60"))
      ("slowlog-max-len", "entries the slow log keeps", cxxopts::value<int64_t>()->default_value("128"))
      ("config", "configuration file: one 'option value' per line, as on the command line without '--'; "
       "the command line wins", cxxopts::value<std::string>())
      ("version", "print the version")
      ("h,help", "this help");
  // clang-format on
  // A configuration file's options go first, so that the command line overrides them.
  std::vector<std::string> args_text = {argv[0]};
  if (const std::string path = codis::proxy::config_file_path(argc, argv); !path.empty()) {
    std::ifstream cf(path);
    if (!cf) {
      return fail("cannot open the configuration file '" + path + "'");
    }
    std::stringstream ct;
    ct << cf.rdbuf();
    std::vector<std::string> flags;
    for (const auto& o : options.group_help("").options) {
      if (o.is_boolean) {
        flags.push_back(o.l.empty() ? o.s : o.l.front());
      }
    }
    codis::proxy::ConfigFileError err;
    auto from_file = codis::proxy::config_file_args(ct.str(), flags, &err);
    if (!err.message.empty()) {
      return fail(path + ": " + err.message);
    }
    args_text.insert(args_text.end(), from_file.begin(), from_file.end());
  }
  for (int i = 1; i < argc; ++i) {
    args_text.emplace_back(argv[i]);
  }
  std::vector<const char*> args;
  for (const auto& a : args_text) {
    args.push_back(a.c_str());
  }
  cxxopts::ParseResult opts;
  try {
    opts = options.parse(static_cast<int>(args.size()), args.data());
  } catch (const cxxopts::exceptions::exception& e) {
    return fail(std::string(e.what()) + " (see --help)");
  }
  if (opts.count("help") != 0) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (opts.count("version") != 0) {
    std::cout << "codis-proxy (codis-cpp)\n";
    return 0;
  }
  if (opts.count("slots") == 0) {
    return fail("--slots FILE is required (the routing table; see docs/proxy.md)");
  }
  const std::string slots_path = opts["slots"].as<std::string>();
  std::ifstream f(slots_path);
  if (!f) {
    return fail("cannot open the routing file '" + slots_path + "'");
  }
  std::stringstream text;
  text << f.rdbuf();
  auto parsed = codis::proxy::RoutingTable::parse(text.str());
  if (auto* e = std::get_if<codis::proxy::RoutingTable::ParseError>(&parsed)) {
    return fail(slots_path + ": " + e->message);
  }
  auto table = std::get<0>(parsed);
  auto listen_at = codis::rt::Endpoint::parse(opts["listen"].as<std::string>());
  if (!listen_at.ok()) {
    return fail("--listen must be host:port");
  }

  codis::proxy::ProxyConfig config;
  config.password = opts["password"].as<std::string>();
  config.backend_password = opts["backend-password"].as<std::string>();
  config.redirect_timeout =
      std::chrono::milliseconds(std::max<int64_t>(0, opts["redirect-timeout-ms"].as<int64_t>()));
  config.max_pipeline = std::max<size_t>(1, opts["max-pipeline"].as<size_t>());
  config.max_pipeline_bytes = std::max<size_t>(1, opts["max-pipeline-bytes"].as<size_t>());
  config.idle_timeout_s = std::max<int64_t>(0, opts["timeout"].as<int64_t>());
  config.read_replicas = opts["read-replicas"].as<bool>();
  codis::proxy::OutputLimit pubsub_limit;
  if (!codis::proxy::parse_output_limit(opts["client-output-buffer-limit-pubsub"].as<std::string>(),
                                        &pubsub_limit)) {
    return fail("--client-output-buffer-limit-pubsub must be 'hard soft seconds', e.g. '32mb 8mb 60'");
  }
  config.pubsub_hard_limit = pubsub_limit.hard;
  config.pubsub_soft_limit = pubsub_limit.soft;
  config.pubsub_soft_time = std::chrono::seconds(pubsub_limit.soft_seconds);
  config.slowlog = std::make_shared<codis::proxy::SharedSlowLog>(
      opts["slowlog-log-slower-than"].as<int64_t>(), opts["slowlog-max-len"].as<int64_t>());

  codis::rt::asio::AsioOptions o;
  size_t threads = opts["threads"].as<size_t>();
  o.loops = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  o.log_file = opts["logfile"].as<std::string>();
  const std::string level = opts["loglevel"].as<std::string>();
  o.log_level = level == "debug"     ? codis::rt::LogLevel::kDebug
                : level == "verbose" ? codis::rt::LogLevel::kVerbose
                : level == "warning" ? codis::rt::LogLevel::kWarning
                                     : codis::rt::LogLevel::kNotice;
  codis::rt::asio::AsioRuntime rt(o);
  rt.stop_on_signals();
  const auto fit = codis::rt::asio::fit_open_files_limit(opts["maxclients"].as<int64_t>(), rt.env().log);
  if (fit.too_low) {
    return 1;
  }
  // Every loop's share of the clients (the kernel spreads connections about evenly).
  config.maxclients =
      static_cast<size_t>(std::max<int64_t>(1, fit.maxclients / static_cast<int64_t>(o.loops)));

  std::vector<std::unique_ptr<codis::proxy::Proxy>> proxies;
  std::vector<std::unique_ptr<codis::rt::Scope>> scopes;
  codis::rt::Endpoint at = *listen_at;
  for (size_t i = 0; i < rt.loops(); ++i) {
    auto l = rt.env(i).net.listen_shared(at);
    if (!l.ok()) {
      return fail("cannot listen on " + at.to_string() + ": " + std::string(codis::rt::errc_name(l.error())));
    }
    at = (*l)->local();  // port 0: every later loop shares the port the first one got
    proxies.push_back(std::make_unique<codis::proxy::Proxy>(rt.env(i), config, table));
    scopes.push_back(std::make_unique<codis::rt::Scope>(rt.env(i).exec));
    scopes.back()->spawn(proxies.back()->serve(std::move(*l)));
  }
  std::vector<const codis::proxy::Proxy*> peers;
  for (const auto& p : proxies) {
    peers.push_back(p.get());
  }
  for (size_t i = 0; i < proxies.size(); ++i) {
    proxies[i]->set_peers(peers, i);
  }
  rt.env().log.notice("codis-proxy listening on " + at.to_string() + " with " + std::to_string(rt.loops()) +
                      " loops, " + std::to_string(table->served_slots()) + " slots served by " +
                      std::to_string(table->groups().size()) + " groups (epoch " +
                      std::to_string(table->epoch()) + ")");
  // A new table for every loop (each takes it on its own thread).
  auto apply = [&rt, &proxies](std::shared_ptr<const codis::proxy::RoutingTable> t) {
    for (size_t i = 0; i < proxies.size(); ++i) {
      rt.post(i, [p = proxies[i].get(), t] { p->set_table(t); });
    }
  };
  auto set_table = [&rt, &apply](std::string_view text, const std::string& from) -> std::string {
    auto next = codis::proxy::RoutingTable::parse(text);
    if (auto* e = std::get_if<codis::proxy::RoutingTable::ParseError>(&next)) {
      rt.env().log.warning(from + " not applied, the old table stays: " + e->message);
      return e->message;
    }
    auto t = std::get<0>(next);
    rt.env().log.notice(from + " applied: epoch " + std::to_string(t->epoch()) + ", " +
                        std::to_string(t->served_slots()) + " slots served by " +
                        std::to_string(t->groups().size()) + " groups");
    apply(t);
    return "";
  };
  auto reload = [&set_table, slots_path]() -> std::string {
    std::ifstream in(slots_path);
    if (!in) {
      return "cannot open the routing file '" + slots_path + "'";
    }
    std::stringstream txt;
    txt << in.rdbuf();
    return set_table(txt.str(), "the routing file " + slots_path);
  };
  // SIGHUP: read the routing file again (a bad file keeps the old table).
  rt.on_signal(SIGHUP, [reload] { (void)reload(); });

  // The admin port, served by loop 0.
  codis::http::Router admin_router;
  codis::rt::ListenerPtr admin_listener;
  const std::string admin_at = opts["admin"].as<std::string>();
  if (!admin_at.empty()) {
    auto a = codis::rt::Endpoint::parse(admin_at);
    if (!a.ok()) {
      return fail("--admin must be host:port");
    }
    auto l = rt.env(0).net.listen(*a);
    if (!l.ok()) {
      return fail("cannot listen on " + admin_at +
                  " (--admin): " + std::string(codis::rt::errc_name(l.error())));
    }
    admin_listener = std::move(*l);
    codis::proxy::AdminHooks hooks;
    hooks.reload = reload;
    hooks.set_table = [&set_table](std::string_view json) { return set_table(json, "PUT /api/v1/slots"); };
    hooks.token = opts["admin-token"].as<std::string>();
    hooks.loops = proxies.size();
    codis::proxy::add_admin_routes(admin_router, *proxies[0], std::move(hooks));
    scopes[0]->spawn(codis::http::serve(rt.env(0), *admin_listener, admin_router));
    std::printf("codis-proxy admin on %s\n", admin_listener->local().to_string().c_str());
  }
  std::printf("codis-proxy listening on %s\n", at.to_string().c_str());
  std::fflush(stdout);
  rt.run();
  scopes.clear();
  admin_listener.reset();
  proxies.clear();
  return 0;
}
