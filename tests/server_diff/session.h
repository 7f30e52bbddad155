// One server_diff run: resolves and starts the two servers, runs the tricky cases or the random streams,
// prints every mismatch with its history and repro line, and a summary. Shared by main.cc and the ctest.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "tests/server_diff/options.h"

namespace codis::diff {

struct SessionResult {
  bool setup_ok = false;  // both servers started (or were reachable)
  std::string setup_error;
  int streams_run = 0;
  int mismatches = 0;
  size_t exchanges = 0;      // commands sent to each server
  size_t checked = 0;        // replies compared
  size_t errors = 0;         // of which the reference answered with an error
  std::string first_report;  // the first mismatch, as printed
};

// `program` is how the repro line names this binary.
SessionResult run_session(const DiffOptions& options, const std::string& program, std::ostream& log);

}  // namespace codis::diff
