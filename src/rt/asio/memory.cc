#include "rt/asio/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#if defined(__SANITIZE_ADDRESS__)
// libasan's allocator statistics (sanitizer/allocator_interface.h, which g++ 12's packages do not ship).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
extern "C" size_t __sanitizer_get_heap_size();
#endif

namespace codis::rt::asio {

Memory::Stats GlibcMemory::stats() {
  Stats s;
#if defined(__SANITIZE_ADDRESS__)
  // ASan replaces malloc, and glibc's mallinfo2 then reports nothing: ask ASan's allocator.
  s.allocated = __sanitizer_get_current_allocated_bytes();
  s.active = __sanitizer_get_heap_size();
#else
  const struct mallinfo2 mi = mallinfo2();
  s.allocated = mi.uordblks + mi.hblkhd;  // in use from the heap, plus mmapped chunks
  s.active = mi.arena + mi.hblkhd;
#endif
  // statm's second field: resident pages.
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    unsigned long pages = 0, resident = 0;
    if (std::fscanf(statm, "%lu %lu", &pages, &resident) == 2) {
      s.rss = static_cast<size_t>(resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
    }
    std::fclose(statm);
  }
  return s;
}

void GlibcMemory::purge() {
  malloc_trim(0);
}

}  // namespace codis::rt::asio
