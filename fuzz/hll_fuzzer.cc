// libFuzzer target for the HyperLogLog representations (server/ds/hll): a client can SET any bytes to a
// key and then PFADD, PFCOUNT, PFMERGE or PFDEBUG it, so the sparse and dense decoders read untrusted
// bytes.
// Input: byte 0 picks the mode, byte 1 the number n (0..15) of register updates, then n updates of three
// bytes (a 14-bit register index, a run length), then the value. Mode bits 0-1: 1 puts a sparse header in
// front of the value and 2 a dense one (the body cut or zero-padded to the dense size), so mutations reach
// the bodies instead of dying at the magic check; 0 and 3 take the value as it is. Bits 2-3 pick
// hll-sparse-max-bytes.
// Oracles: no crash or out-of-bounds read; the estimate, registers_of, count, to_dense and merge_into
// agree on whether the value is corrupted and on its registers; the estimate is the estimator applied to
// those registers; a readable value updated as a sparse and as a dense copy gives the same outcomes and
// registers after every update; PFMERGE's write stores exactly the merged registers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "server/ds/hll.h"

namespace hll = codis::server::ds::hll;

namespace {

constexpr size_t kSparseMax[] = {0, 60, 3000, 20000};

std::string header(uint8_t encoding) {
  std::string h = "HYLL";
  h.push_back(static_cast<char>(encoding));
  h.append(11, '\0');
  h[15] = static_cast<char>(0x80);  // cache stale, so count() has to read the body
  return h;
}

// A sparse body whose last opcode is an XZERO cut after its first byte. Redis reads the missing byte
// from the sds terminator (0), and so does hll; but an update that splits that run writes Redis's bytes,
// whose last byte lands in the terminator slot, so the result reads differently afterwards (in Redis
// too, depending on what that slot holds). Such values are checked for reading, not for updates.
bool truncated_xzero(std::string_view v) {
  size_t p = hll::kHeaderSize;
  while (p < v.size()) {
    const auto op = static_cast<uint8_t>(v[p]);
    const size_t len = (op & 0xc0) == 0x40 ? 2 : 1;
    if (p + len > v.size()) return true;
    p += len;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > (1 << 16)) return 0;
  const uint8_t mode = data[0];
  const size_t updates = data[1] & 15;
  if (size < 2 + 3 * updates) return 0;
  const uint8_t* up = data + 2;
  const std::string_view body(reinterpret_cast<const char*>(data) + 2 + 3 * updates, size - 2 - 3 * updates);
  const size_t sparse_max = kSparseMax[(mode >> 2) & 3];

  std::string v;
  switch (mode & 3) {
    case 1:
      v = header(hll::kEncodingSparse) + std::string(body);
      break;
    case 2:
      v = header(hll::kEncodingDense) + std::string(body);
      v.resize(hll::kDenseSize, '\0');
      break;
    default:
      v = std::string(body);
      break;
  }
  if (!hll::is_hll(v)) return 0;

  const std::optional<uint64_t> est = hll::estimate(v);
  const std::optional<hll::Registers> regs = hll::registers_of(v);
  FUZZ_CHECK(est.has_value() == regs.has_value());
  if (hll::is_dense(v)) FUZZ_CHECK(est.has_value());
  if (est) FUZZ_CHECK(hll::count_registers(*regs) == *est);

  std::string c = v;
  const std::optional<uint64_t> counted = hll::count(c);
  if (hll::cache_valid(v)) {
    FUZZ_CHECK(counted.has_value());
    FUZZ_CHECK(c == v);
  } else {
    FUZZ_CHECK(counted == est);
  }

  hll::Registers merged{};
  FUZZ_CHECK(hll::merge_into(merged, v) == est.has_value());

  std::string dense = v;
  FUZZ_CHECK(hll::to_dense(dense) == est.has_value());
  if (!est) {
    // A corrupted sparse value: updates may refuse it, but must leave an HLL behind.
    std::string s = v;
    for (size_t i = 0; i < updates; ++i) {
      const uint32_t index = (static_cast<uint32_t>(up[3 * i]) << 8 | up[3 * i + 1]) & (hll::kRegisters - 1);
      if (hll::set_register(s, index, static_cast<uint8_t>(up[3 * i + 2] % 64), sparse_max) ==
          hll::AddOutcome::kInvalid) {
        break;
      }
      FUZZ_CHECK(hll::is_hll(s));
    }
    return 0;
  }
  FUZZ_CHECK(hll::is_dense(dense));
  FUZZ_CHECK(*hll::registers_of(dense) == *regs);
  FUZZ_CHECK(merged == *regs);
  if (!hll::is_dense(v) && truncated_xzero(v)) return 0;

  // The same updates through the sparse (when it is) and the dense copy.
  std::string s = v;
  hll::Registers want = *regs;
  for (size_t i = 0; i < updates; ++i) {
    const uint32_t index = (static_cast<uint32_t>(up[3 * i]) << 8 | up[3 * i + 1]) & (hll::kRegisters - 1);
    // Run lengths of 1..51 are what an element can produce; 52..63 still fit a dense register.
    const auto count = static_cast<uint8_t>(up[3 * i + 2] % 64);
    const hll::AddOutcome a = hll::set_register(s, index, count, sparse_max);
    const hll::AddOutcome b = hll::set_register(dense, index, count, sparse_max);
    FUZZ_CHECK(a == b);
    FUZZ_CHECK(a == (count > want[index] ? hll::AddOutcome::kChanged : hll::AddOutcome::kUnchanged));
    if (count > want[index]) want[index] = count;
    FUZZ_CHECK(*hll::registers_of(s) == want);
    FUZZ_CHECK(*hll::registers_of(dense) == want);
    if (!hll::is_dense(s)) FUZZ_CHECK(s.size() <= std::max<size_t>(sparse_max, v.size()));
  }
  FUZZ_CHECK(*hll::estimate(s) == *hll::estimate(dense));

  std::string target = hll::create();
  FUZZ_CHECK(hll::store_merged(target, want, (mode & 16) != 0, sparse_max));
  FUZZ_CHECK(*hll::registers_of(target) == want);
  FUZZ_CHECK(!hll::cache_valid(target));
  return 0;
}
