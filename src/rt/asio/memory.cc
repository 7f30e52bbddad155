#include "rt/asio/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

namespace codis::rt::asio {

Memory::Stats GlibcMemory::stats() {
  const struct mallinfo2 mi = mallinfo2();
  Stats s;
  s.allocated = mi.uordblks + mi.hblkhd;  // in use from the heap, plus mmapped chunks
  s.active = mi.arena + mi.hblkhd;
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
