// Helpers shared by the libFuzzer targets: a CHECK that aborts with a message (so both libFuzzer and the
// replay driver report the failing oracle), and the fragment schedule that feeds input in pieces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace codis::fuzz {

// Fragment sizes chosen by one knob byte: the low 6 bits set the largest piece (1..64 bytes), scaled up
// for long inputs so an input is cut into at most about a thousand pieces; the high bits vary the sizes.
inline std::vector<size_t> fragments(uint8_t knob, size_t input_size) {
  const size_t scale = input_size / 1024 + 1;
  const size_t largest = (static_cast<size_t>(knob & 63) + 1) * scale;
  uint32_t state = knob * 2654435761u + 1;
  std::vector<size_t> out(16);
  for (size_t& f : out) {
    state = state * 1103515245u + 12345u;
    f = (knob & 64) ? largest : 1 + (state >> 8) % largest;
  }
  return out;
}

// Appends pieces of `input` to a buffer one at a time, calling step(buffer, &drop) after each; step
// returns false to stop. Dropped prefixes are erased (the bytes still pending move to the front) and,
// when `move` is set, the pending bytes are also copied to a fresh allocation before each call, so a
// parser that kept pointers or absolute positions would read the wrong bytes.
template <class Step>
void feed(std::string_view input, const std::vector<size_t>& pieces, bool move, Step step) {
  std::string buf;
  size_t fed = 0;
  for (size_t i = 0; fed < input.size(); ++i) {
    const size_t take =
        pieces.empty() ? input.size() : std::min(pieces[i % pieces.size()], input.size() - fed);
    if (move) {
      std::string fresh;
      fresh.reserve(buf.size() + take);
      fresh.append(buf);
      buf.swap(fresh);
    }
    buf.append(input.substr(fed, take));
    fed += take;
    size_t drop = 0;
    const bool go_on = step(std::string_view(buf), &drop);
    buf.erase(0, drop);
    if (!go_on) return;
  }
}

}  // namespace codis::fuzz
