#include "rt/frame_pool.h"

#include <array>
#include <new>

namespace codis::rt::detail {

namespace {

constexpr std::size_t kGrain = 64;    // size classes: 64, 128, ... bytes
constexpr std::size_t kClasses = 16;  // up to 1 KiB; bigger frames (a whole connection loop) are rare
constexpr std::size_t kKeep = 256;    // cached frames per class and thread; beyond that they are freed

struct FreeFrame {
  FreeFrame* next;
};

// One per thread: a frame is cached by the thread that frees it (any thread may reuse any frame's memory,
// as it came from operator new). The destructor returns the cache when a loop's thread ends.
struct FrameCache {
  std::array<FreeFrame*, kClasses> head{};
  std::array<std::size_t, kClasses> count{};
  ~FrameCache() {
    for (FreeFrame* f : head) {
      while (f != nullptr) {
        FreeFrame* next = f->next;
        ::operator delete(f);
        f = next;
      }
    }
  }
};

thread_local FrameCache cache;

// The class index of an n-byte frame, or kClasses when it is too big to cache.
constexpr std::size_t class_of(std::size_t n) {
  return n == 0 ? 0 : (n - 1) / kGrain;
}

}  // namespace

void* frame_alloc(std::size_t n) {
  const std::size_t c = class_of(n);
  if (!kFramePoolEnabled || c >= kClasses) {
    return ::operator new(n);
  }
  FrameCache& fc = cache;
  if (FreeFrame* f = fc.head[c]) {
    fc.head[c] = f->next;
    --fc.count[c];
    return f;
  }
  return ::operator new((c + 1) * kGrain);
}

void frame_free(void* p, std::size_t n) noexcept {
  const std::size_t c = class_of(n);
  if (!kFramePoolEnabled || c >= kClasses) {
    ::operator delete(p);
    return;
  }
  FrameCache& fc = cache;
  if (fc.count[c] >= kKeep) {
    ::operator delete(p);
    return;
  }
  auto* f = static_cast<FreeFrame*>(p);
  f->next = fc.head[c];
  fc.head[c] = f;
  ++fc.count[c];
}

}  // namespace codis::rt::detail
