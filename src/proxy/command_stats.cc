#include "proxy/command_stats.h"

#include <bit>

#include "absl/container/flat_hash_map.h"
#include "cmd/table.h"

namespace codis::proxy {

namespace {

struct Index {
  std::vector<const cmd::CommandSpec*> specs;
  absl::flat_hash_map<const cmd::CommandSpec*, size_t> of;
  Index() {
    for (const cmd::CommandSpec& c : cmd::all_commands()) {
      of[&c] = specs.size();
      specs.push_back(&c);
      for (const cmd::CommandSpec& sub : c.subcommands) {
        of[&sub] = specs.size();
        specs.push_back(&sub);
      }
    }
  }
};

// Built once, read-only afterwards (a function-local static: safe to share between loops).
const Index& index() {
  static const Index i;
  return i;
}

}  // namespace

const std::vector<const cmd::CommandSpec*>& CommandStats::commands() {
  return index().specs;
}

CommandStats::CommandStats() : entries_(std::make_unique<Entry[]>(index().specs.size())) {}

void CommandStats::record(const cmd::CommandSpec* spec, uint64_t usec, bool error) {
  auto it = index().of.find(spec);
  if (it == index().of.end()) {
    return;
  }
  Entry& e = entries_[it->second];
  e.calls.add();
  if (error) {
    e.errors.add();
  }
  e.usec.add(usec);
  const size_t b = std::min<size_t>(kBuckets - 1, static_cast<size_t>(std::bit_width(usec)));
  e.histogram[b].add();
}

void CommandTotals::add(const CommandStats::Entry& e) {
  calls += e.calls.get();
  errors += e.errors.get();
  usec += e.usec.get();
  for (size_t i = 0; i < histogram.size(); ++i) {
    histogram[i] += e.histogram[i].get();
  }
}

uint64_t CommandTotals::quantile_us(double q) const {
  uint64_t n = 0;
  for (uint64_t h : histogram) {
    n += h;
  }
  if (n == 0) {
    return 0;
  }
  const auto want = static_cast<uint64_t>(q * static_cast<double>(n) + 0.999999);
  uint64_t seen = 0;
  for (size_t i = 0; i < histogram.size(); ++i) {
    seen += histogram[i];
    if (seen >= want) {
      return i == 0 ? 1 : uint64_t{1} << i;  // bucket i holds [2^(i-1), 2^i) us
    }
  }
  return uint64_t{1} << (histogram.size() - 1);
}

}  // namespace codis::proxy
