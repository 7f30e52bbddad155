// Internal to the HLL files: reading and writing the dense six-bit registers and the three sparse
// opcodes (ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy, VAL 1vvvvvxx) exactly as Redis lays them out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/ds/hll.h"

namespace codis::server::ds::hll::fmt {

inline constexpr int kQ = 64 - kP;  // bits of the hash left after the index: runs are 1..kQ+1
inline constexpr uint8_t kRegisterMax = (1 << kBits) - 1;
inline constexpr uint32_t kSparseValMaxValue = 32;
inline constexpr uint32_t kSparseValMaxLen = 4;
inline constexpr uint32_t kSparseZeroMaxLen = 64;
inline constexpr uint32_t kSparseXZeroMaxLen = 16384;

// Dense registers are packed LSB first: register i occupies bits 6i..6i+5 of the body. Bit offsets are
// 0, 6, 4, 2 (mod 8), so a register lies in one byte when its offset is <= 2. Redis reads the next byte
// unconditionally (relying on the string's terminator); we never touch a byte past the body.
inline uint8_t dense_get(const uint8_t* regs, size_t i) {
  const size_t bit = i * kBits;
  const size_t byte = bit >> 3;
  const unsigned fb = bit & 7;
  unsigned v = regs[byte] >> fb;
  if (fb > 2) v |= static_cast<unsigned>(regs[byte + 1]) << (8 - fb);
  return static_cast<uint8_t>(v & kRegisterMax);
}

inline void dense_put(uint8_t* regs, size_t i, uint8_t v) {
  const size_t bit = i * kBits;
  const size_t byte = bit >> 3;
  const unsigned fb = bit & 7;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(kRegisterMax << fb)) | (v << fb));
  if (fb > 2) {
    const unsigned rs = 8 - fb;
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(kRegisterMax >> rs)) | (v >> rs));
  }
}

// Sparse opcodes.
inline bool is_zero(uint8_t b) {
  return (b & 0xc0) == 0;
}
inline bool is_xzero(uint8_t b) {
  return (b & 0xc0) == 0x40;
}
inline bool is_val(uint8_t b) {
  return (b & 0x80) != 0;
}
inline uint32_t zero_len(uint8_t b) {
  return (b & 0x3fu) + 1;
}
inline uint32_t xzero_len(uint8_t b0, uint8_t b1) {
  return (((b0 & 0x3fu) << 8) | b1) + 1;
}
inline uint32_t val_value(uint8_t b) {
  return ((b >> 2) & 0x1fu) + 1;
}
inline uint32_t val_len(uint8_t b) {
  return (b & 0x3u) + 1;
}
inline uint8_t make_val(uint32_t value, uint32_t len) {
  return static_cast<uint8_t>(0x80 | ((value - 1) << 2) | (len - 1));
}
inline uint8_t make_zero(uint32_t len) {
  return static_cast<uint8_t>(len - 1);
}
inline void make_xzero(uint8_t* out, uint32_t len) {
  out[0] = static_cast<uint8_t>(0x40 | ((len - 1) >> 8));
  out[1] = static_cast<uint8_t>((len - 1) & 0xff);
}

// A byte of the value, or 0 past its end: Redis reads the second byte of an XZERO that a corrupted value
// cuts short from the string's terminator, and we reproduce what it then decides without reading it.
// (One divergence remains: when Redis then splits that XZERO it writes a byte into the terminator's
// slot, which its next read of the same value sees; we have no such slot and see 0 again.)
inline uint8_t byte_or_zero(std::string_view s, size_t i) {
  return i < s.size() ? static_cast<uint8_t>(s[i]) : 0;
}

// One decoded sparse opcode: its run and its width in bytes.
struct Op {
  uint32_t run;
  uint32_t value;  // 0 for ZERO / XZERO
  uint32_t width;
};
inline Op decode_op(std::string_view s, size_t p) {
  const uint8_t b = static_cast<uint8_t>(s[p]);
  if (is_zero(b)) return {zero_len(b), 0, 1};
  if (is_xzero(b)) return {xzero_len(b, byte_or_zero(s, p + 1)), 0, 2};
  return {val_len(b), val_value(b), 1};
}

// Visits the runs of a sparse body: fn(first_register, run, value). Returns false (after visiting the
// runs before it) when a run would pass the last register or the runs do not cover all registers.
template <class Fn>
bool for_each_sparse_run(std::string_view value, Fn&& fn) {
  size_t idx = 0;
  for (size_t p = kHeaderSize; p < value.size();) {
    const Op op = decode_op(value, p);
    if (idx + op.run > kRegisters) return false;
    fn(idx, op.run, op.value);
    idx += op.run;
    p += op.width;
  }
  return idx == kRegisters;
}

// Sparse-only operations (hll_sparse.cc).
AddOutcome sparse_set(std::string& value, uint32_t index, uint8_t count, size_t sparse_max_bytes);
bool sparse_to_dense(std::string& value);

}  // namespace codis::server::ds::hll::fmt
