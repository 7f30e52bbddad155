// Request parser throughput: pipelined 3-argument commands as a server sees them from a busy client.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "resp/request_parser.h"

namespace codis::resp {
namespace {

// `count` commands like "SET key:000123 value-xxxx", multibulk or inline.
std::string pipeline(int count, bool inline_form) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    char key[32];
    std::snprintf(key, sizeof(key), "key:%06d", i % 1000000);
    const std::vector<std::string_view> args = {"SET", key, "value-xxxx"};
    if (inline_form) {
      out += "SET ";
      out += key;
      out += " value-xxxx\r\n";
    } else {
      append_command(args, out);
    }
  }
  return out;
}

void parse_all(benchmark::State& state, const std::string& buf, int count) {
  RequestParser parser;
  size_t total_args = 0;
  for (auto _ : state) {
    std::string_view rest = buf;
    for (;;) {
      const ParseResult r = parser.parse(rest);
      if (!r.ok()) break;
      total_args += parser.args().size();
      benchmark::DoNotOptimize(parser.args().data());
      rest.remove_prefix(r.consumed);
    }
  }
  if (total_args != static_cast<size_t>(state.iterations()) * count * 3) state.SkipWithError("miscounted");
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(buf.size()));
}

// A 16 KiB read's worth of commands and a larger batch; items/s = commands per second.
void BM_ParseMultibulkPipeline(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  parse_all(state, pipeline(count, false), count);
}
BENCHMARK(BM_ParseMultibulkPipeline)->Arg(350)->Arg(10000);

void BM_ParseInlinePipeline(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  parse_all(state, pipeline(count, true), count);
}
BENCHMARK(BM_ParseInlinePipeline)->Arg(10000);

// The same stream arriving in 4 KiB reads, with the connection loop's compaction between reads.
void BM_ParseMultibulkFragmented(benchmark::State& state) {
  const int count = 10000;
  const std::string input = pipeline(count, false);
  const size_t read_size = static_cast<size_t>(state.range(0));
  RequestParser parser;
  std::string buf;
  buf.reserve(2 * read_size);
  int64_t commands = 0;
  for (auto _ : state) {
    size_t fed = 0;
    buf.clear();
    while (fed < input.size()) {
      const size_t take = std::min(read_size, input.size() - fed);
      buf.append(input, fed, take);
      fed += take;
      size_t start = 0;
      for (;;) {
        const ParseResult r = parser.parse(std::string_view(buf).substr(start));
        start += r.consumed;
        if (!r.ok()) break;
        ++commands;
        benchmark::DoNotOptimize(parser.args().data());
      }
      buf.erase(0, start);
    }
  }
  if (commands != state.iterations() * count) state.SkipWithError("miscounted");
  state.SetItemsProcessed(commands);
}
BENCHMARK(BM_ParseMultibulkFragmented)->Arg(4096)->Arg(16384);

// One 64 MiB argument arriving in 64 KiB reads into a buffer grown once from want().
void BM_ParseBigArgument(benchmark::State& state) {
  const size_t size = 64 << 20;
  const std::string header = "*2\r\n$3\r\nSET\r\n$" + std::to_string(size) + "\r\n";
  const std::string chunk(64 << 10, 'v');
  std::string buf;
  for (auto _ : state) {
    RequestParser parser;
    buf.clear();
    buf.append(header);
    ParseResult r = parser.parse(buf);
    buf.reserve(buf.size() + parser.want());
    while (r.need_more()) {
      if (parser.want() <= 2) {
        buf.append("\r\n");
      } else {
        buf.append(chunk, 0, std::min(chunk.size(), parser.want() - 2));
      }
      r = parser.parse(buf);
    }
    benchmark::DoNotOptimize(parser.args().data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size));
}
BENCHMARK(BM_ParseBigArgument)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace codis::resp
