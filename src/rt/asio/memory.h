// GlibcMemory: rt::Memory of the real runtime, from glibc's malloc counters (mallinfo2), /proc/self/statm
// and malloc_trim; in an ASan build, from ASan's allocator, which then replaces glibc's.
#pragma once

#include "rt/memory.h"

namespace codis::rt::asio {

class GlibcMemory final : public Memory {
 public:
  // mallinfo2 walks the allocator's free lists: a few microseconds, so callers sample it (the cron once a
  // second, INFO and MEMORY STATS when asked, maxmemory before a write that may grow memory).
  Stats stats() override;
  void purge() override;
  uintptr_t address(const void* p) const override { return reinterpret_cast<uintptr_t>(p); }
};

}  // namespace codis::rt::asio
