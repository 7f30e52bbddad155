// The Task frame cache (rt/frame_pool.h): frames are reused by size class, big ones bypass it, and Tasks
// allocated through it run and return their values.
#include "rt/frame_pool.h"

#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rt/task.h"

namespace codis::rt {
namespace {

TEST(FramePool, FreedFrameIsReusedForTheSameSizeClass) {
  if (!detail::kFramePoolEnabled) {
    GTEST_SKIP() << "sanitizer builds bypass the cache";
  }
  void* a = detail::frame_alloc(100);
  std::memset(a, 0xab, 100);
  detail::frame_free(a, 100);
  void* b = detail::frame_alloc(120);  // same 64-byte class (65..128)
  EXPECT_EQ(a, b);
  std::memset(b, 0xcd, 120);  // and the block holds the whole class
  detail::frame_free(b, 120);
  void* c = detail::frame_alloc(200);  // another class: not that block
  EXPECT_NE(a, c);
  detail::frame_free(c, 200);
}

TEST(FramePool, BigFramesAndManyFramesRoundTrip) {
  std::vector<std::pair<void*, size_t>> blocks;
  std::set<void*> distinct;
  for (size_t n : {1, 63, 64, 65, 1024, 1025, 4096, 70000}) {
    for (int i = 0; i < 300; ++i) {  // more than the cache keeps per class
      void* p = detail::frame_alloc(n);
      std::memset(p, i & 0xff, n);
      blocks.emplace_back(p, n);
      distinct.insert(p);
    }
  }
  EXPECT_EQ(distinct.size(), blocks.size());  // live blocks never alias
  for (auto [p, n] : blocks) {
    detail::frame_free(p, n);
  }
}

// A thread-local destroyed after the frame cache (constructed before the cache's first use on the thread)
// that still frees and allocates frames, as a loop's last Tasks may: they must bypass the torn-down cache,
// whose lists used to keep pointing at the blocks it had just deleted.
struct LateUser {
  std::vector<void*> held;
  size_t cached_after = 99;
  bool* done = nullptr;
  ~LateUser() {
    for (void* p : held) {
      detail::frame_free(p, 100);  // after the cache is gone
    }
    void* a = detail::frame_alloc(100);
    void* b = detail::frame_alloc(100);
    std::memset(a, 1, 100);
    std::memset(b, 2, 100);
    cached_after = detail::frames_cached();
    detail::frame_free(a, 100);
    detail::frame_free(b, 100);
    *done = a != b && cached_after == 0 && detail::frames_cached() == 0;
  }
};
thread_local LateUser late_user;

TEST(FramePool, FramesFreedAfterThreadExitTeardownBypassTheCache) {
  if (!detail::kFramePoolEnabled) {
    GTEST_SKIP() << "sanitizer builds bypass the cache";
  }
  bool ok = false;
  std::thread t([&ok] {
    late_user.done = &ok;  // constructed first, so destroyed after the cache
    for (int i = 0; i < 4; ++i) {
      detail::frame_free(detail::frame_alloc(100), 100);  // the cache now holds a frame
    }
    EXPECT_GE(detail::frames_cached(), 1u);
    late_user.held.push_back(detail::frame_alloc(100));
    late_user.held.push_back(detail::frame_alloc(100));
  });
  t.join();
  EXPECT_TRUE(ok);
}

Task<int> leaf(int v) {
  co_return v * 2;
}

Task<int> chain(int depth) {
  if (depth == 0) {
    co_return 1;
  }
  int below = co_await chain(depth - 1);
  int x = co_await leaf(depth);
  co_return below + x;
}

TEST(FramePool, TasksRunOnCachedFrames) {
  for (int round = 0; round < 50; ++round) {
    Task<int> t = chain(20);
    t.handle().resume();  // nothing suspends: runs to completion
    ASSERT_TRUE(t.done());
    EXPECT_EQ(t.handle().promise().take(), 1 + 20 * 21);
  }
}

}  // namespace
}  // namespace codis::rt
