// Reply writer throughput (bulk replies of several sizes, integers, doubles) and reply scanning.
#include <benchmark/benchmark.h>

#include <string>

#include "resp/reply_parser.h"
#include "resp/reply_writer.h"

namespace codis::resp {
namespace {

// Bulk replies of state.range(0) bytes into one reused output buffer, flushed (cleared) every 256 KiB
// as a connection would after its write.
void BM_WriteBulk(benchmark::State& state) {
  const std::string payload(static_cast<size_t>(state.range(0)), 'x');
  std::string out;
  out.reserve(512 << 10);
  ReplyWriter w(&out);
  for (auto _ : state) {
    if (out.size() >= (256 << 10)) out.clear();
    w.bulk(payload);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteBulk)->Arg(16)->Arg(1024)->Arg(64 << 10);

void BM_WriteInteger(benchmark::State& state) {
  std::string out;
  out.reserve(512 << 10);
  ReplyWriter w(&out);
  int64_t i = 1234567;
  for (auto _ : state) {
    if (out.size() >= (256 << 10)) out.clear();
    w.integer(i++);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteInteger);

void BM_WriteDouble(benchmark::State& state) {
  std::string out;
  out.reserve(512 << 10);
  ReplyWriter w(&out, 3);
  double d = 0.1;
  for (auto _ : state) {
    if (out.size() >= (256 << 10)) out.clear();
    w.double_value(d);
    d += 1.37;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteDouble);

// Finding reply boundaries for pass-through: arrays of 10 bulk strings of 16 bytes.
void BM_ScanReplies(benchmark::State& state) {
  std::string in;
  ReplyWriter w(&in);
  for (int i = 0; i < 1000; ++i) {
    w.array(10);
    for (int j = 0; j < 10; ++j) w.bulk("0123456789abcdef");
  }
  ReplyScanner scanner;
  for (auto _ : state) {
    std::string_view rest = in;
    while (!rest.empty()) {
      const ParseResult r = scanner.scan(rest);
      if (!r.ok()) break;
      rest.remove_prefix(r.consumed);
    }
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.size()));
}
BENCHMARK(BM_ScanReplies);

void BM_ParseReplies(benchmark::State& state) {
  std::string in;
  ReplyWriter w(&in);
  for (int i = 0; i < 1000; ++i) {
    w.array(10);
    for (int j = 0; j < 10; ++j) w.bulk("0123456789abcdef");
  }
  ReplyParser parser;
  Value v;
  for (auto _ : state) {
    std::string_view rest = in;
    while (!rest.empty()) {
      const ParseResult r = parser.parse(rest, v);
      if (!r.ok()) break;
      rest.remove_prefix(r.consumed);
    }
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.size()));
}
BENCHMARK(BM_ParseReplies);

}  // namespace
}  // namespace codis::resp
