// Running a whole server_diff session (see session.h).
#include "tests/server_diff/session.h"

#include <chrono>

#include "tests/server_diff/proxy_filter.h"
#include "tests/server_diff/proxy_stack.h"
#include "tests/server_diff/rng.h"
#include "tests/server_diff/runner.h"
#include "tests/server_diff/server_process.h"
#include "tests/server_diff/stream.h"
#include "tests/server_diff/tricky.h"

namespace codis::diff {
namespace {

int protocol_for(const DiffOptions& o, uint64_t seed) {
  if (o.protocol == "2") return 2;
  if (o.protocol == "3") return 3;
  Rng r(seed ^ 0x5e55107ULL);
  return r.chance(25) ? 3 : 2;
}

// After a broken connection: say whether a server died, with its last output.
void explain_transport_failure(const std::vector<ServerProcess*>& processes, std::ostream& log) {
  for (ServerProcess* p : processes) {
    std::string status;
    if (p->pid() > 0 && p->alive(&status)) {
      log << "  " << p->describe() << " is still running (a reply timed out or the connection was closed)\n";
    } else if (!status.empty()) {
      log << "  " << p->label() << " exited: " << status << "\n" << p->output_tail(3000) << "\n";
    }
  }
}

}  // namespace

SessionResult run_session(const DiffOptions& o, const std::string& program, std::ostream& log) {
  SessionResult result;
  ServerSpec ref_spec{"reference", o.reference.empty() ? default_reference() : o.reference, o.reference_args,
                      o.reference_addr};
  if (ref_spec.path.empty() && ref_spec.address.empty()) {
    result.setup_error = "no redis-server found (install Debian's redis-server or pass --reference)";
    return result;
  }
  std::string note;
  ServerSpec sub_spec{"subject", o.subject.empty() ? default_subject(ref_spec.path, note) : o.subject,
                      o.subject_args, o.subject_addr};
  if (!o.subject_addr.empty()) note.clear();
  ServerProcess ref, sub;
  ProxyStack stack;
  std::string error;
  const std::string proxy_path = o.proxy_path.empty() ? default_proxy() : o.proxy_path;
  if (o.proxy && proxy_path.empty()) {
    result.setup_error = "--proxy: no codis-proxy found (build it, set CODIS_PROXY or pass --proxy=PATH)";
    return result;
  }
  if (!ref.start(ref_spec, error) ||
      !(o.proxy ? stack.start(sub_spec.path, o.subject_args, proxy_path, o.proxy_groups, error)
                : sub.start(sub_spec, error))) {
    result.setup_error = error;
    return result;
  }
  result.setup_ok = true;
  log << "reference: " << ref.describe() << "\nsubject:   " << (o.proxy ? stack.describe() : sub.describe())
      << "\n";
  if (!note.empty()) log << "note: " << note << "\n";
  ServerProcess& front = o.proxy ? stack.proxy() : sub;
  Runner runner({ref.host(), ref.port()}, {front.host(), front.port()}, static_cast<size_t>(o.pipeline));
  std::vector<ServerProcess*> processes = {&ref, &sub};
  if (o.proxy) {
    runner.set_subject_servers(stack.backends());
    processes = stack.processes();
    processes.insert(processes.begin(), &ref);
  }
  const auto started = std::chrono::steady_clock::now();

  auto report = [&](const std::string& header, const StreamOutcome& outcome, const std::string& repro) {
    std::string text = "=== " + header + "\n" + outcome.report + "repro: " + repro + "\n";
    log << text;
    if (result.first_report.empty()) result.first_report = text;
    if (outcome.transport_failure) explain_transport_failure(processes, log);
  };

  if (o.tricky) {
    for (const TrickyCase& t : tricky_cases()) {
      if (!o.tricky_name.empty() && t.name != o.tricky_name) continue;
      std::vector<Command> stream;
      ProxyFilter filter;
      for (std::string_view line : t.lines) {
        Command c{split_args(line).value_or(std::vector<std::string>{})};
        if (!o.proxy || filter.keep(c.argv)) stream.push_back(std::move(c));
      }
      for (int protocol : {2, 3}) {
        const StreamOutcome outcome = runner.run(stream, protocol);
        result.streams_run++;
        result.exchanges += outcome.exchanges;
        result.checked += outcome.checked;
        result.errors += outcome.errors;
        if (outcome.ok) continue;
        result.mismatches++;
        report("MISMATCH in tricky case " + std::string(t.name) + " (RESP" + std::to_string(protocol) + ")",
               outcome,
               program + " --tricky=" + std::string(t.name) +
                   (o.subject.empty() ? "" : " --subject=" + o.subject));
        if (outcome.transport_failure || result.mismatches >= o.max_failures) break;
      }
      if (result.mismatches >= o.max_failures) break;
    }
    if (!o.tricky_name.empty() && result.streams_run == 0) {
      result.setup_ok = false;
      result.setup_error = "no tricky case named " + o.tricky_name;
      return result;
    }
  } else {
    const StreamConfig config{o.families, o.commands, o.invalid_percent, o.exclude, o.proxy};
    const uint64_t first = o.only_stream >= 0 ? static_cast<uint64_t>(o.only_stream) : 0;
    const uint64_t last = o.only_stream >= 0 ? first + 1 : static_cast<uint64_t>(o.streams);
    for (uint64_t k = first; k < last; ++k) {
      const uint64_t seed = stream_seed(o.seed, k);
      const int protocol = protocol_for(o, seed);
      const StreamOutcome outcome = runner.run(generate_stream(seed, config), protocol);
      result.streams_run++;
      result.exchanges += outcome.exchanges;
      result.checked += outcome.checked;
      result.errors += outcome.errors;
      if (outcome.ok) continue;
      result.mismatches++;
      report("MISMATCH seed=" + std::to_string(o.seed) + " stream=" + std::to_string(k) + " (RESP" +
                 std::to_string(protocol) + ")",
             outcome, repro_line(o, program, k));
      if (outcome.transport_failure || result.mismatches >= o.max_failures) break;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log << "server_diff: " << result.streams_run << (o.tricky ? " tricky runs" : " streams") << ", "
      << result.exchanges << " commands per server, " << result.checked << " replies compared ("
      << (result.checked ? result.errors * 100 / result.checked : 0) << "% errors), " << result.mismatches
      << " mismatching, " << static_cast<int>(secs * 1000) << " ms\n";
  return result;
}

}  // namespace codis::diff
