// Memory: what the allocator and the system say about the process's memory (INFO memory, MEMORY STATS and
// DOCTOR, maxmemory's used memory, MEMORY PURGE, DEBUG OBJECT's address). These depend on the allocator's
// history, the build (ASan) and the machine, so they sit behind the seam: the real runtime asks glibc and
// /proc, the simulator answers from a model that only the scenario changes, so replies stay a function of
// the seed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace codis::rt {

class Memory {
 public:
  struct Stats {
    size_t allocated = 0;  // bytes handed out and not freed (the allocator's chunk headers included)
    size_t active = 0;     // bytes the allocator holds from the system
    size_t rss = 0;        // the process's resident set
  };

  virtual ~Memory() = default;
  virtual Stats stats() = 0;
  // Gives free memory back to the system where the allocator can.
  virtual void purge() = 0;
  // The number shown as an object's address (DEBUG OBJECT's "Value at:").
  virtual uintptr_t address(const void* p) const = 0;
};

// The simulator's memory: the figures the scenario set (all zero at first, as if nothing were measured),
// the same in every run; addresses all show as 0.
class ModelMemory final : public Memory {
 public:
  Stats stats() override { return stats_; }
  void purge() override {}
  uintptr_t address(const void*) const override { return 0; }
  // A scenario modelling memory pressure (maxmemory, eviction) sets what stats() reports.
  void set_stats(const Stats& s) { stats_ = s; }

 private:
  Stats stats_;
};

}  // namespace codis::rt
