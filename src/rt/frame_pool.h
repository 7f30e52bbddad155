// Where Task coroutine frames come from: a per-thread cache of freed frames by size class, so that the
// frames a connection creates for every read and write (and then frees) are reused instead of going back to
// malloc, whose per-size cache holds only 7 blocks and then falls through to its slower paths when 50
// connections each park a read frame. Frames larger than the biggest class go straight to operator new.
// Sanitizer builds skip the cache so that a use of a destroyed frame is still reported.
#pragma once

#include <cstddef>

namespace codis::rt::detail {

// False in AddressSanitizer builds (GCC's __SANITIZE_ADDRESS__, clang's __has_feature): frames then come
// from operator new and go back to it, and tests of the cache itself skip.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kFramePoolEnabled = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kFramePoolEnabled = false;
#else
inline constexpr bool kFramePoolEnabled = true;
#endif
#else
inline constexpr bool kFramePoolEnabled = true;
#endif

void* frame_alloc(std::size_t n);
void frame_free(void* p, std::size_t n) noexcept;
// Frames this thread's cache holds now (0 once the thread's cache is torn down at thread exit).
std::size_t frames_cached() noexcept;

}  // namespace codis::rt::detail
