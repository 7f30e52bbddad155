// Sorted-set benchmarks: building a 1M-member set (random and ascending scores), rank, range by rank and
// by score, score lookup and update, for our ZSet and for a Redis-style skiplist with the same hash
// index (ref_skiplist.h). Counters report heap bytes per member measured with mallinfo2.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "bench/server_ds/ref_skiplist.h"
#include "server/ds/zset.h"

namespace codis::server::ds {
namespace {

constexpr size_t kN = 1000000;
const ZSetLimits kLimits{};

uint64_t xorshift(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

struct Data {
  std::vector<std::string> members;  // "member:<i>", shuffled
  std::vector<double> scores;        // uniform in [0, 1e6)
};

const Data& data() {
  static const Data d = [] {
    Data d;
    uint64_t s = 12345;
    for (size_t i = 0; i < kN; ++i) d.members.push_back("member:" + std::to_string(i));
    for (size_t i = kN - 1; i > 0; --i) std::swap(d.members[i], d.members[xorshift(s) % (i + 1)]);
    for (size_t i = 0; i < kN; ++i) d.scores.push_back(static_cast<double>(xorshift(s) % 1000000000) / 1000);
    return d;
  }();
  return d;
}

size_t heap_in_use() {
  return mallinfo2().uordblks;
}

// The reference: skiplist plus a hash index of its nodes by member, as Redis pairs zskiplist and dict.
struct NodeHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return absl::Hash<std::string_view>{}(s); }
  size_t operator()(const bench::RefSkiplist::Node* n) const { return (*this)(n->member()); }
};
struct NodeEq {
  using is_transparent = void;
  static std::string_view v(std::string_view s) { return s; }
  static std::string_view v(const bench::RefSkiplist::Node* n) { return n->member(); }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return v(a) == v(b);
  }
};
struct RefZSet {
  bench::RefSkiplist list{7};
  absl::flat_hash_set<const bench::RefSkiplist::Node*, NodeHash, NodeEq> index;
  void insert(double score, std::string_view m) {
    list.insert(score, m);
    // Find the node just inserted through its rank (the benchmark only needs the index's memory).
    index.insert(list.by_rank(list.rank(score, m)));
  }
};

const ZSet& big_zset() {
  static const ZSet z = [] {
    ZSet z(ZEncoding::kSkiplist);
    for (size_t i = 0; i < kN; ++i) (void)z.add(data().members[i], data().scores[i], {}, kLimits);
    return z;
  }();
  return z;
}

const RefZSet& big_ref() {
  static const std::unique_ptr<RefZSet> r = [] {
    auto r = std::make_unique<RefZSet>();
    for (size_t i = 0; i < kN; ++i) r->insert(data().scores[i], data().members[i]);
    return r;
  }();
  return *r;
}

void BM_ZSetInsert1M(benchmark::State& state) {
  const Data& d = data();
  const bool ascending = state.range(0) != 0;
  for (auto _ : state) {
    const size_t before = heap_in_use();
    ZSet z(ZEncoding::kSkiplist);
    for (size_t i = 0; i < kN; ++i)
      (void)z.add(d.members[i], ascending ? static_cast<double>(i) : d.scores[i], {}, kLimits);
    state.counters["heap_B_per_member"] = static_cast<double>(heap_in_use() - before) / kN;
    state.counters["memory_usage_B_per_member"] = static_cast<double>(z.memory_usage()) / kN;
    benchmark::DoNotOptimize(z.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kN));
}
BENCHMARK(BM_ZSetInsert1M)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_RefSkiplistInsert1M(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    const size_t before = heap_in_use();
    RefZSet r;
    for (size_t i = 0; i < kN; ++i) r.insert(d.scores[i], d.members[i]);
    state.counters["heap_B_per_member"] = static_cast<double>(heap_in_use() - before) / kN;
    benchmark::DoNotOptimize(r.list.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kN));
}
BENCHMARK(BM_RefSkiplistInsert1M)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_ZSetScore(benchmark::State& state) {
  const ZSet& z = big_zset();
  uint64_t s = 1;
  for (auto _ : state) benchmark::DoNotOptimize(z.score(data().members[xorshift(s) % kN]));
}
BENCHMARK(BM_ZSetScore);

void BM_ZSetRank(benchmark::State& state) {
  const ZSet& z = big_zset();
  uint64_t s = 1;
  for (auto _ : state) benchmark::DoNotOptimize(z.rank(data().members[xorshift(s) % kN]));
}
BENCHMARK(BM_ZSetRank);

void BM_RefSkiplistRank(benchmark::State& state) {
  const RefZSet& r = big_ref();
  uint64_t s = 1;
  for (auto _ : state) {
    const size_t i = xorshift(s) % kN;
    const auto* n = *r.index.find(std::string_view(data().members[i]));
    benchmark::DoNotOptimize(r.list.rank(n->score, n->member()));
  }
}
BENCHMARK(BM_RefSkiplistRank);

void BM_ZSetRangeByRank100(benchmark::State& state) {
  const ZSet& z = big_zset();
  uint64_t s = 1;
  double sum = 0;
  for (auto _ : state) {
    const size_t start = xorshift(s) % (kN - 100);
    z.range_by_rank(start, start + 99, false, [&](std::string_view m, double sc) { sum += sc + m.size(); });
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 100));
}
BENCHMARK(BM_ZSetRangeByRank100);

void BM_RefSkiplistRangeByRank100(benchmark::State& state) {
  const RefZSet& r = big_ref();
  uint64_t s = 1;
  double sum = 0;
  for (auto _ : state) {
    const auto* n = r.list.by_rank(xorshift(s) % (kN - 100) + 1);
    for (int i = 0; i < 100; ++i, n = n->level[0].forward) sum += n->score + n->len;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 100));
}
BENCHMARK(BM_RefSkiplistRangeByRank100);

void BM_ZSetRangeByScore100(benchmark::State& state) {
  const ZSet& z = big_zset();
  uint64_t s = 1;
  double sum = 0;
  for (auto _ : state) {
    const ScoreRange r{static_cast<double>(xorshift(s) % 999000), 1e6, false, false};
    z.range_by_score(r, false, 0, 100, [&](std::string_view m, double sc) { sum += sc + m.size(); });
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 100));
}
BENCHMARK(BM_ZSetRangeByScore100);

void BM_RefSkiplistRangeByScore100(benchmark::State& state) {
  const RefZSet& r = big_ref();
  uint64_t s = 1;
  double sum = 0;
  for (auto _ : state) {
    const auto* n = r.list.first_at_least(static_cast<double>(xorshift(s) % 999000));
    for (int i = 0; i < 100 && n != nullptr; ++i, n = n->level[0].forward) sum += n->score + n->len;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 100));
}
BENCHMARK(BM_RefSkiplistRangeByScore100);

void BM_ZSetCountByScore(benchmark::State& state) {
  const ZSet& z = big_zset();
  uint64_t s = 1;
  for (auto _ : state) {
    const double lo = static_cast<double>(xorshift(s) % 1000000);
    benchmark::DoNotOptimize(z.count(ScoreRange{lo, lo + 1000, false, false}));
  }
}
BENCHMARK(BM_ZSetCountByScore);

// ZINCRBY-like: moves members by small steps (mostly in place) and large ones (delete + insert).
void BM_ZSetUpdateScore(benchmark::State& state) {
  ZSet z(ZEncoding::kSkiplist);
  const Data& d = data();
  for (size_t i = 0; i < kN; ++i) (void)z.add(d.members[i], d.scores[i], {}, kLimits);
  const double step = static_cast<double>(state.range(0)) / 1000;
  uint64_t s = 1;
  for (auto _ : state) (void)z.add(d.members[xorshift(s) % kN], step, {.incr = true}, kLimits);
}
BENCHMARK(BM_ZSetUpdateScore)->Arg(1)->Arg(100000000);

void BM_ZSetEraseInsert(benchmark::State& state) {
  ZSet z(ZEncoding::kSkiplist);
  const Data& d = data();
  for (size_t i = 0; i < kN; ++i) (void)z.add(d.members[i], d.scores[i], {}, kLimits);
  uint64_t s = 1;
  for (auto _ : state) {
    const size_t i = xorshift(s) % kN;
    z.erase(d.members[i]);
    (void)z.add(d.members[i], d.scores[i], {}, kLimits);
  }
}
BENCHMARK(BM_ZSetEraseInsert);

// Many small sets (128 members of ~10 bytes): the compact form against the tree.
void BM_SmallSets(benchmark::State& state) {
  const auto enc = static_cast<ZEncoding>(state.range(0));
  const Data& d = data();
  constexpr size_t kSets = 2000, kPer = 128;
  for (auto _ : state) {
    const size_t before = heap_in_use();
    std::vector<ZSet> sets;
    sets.reserve(kSets);
    for (size_t k = 0; k < kSets; ++k) {
      sets.emplace_back(enc);
      for (size_t i = 0; i < kPer; ++i)
        (void)sets.back().add(d.members[k * kPer + i], static_cast<double>(i % 50), {}, kLimits);
    }
    state.counters["heap_B_per_member"] = static_cast<double>(heap_in_use() - before) / (kSets * kPer);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kSets * kPer));
}
BENCHMARK(BM_SmallSets)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace codis::server::ds
