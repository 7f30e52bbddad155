// LZF compressor and decompressor. The compressor reproduces liblzf's lzf_compress control flow exactly
// (hash, match conditions, the unrolled match loop's overshoot, literal runs, output-space checks):
// any deviation changes the bytes and so the DUMP payload and its checksum.
#include "server/rdb/lzf.h"

#include <algorithm>
#include <limits>

namespace codis::server::rdb {
namespace {

constexpr unsigned kHlog = 16;
constexpr uint32_t kHsize = 1u << kHlog;
constexpr uint32_t kMaxLit = 1u << 5;
constexpr uint32_t kMaxOff = 1u << 13;
constexpr uint32_t kMaxRef = (1u << 8) + (1u << 3);

inline uint32_t first(const unsigned char* p) {
  return (uint32_t{p[0]} << 8) | p[1];
}
inline uint32_t next(uint32_t v, const unsigned char* p) {
  return (v << 8) | p[2];
}
// VERY_FAST hash of the last three bytes, in 32-bit unsigned arithmetic like the C macro.
inline uint32_t idx(uint32_t h) {
  return ((h >> (3 * 8 - kHlog)) - h * 5) & (kHsize - 1);
}

}  // namespace

bool LzfCompressor::compress(std::string_view in_view, size_t max_out, std::string* out) {
  const size_t in_len = in_view.size();
  if (in_len == 0 || max_out == 0) return false;
  if (in_len > std::numeric_limits<uint32_t>::max() - 2) return false;
  if (max_out > std::numeric_limits<uint32_t>::max()) max_out = std::numeric_limits<uint32_t>::max();
  if (table_.empty() || uint64_t{base_} + in_len + 2 > std::numeric_limits<uint32_t>::max()) {
    table_.assign(kHsize, 0);
    base_ = 0;
  }
  // A slot holds base + position + 1 when written during this call; anything <= base is empty.
  const uint32_t base = base_;
  base_ += static_cast<uint32_t>(in_len) + 1;
  auto load = [&](uint32_t slot, size_t* ref) {
    const uint32_t v = table_[slot];
    if (v <= base) return false;
    *ref = v - base - 1;
    return true;
  };
  auto store = [&](uint32_t slot, size_t pos) { table_[slot] = base + static_cast<uint32_t>(pos) + 1; };

  const auto* in = reinterpret_cast<const unsigned char*>(in_view.data());
  // Redis allocates out_len + 1: the tail literals may run one byte past the checked room.
  out->assign(max_out + 8, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out->data());
  const size_t out_end = max_out;

  size_t ip = 0;
  size_t op = 1;  // start a literal run; its length byte goes at op - lit - 1
  uint32_t lit = 0;
  uint32_t hval = in_len >= 2 ? first(in) : 0;
  while (in_len >= 3 && ip < in_len - 2) {
    hval = next(hval, in + ip);
    const uint32_t slot = idx(hval);
    size_t ref = 0;
    const bool have = load(slot, &ref);
    store(slot, ip);
    size_t off = 0;
    // No `ip + 4 < in_end` test: the liblzf in Redis 7.0 has none, and so matches the input's last bytes too.
    if (have && ref < ip && (off = ip - ref - 1) < kMaxOff && ref > 0 && in[ref] == in[ip] &&
        in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
      size_t len = 2;
      size_t maxlen = in_len - ip - len;
      maxlen = std::min<size_t>(maxlen, kMaxRef);
      o[op - lit - 1] = static_cast<unsigned char>(lit - 1);  // stop the run (0xff if empty, undone below)
      op -= lit == 0 ? 1 : 0;
      if (op + 3 + 1 >= out_end) return false;
      // liblzf compares 16 bytes unrolled before the bounded loop, and so can overshoot maxlen by
      // up to two bytes near the end of the input; the output depends on it.
      bool done = false;
      if (maxlen > 16) {
        for (int k = 0; k < 16; ++k) {
          ++len;
          if (in[ref + len] != in[ip + len]) {
            done = true;
            break;
          }
        }
      }
      if (!done) {
        do {
          ++len;
        } while (len < maxlen && in[ref + len] == in[ip + len]);
      }
      len -= 2;  // the encoded length: a back reference covers len + 2 bytes
      ++ip;
      if (len < 7) {
        o[op++] = static_cast<unsigned char>((off >> 8) + (len << 5));
      } else {
        o[op++] = static_cast<unsigned char>((off >> 8) + (7 << 5));
        o[op++] = static_cast<unsigned char>(len - 7);
      }
      o[op++] = static_cast<unsigned char>(off);
      lit = 0;
      ++op;  // start a new run
      ip += len + 1;
      if (ip >= in_len - 2) break;
      // VERY_FAST: hash only the last two positions covered by the match.
      ip -= 2;
      hval = first(in + ip);
      hval = next(hval, in + ip);
      store(idx(hval), ip);
      ++ip;
      hval = next(hval, in + ip);
      store(idx(hval), ip);
      ++ip;
    } else {
      if (op >= out_end) return false;
      ++lit;
      o[op++] = in[ip++];
      if (lit == kMaxLit) {
        o[op - lit - 1] = static_cast<unsigned char>(lit - 1);
        lit = 0;
        ++op;
      }
    }
  }
  if (op + 3 > out_end) return false;  // at most 3 bytes can be missing here
  while (ip < in_len) {
    ++lit;
    o[op++] = in[ip++];
    if (lit == kMaxLit) {
      o[op - lit - 1] = static_cast<unsigned char>(lit - 1);
      lit = 0;
      ++op;
    }
  }
  o[op - lit - 1] = static_cast<unsigned char>(lit - 1);  // end the run
  op -= lit == 0 ? 1 : 0;                                 // drop it if empty
  out->resize(op);
  return true;
}

bool lzf_decompress(std::string_view in_view, size_t out_len, std::string* out) {
  const auto* in = reinterpret_cast<const unsigned char*>(in_view.data());
  const size_t in_len = in_view.size();
  if (in_len == 0 || out_len > lzf_max_expansion(in_len)) return false;
  out->assign(out_len, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out->data());
  size_t ip = 0;
  size_t op = 0;
  while (ip < in_len) {
    size_t ctrl = in[ip++];
    if (ctrl < 32) {
      ++ctrl;  // literal run of ctrl bytes
      if (ctrl > out_len - op || ctrl > in_len - ip) return false;
      std::copy(in + ip, in + ip + ctrl, o + op);
      ip += ctrl;
      op += ctrl;
    } else {
      size_t len = ctrl >> 5;
      size_t back = ((ctrl & 0x1f) << 8) + 1;
      if (ip >= in_len) return false;
      if (len == 7) {
        len += in[ip++];
        if (ip >= in_len) return false;
      }
      back += in[ip++];
      if (len + 2 > out_len - op) return false;
      if (back > op) return false;
      // Byte by byte: the source may overlap the bytes being written (runs).
      for (size_t k = 0; k < len + 2; ++k, ++op) o[op] = o[op - back];
    }
  }
  return op == out_len;
}

}  // namespace codis::server::rdb
