// server_diff: the differential test's command line (usage in options.cc). Exit status: 0 no mismatch,
// 1 mismatches, 2 bad options or servers that would not start.
#include <iostream>

#include "tests/server_diff/compare_mode.h"
#include "tests/server_diff/options.h"
#include "tests/server_diff/process_guard.h"
#include "tests/server_diff/rng.h"
#include "tests/server_diff/session.h"
#include "tests/server_diff/stream.h"
#include "tests/server_diff/tricky.h"

namespace {

void print_lists() {
  using namespace codis::diff;
  std::cout << "families:";
  for (auto f : family_names()) std::cout << " " << f;
  std::cout
      << "\n\ncomparison modes (first matching row wins; everything else is exact, EXEC element-wise):\n";
  for (const ModeRule& r : mode_table()) {
    std::cout << "  " << r.command << (r.when_arg.empty() ? "" : " ... " + std::string(r.when_arg))
              << (r.when == nullptr ? "" : " (conditional)") << ": " << mode_name(r.mode);
    if (r.param != 0) std::cout << " " << r.param;
    std::cout << "  (" << r.reason << ")\n";
  }
  std::cout << "\ntricky cases:";
  for (const TrickyCase& t : tricky_cases()) std::cout << " " << t.name;
  std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace codis::diff;
  DiffOptions options;
  std::string error;
  if (!parse_options(argc, argv, options, error)) {
    std::cerr << "server_diff: " << error << "\n\n" << usage();
    return 2;
  }
  if (options.help) {
    std::cout << usage();
    return 0;
  }
  if (options.list) {
    print_lists();
    return 0;
  }
  if (options.print) {
    const uint64_t first = options.only_stream >= 0 ? static_cast<uint64_t>(options.only_stream) : 0;
    const uint64_t last = options.only_stream >= 0 ? first + 1 : static_cast<uint64_t>(options.streams);
    for (uint64_t k = first; k < last; ++k) {
      std::cout << "# stream " << k << "\n";
      for (const Command& c : generate_stream(stream_seed(options.seed, k),
                                              {options.families, options.commands, options.invalid_percent,
                                               options.exclude, options.proxy})) {
        std::string line;
        for (const std::string& a : c.argv) line += (line.empty() ? "" : " ") + quote_arg(a);
        std::cout << line << "\n";
      }
    }
    return 0;
  }
  install_kill_handlers();
  arm_watchdog(options.timeout);
  const SessionResult result = run_session(options, argv[0], std::cout);
  if (!result.setup_ok) {
    std::cerr << "server_diff: " << result.setup_error << "\n";
    return 2;
  }
  return result.mismatches == 0 ? 0 : 1;
}
