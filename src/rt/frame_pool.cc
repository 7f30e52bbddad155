#include "rt/frame_pool.h"

#include <array>
#include <new>
#include <utility>

namespace codis::rt::detail {

namespace {

constexpr std::size_t kGrain = 64;    // size classes: 64, 128, ... bytes
constexpr std::size_t kClasses = 16;  // up to 1 KiB; bigger frames (a whole connection loop) are rare
constexpr std::size_t kKeep = 256;    // cached frames per class and thread; beyond that they are freed

struct FreeFrame {
  FreeFrame* next;
};

// Set (and never cleared) when this thread's cache has been torn down. Trivially destructible, so it stays
// readable for the rest of the thread's exit, when other thread-locals' destructors may still free frames.
thread_local bool cache_gone = false;

// One per thread: a frame is cached by the thread that frees it (any thread may reuse any frame's memory,
// as it came from operator new). The destructor returns the cache when a loop's thread ends and leaves the
// lists empty; frames freed after that go straight back to operator delete (see cache_gone).
struct FrameCache {
  std::array<FreeFrame*, kClasses> head{};
  std::array<std::size_t, kClasses> count{};
  ~FrameCache() {
    cache_gone = true;
    for (std::size_t c = 0; c < kClasses; ++c) {
      FreeFrame* f = std::exchange(head[c], nullptr);
      count[c] = 0;
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
  if (!kFramePoolEnabled || c >= kClasses || cache_gone) {
    return ::operator new(c < kClasses ? (c + 1) * kGrain : n);
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
  if (!kFramePoolEnabled || c >= kClasses || cache_gone) {
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

std::size_t frames_cached() noexcept {
  if (cache_gone) {
    return 0;
  }
  std::size_t n = 0;
  for (std::size_t c : cache.count) {
    n += c;
  }
  return n;
}

}  // namespace codis::rt::detail
