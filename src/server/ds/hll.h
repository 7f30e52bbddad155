// HyperLogLog values byte-for-byte as Redis 7.0 stores them in a string key: the 16-byte "HYLL" header
// with its cached cardinality, the sparse (run-length) and dense (16384 six-bit registers) encodings,
// MurmurHash64A with Redis's seed, the same register updates and the same estimator (Ertl's, as
// hllCount), so PFADD/PFCOUNT/PFMERGE answer exactly what Redis answers and GET returns the same bytes.
//
// The functions work on the raw value of a string key. How the commands compose them, as Redis 7.0 does:
//   PFADD k e...   missing key: v = create(), changed = true; else is_hll(v) or WRONGTYPE error.
//                  for each e: add(v, e, sparse_max) -> kChanged sets changed, kInvalid -> INVALIDOBJ
//                  (stop there; earlier changes stay). If the key was created, invalidate_cache(v).
//                  Reply changed ? 1 : 0.
//   PFCOUNT k      missing: 0. !is_hll: WRONGTYPE. count(v) (updates the cached value in v, which is a
//                  modification to propagate when the cache was stale); nullopt -> INVALIDOBJ.
//   PFCOUNT k...   Registers r{} ; for each existing key: !is_hll -> WRONGTYPE, !merge_into(r, v) ->
//                  INVALIDOBJ. Reply count_registers(r). Nothing is written.
//   PFMERGE d s... Registers r{}, dense = false; for d and every s that exists (d first, like Redis):
//                  !is_hll -> WRONGTYPE; dense |= is_dense(v); !merge_into -> INVALIDOBJ.
//                  Then dest = existing d or create(); store_merged(dest, r, dense, sparse_max).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace codis::server::ds::hll {

inline constexpr size_t kHeaderSize = 16;
inline constexpr int kP = 14;
inline constexpr size_t kRegisters = size_t{1} << kP;  // 16384
inline constexpr int kBits = 6;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * kBits + 7) / 8;  // 12304
inline constexpr size_t kDefaultSparseMaxBytes = 3000;                            // hll-sparse-max-bytes

inline constexpr uint8_t kEncodingDense = 0;
inline constexpr uint8_t kEncodingSparse = 1;

// Error replies, word for word.
inline constexpr std::string_view kWrongTypeError = "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view kInvalidObjError = "INVALIDOBJ Corrupted HLL object detected";

// One byte per register: the working form of multi-key PFCOUNT and PFMERGE.
using Registers = std::array<uint8_t, kRegisters>;

// Redis's MurmurHash64A (endian-neutral variant), the hash HyperLogLog uses with seed 0xadc83b19.
uint64_t murmur64a(std::string_view data, uint64_t seed);

// The register an element maps to and the length of its "0..01" run (1..51), as hllPatLen.
struct Pattern {
  uint32_t index;
  uint8_t count;
};
Pattern pattern_of(std::string_view element);

// An empty HLL as PFADD creates it: sparse, one XZERO run covering all registers, cached count 0.
std::string create();

// isHLLObjectOrReply's checks on a string value: long enough for the header, "HYLL" magic, a known
// encoding, and the exact size when dense. Sparse bodies are only checked when read (INVALIDOBJ).
bool is_hll(std::string_view value);
// Both require is_hll(value).
inline bool is_dense(std::string_view value) {
  return static_cast<uint8_t>(value[4]) == kEncodingDense;
}
std::string_view encoding_name(std::string_view value);  // "dense" / "sparse" (PFDEBUG ENCODING)

enum class AddOutcome : uint8_t { kUnchanged, kChanged, kInvalid };

// Adds one element (hllAdd). kChanged when a register grew; the cached count is then marked stale.
// A sparse value is promoted to dense when a register would exceed 32 or the sparse body would grow
// past sparse_max_bytes (header included). kInvalid: corrupted sparse body (value possibly unchanged).
// Requires is_hll(value).
AddOutcome add(std::string& value, std::string_view element, size_t sparse_max_bytes);

// Sets register `index` to `count` if that raises it (hllDenseSet / hllSparseSet), same outcomes as add.
AddOutcome set_register(std::string& value, uint32_t index, uint8_t count, size_t sparse_max_bytes);

// Marks the cached cardinality stale (the MSB of the last header byte).
void invalidate_cache(std::string& value);
bool cache_valid(std::string_view value);

// PFCOUNT of one key: the cached count when valid, else the estimate, written back into the header.
// nullopt: corrupted sparse body (value unchanged). Requires is_hll(value).
std::optional<uint64_t> count(std::string& value);
// The estimate without reading or writing the cache.
std::optional<uint64_t> estimate(std::string_view value);

// registers[i] = max(registers[i], value's register i) (hllMerge). false: corrupted sparse body.
bool merge_into(Registers& registers, std::string_view value);
// The estimate of a one-byte-per-register array (multi-key PFCOUNT).
uint64_t count_registers(const Registers& registers);

// PFMERGE's write: converts `dest` (a valid HLL, possibly fresh from create()) to dense when
// `use_dense`, raises its registers to `registers`, marks the cache stale. false: dest is a corrupted
// sparse value that could not be converted.
bool store_merged(std::string& dest, const Registers& registers, bool use_dense, size_t sparse_max_bytes);

// hllSparseToDense: a dense value stays as is. false: corrupted sparse body (value unchanged).
bool to_dense(std::string& value);

// All registers of a valid value (PFDEBUG GETREG without the conversion). nullopt when corrupted.
std::optional<Registers> registers_of(std::string_view value);

}  // namespace codis::server::ds::hll
