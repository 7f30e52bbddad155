// HyperLogLog benchmarks: PFADD into sparse and dense values, PFCOUNT without the cache (the estimator
// over all registers), multi-key merge and count.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "server/ds/hll.h"

namespace codis::server::ds::hll {
namespace {

std::vector<std::string> elements(size_t n, const std::string& prefix) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// Adds into a fresh value until it holds `n` elements: sparse for small n (default limit), dense beyond.
void BM_HllAdd(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const std::vector<std::string> e = elements(n, "elem:");
  for (auto _ : state) {
    std::string v = create();
    for (const std::string& x : e) benchmark::DoNotOptimize(add(v, x, kDefaultSparseMaxBytes));
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_HllAdd)->Arg(100)->Arg(1000)->Arg(100000);

void BM_HllAddDense(benchmark::State& state) {
  std::string v = create();
  (void)to_dense(v);
  const std::vector<std::string> e = elements(4096, "x");
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(add(v, e[i++ & 4095], kDefaultSparseMaxBytes));
}
BENCHMARK(BM_HllAddDense);

void BM_HllCountUncached(benchmark::State& state) {
  std::string v = create();
  const bool dense = state.range(0) != 0;
  for (const std::string& x : elements(dense ? 100000 : 1000, "c")) (void)add(v, x, kDefaultSparseMaxBytes);
  for (auto _ : state) {
    invalidate_cache(v);
    benchmark::DoNotOptimize(count(v));
  }
}
BENCHMARK(BM_HllCountUncached)->Arg(0)->Arg(1);

void BM_HllMergeCount3(benchmark::State& state) {
  std::vector<std::string> vs(3, create());
  for (size_t k = 0; k < vs.size(); ++k) {
    for (const std::string& x : elements(50000, "m" + std::to_string(k)))
      (void)add(vs[k], x, kDefaultSparseMaxBytes);
  }
  for (auto _ : state) {
    Registers r{};
    for (const std::string& v : vs) (void)merge_into(r, v);
    benchmark::DoNotOptimize(count_registers(r));
  }
}
BENCHMARK(BM_HllMergeCount3);

}  // namespace
}  // namespace codis::server::ds::hll
