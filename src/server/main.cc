// codis-server: starts like redis-server: `codis-server [redis.conf] [--option value ...]`.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "rt/asio/fd_limit.h"
#include "rt/asio/runtime.h"
#include "server/info.h"
#include "server/server.h"

int main(int argc, char** argv) {
  std::string file_text;
  std::vector<std::string> args;
  int i = 1;
  if (argc > 1 && std::string(argv[1]) == "--version") {
    std::cout << "codis-server (codis-cpp), Redis " << codis::server::kRedisVersion << " compatible\n";
    return 0;
  }
  const char* config_path = nullptr;
  if (argc > 1 && std::string(argv[1]).rfind("--", 0) != 0) {
    config_path = argv[1];
    std::ifstream f(argv[1]);
    if (!f) {
      std::cerr << "Fatal error, can't open config file '" << argv[1] << "'\n";
      return 1;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    file_text = ss.str();
    i = 2;
  }
  for (; i < argc; ++i) {
    args.emplace_back(argv[i]);
  }
  auto [config, errors] = codis::server::load_config(file_text, args);
  if (!errors.empty()) {
    std::cerr << errors.front().message << "\n";
    return 1;
  }
  codis::rt::asio::AsioOptions o;
  o.log_file = config.logfile;
  o.reactor_reads = config.io_reactor_reads;
  o.log_level = config.loglevel == "debug"     ? codis::rt::LogLevel::kDebug
                : config.loglevel == "verbose" ? codis::rt::LogLevel::kVerbose
                : config.loglevel == "warning" ? codis::rt::LogLevel::kWarning
                                               : codis::rt::LogLevel::kNotice;
  codis::rt::asio::AsioRuntime rt(o);
  rt.stop_on_signals();
  // Process setup, as redis-server at start: room for maxclients descriptors plus a reserve, or fewer
  // clients.
  const codis::rt::asio::FdFit fit = codis::rt::asio::fit_open_files_limit(config.maxclients, rt.env().log);
  if (fit.too_low) {
    return 1;
  }
  config.maxclients = fit.maxclients;
  bool ok = true;
  std::string listen_error;
  bool failed = false;
  {
    codis::server::Server server(rt.env(), config, [&rt] { rt.stop(); });
    {
      codis::server::Server::ProcessFacts facts;
      facts.pid = static_cast<int64_t>(getpid());
      facts.total_system_memory =
          static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
      utsname u{};
      if (uname(&u) == 0) {
        facts.os = std::string(u.sysname) + " " + u.release + " " + u.machine;
      }
      std::error_code ec;
      facts.executable = std::filesystem::absolute(argv[0], ec).string();
      if (config_path != nullptr) {
        facts.config_file = std::filesystem::absolute(config_path, ec).string();
      }
      server.set_process_facts(std::move(facts));
    }
    server.set_maxclients_fitter([&rt](int64_t wanted) {
      return codis::rt::asio::fit_open_files_limit(wanted, rt.env().log).maxclients;
    });
    server.set_idle_control([&rt](std::string_view v) {
      using Mode = codis::rt::asio::IdlePolicy::Mode;
      rt.set_idle(v == "auto", v == "yes" ? Mode::kNap : Mode::kBlock);
    });
    server.apply_io_idle_nap();
    server.set_cpu_probe([] {
      rusage ru{};
      getrusage(RUSAGE_SELF, &ru);
      auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
      return std::pair<double, double>(secs(ru.ru_stime), secs(ru.ru_utime));
    });
    // The bound address goes to stdout whatever the port: it is how a supervisor (or a test restarting a
    // server on the port it had) learns the server is up, and with port 0 which port it got.
    ok = rt.run_task(server.run([](const codis::rt::Endpoint& at) {
      std::printf("codis-server listening on %s\n", at.to_string().c_str());
      std::fflush(stdout);
    }));
    listen_error = server.listen_error();
    failed = server.failed();
  }
  (void)ok;
  if (!listen_error.empty()) {
    // As redis-server: a port that cannot be bound ends the process with status 1. The log has the reason
    // too, but a log file is easy to miss when the process just ends.
    std::fprintf(stderr, "codis-server: could not listen on %s:%lld: %s\n", config.bind.c_str(),
                 static_cast<long long>(config.port), listen_error.c_str());
    return 1;
  }
  return failed ? 1 : 0;
}
