// LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM/HELP. The latency monitor records nothing (Redis with
// latency-monitor-threshold 0, its default), so the event replies are empty; HISTOGRAM reports the
// command statistics codis-server keeps (calls and total time) as a one-bucket histogram.
#include <bit>
#include <string>

#include "server/families/intro_util.h"
#include "server/families/util.h"

namespace codis::server {

namespace {

void cmd_latency_latest(CommandContext& ctx) {
  ctx.out.array(0);
}
void cmd_latency_history(CommandContext& ctx) {
  ctx.out.array(0);
}
void cmd_latency_reset(CommandContext& ctx) {
  ctx.out.integer(0);
}
void cmd_latency_graph(CommandContext& ctx) {
  ctx.out.error("ERR No samples available for event '" + std::string(ctx.arg(2)) + "'");
}

void cmd_latency_doctor(CommandContext& ctx) {
  ctx.out.verbatim(
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
      "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a "
      "deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n");
}

// LATENCY HISTOGRAM [command ...]: {name: {calls, histogram_usec: {bucket: cumulative count}}} for
// commands that ran. Buckets are powers of two as in Redis; codis-server keeps only each command's total
// time, so every call lands in the bucket of the average.
void cmd_latency_histogram(CommandContext& ctx) {
  const auto& all = ctx.server.stats().commands;
  std::vector<std::pair<std::string_view, const CommandStats*>> rows;
  if (ctx.argc() == 2) {
    for (const auto& [name, cs] : all) {
      if (cs.calls > 0) {
        rows.emplace_back(name, &cs);
      }
    }
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      std::string name(ctx.arg(i));
      for (auto& ch : name) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      auto it = all.find(name);
      if (it != all.end() && it->second.calls > 0) {
        bool dup = false;
        for (const auto& r : rows) {
          dup = dup || r.first == it->first;
        }
        if (!dup) {
          rows.emplace_back(it->first, &it->second);
        }
      }
    }
  }
  ctx.out.map(rows.size());
  for (const auto& [name, cs] : rows) {
    ctx.out.bulk(name);
    ctx.out.map(2);
    ctx.out.bulk("calls");
    ctx.out.integer(static_cast<int64_t>(cs->calls));
    ctx.out.bulk("histogram_usec");
    ctx.out.map(1);
    const uint64_t avg = std::max<uint64_t>(1, cs->usec / cs->calls);
    ctx.out.integer(static_cast<int64_t>(std::bit_ceil(avg)));
    ctx.out.integer(static_cast<int64_t>(cs->calls));
  }
}

void cmd_latency_help(CommandContext& ctx) {
  reply_help(ctx, {"LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "DOCTOR",
                   "    Return a human readable latency analysis report.", "GRAPH <event>",
                   "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
                   "    Return time-latency samples for the <event> class.", "LATEST",
                   "    Return the latest latency samples for all events.", "RESET [<event> ...]",
                   "    Reset latency data of one or more <event> classes.",
                   "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
                   "    Return a cumulative distribution of latencies in the format of a histogram for the "
                   "specified command names.",
                   "    If no commands are specified then all histograms are replied.", "HELP",
                   "    Prints this help."});
}

}  // namespace

void register_latency_commands(Registry& r) {
  r.add("latency|latest", cmd_latency_latest);
  r.add("latency|history", cmd_latency_history);
  r.add("latency|reset", cmd_latency_reset);
  r.add("latency|graph", cmd_latency_graph);
  r.add("latency|doctor", cmd_latency_doctor);
  r.add("latency|histogram", cmd_latency_histogram);
  r.add("latency|help", cmd_latency_help);
}

}  // namespace codis::server
