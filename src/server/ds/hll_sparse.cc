// The sparse HLL encoding: raising one register in place (splitting a run into at most three opcodes,
// then merging equal neighbouring VAL opcodes) and the promotion to dense. The byte sequences produced
// must be those of Redis 7.0's hllSparseSet, since GET exposes them and replicas compare them.
#include <cstring>
#include <optional>

#include "server/ds/hll_format.h"

namespace codis::server::ds::hll::fmt {
namespace {

// The opcode covering register `index`, found by walking the runs from the start.
struct Found {
  size_t pos;      // offset of the opcode in the value
  size_t prev;     // offset of the opcode before it, or 0 when it is the first
  uint64_t first;  // first register it covers (64 bits: corrupted runs may sum past 2^32)
  Op op;
};

std::optional<Found> find_op(std::string_view value, uint32_t index) {
  size_t p = kHeaderSize;
  size_t prev = 0;
  uint64_t first = 0;
  Op op{0, 0, 1};
  while (p < value.size()) {
    op = decode_op(value, p);
    if (index <= first + op.run - 1) break;
    prev = p;
    p += op.width;
    first += op.run;
  }
  // Ran off the end: the runs do not reach `index` (corrupted, or an empty body).
  if (op.run == 0 || p >= value.size()) return std::nullopt;
  return Found{p, prev, first, op};
}

// Writes the opcodes for `len` zero registers (one ZERO up to 64, else one XZERO).
uint8_t* put_zeros(uint8_t* n, uint32_t len) {
  if (len > kSparseZeroMaxLen) {
    make_xzero(n, len);
    return n + 2;
  }
  *n = make_zero(len);
  return n + 1;
}

// Replaces the opcode at `pos` (`old_width` bytes) with `seq`. When the opcode is cut short by the end
// of a corrupted value, Redis still sizes the result as old size + (new - old width), dropping the tail
// of `seq`; we produce the same bytes.
void splice(std::string& value, size_t pos, size_t old_width, const uint8_t* seq, size_t seq_len) {
  if (pos + old_width <= value.size()) {
    value.replace(pos, old_width, reinterpret_cast<const char*>(seq), seq_len);
    return;
  }
  const size_t new_size = value.size() + seq_len - old_width;
  std::string out;
  out.reserve(new_size);
  out.append(value, 0, pos);
  out.append(reinterpret_cast<const char*>(seq), seq_len);
  if (pos + old_width < value.size()) out.append(value, pos + old_width, std::string::npos);
  out.resize(new_size);
  value.swap(out);
}

// Merges adjacent VAL opcodes of equal value (total run <= 4) over the few opcodes after `from`, as
// Redis does after every update: at most five steps, a merge not advancing.
void merge_vals(std::string& value, size_t from) {
  size_t p = from;
  int steps = 5;
  while (p < value.size() && steps-- > 0) {
    const uint8_t b = static_cast<uint8_t>(value[p]);
    if (is_xzero(b)) {
      p += 2;
      continue;
    }
    if (is_zero(b)) {
      p += 1;
      continue;
    }
    if (p + 1 < value.size() && is_val(static_cast<uint8_t>(value[p + 1]))) {
      const uint8_t nb = static_cast<uint8_t>(value[p + 1]);
      const uint32_t v = val_value(b);
      const uint32_t len = val_len(b) + val_len(nb);
      if (v == val_value(nb) && len <= kSparseValMaxLen) {
        value[p + 1] = static_cast<char>(make_val(v, len));
        value.erase(p, 1);
        continue;
      }
    }
    p += 1;
  }
}

AddOutcome promote_and_set(std::string& value, uint32_t index, uint8_t count) {
  if (!sparse_to_dense(value)) return AddOutcome::kInvalid;
  uint8_t* regs = reinterpret_cast<uint8_t*>(value.data()) + kHeaderSize;
  if (dense_get(regs, index) >= count) return AddOutcome::kUnchanged;
  dense_put(regs, index, count);
  return AddOutcome::kChanged;
}

}  // namespace

bool sparse_to_dense(std::string& value) {
  if (static_cast<uint8_t>(value[4]) == kEncodingDense) return true;
  std::string dense(kDenseSize, '\0');
  // The header is copied whole (magic, reserved bytes and cached count), only the encoding changes.
  std::memcpy(dense.data(), value.data(), kHeaderSize);
  dense[4] = static_cast<char>(kEncodingDense);
  uint8_t* regs = reinterpret_cast<uint8_t*>(dense.data()) + kHeaderSize;
  const bool ok = for_each_sparse_run(value, [&](size_t first, uint32_t run, uint32_t v) {
    if (v == 0) return;
    for (size_t i = first; i < first + run; ++i) dense_put(regs, i, static_cast<uint8_t>(v));
  });
  if (!ok) return false;
  value.swap(dense);
  return true;
}

AddOutcome sparse_set(std::string& value, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  // A VAL opcode holds at most 32: larger registers need the dense form.
  if (count > kSparseValMaxValue) return promote_and_set(value, index, count);

  const std::optional<Found> f = find_op(value, index);
  if (!f) return AddOutcome::kInvalid;
  const Op op = f->op;
  const size_t merge_from = f->prev != 0 ? f->prev : kHeaderSize;

  if (op.value != 0) {
    // The register already holds as much: nothing to do, whatever the run.
    if (op.value >= count) return AddOutcome::kUnchanged;
    // A run of one: rewrite it in place.
    if (op.run == 1) {
      value[f->pos] = static_cast<char>(make_val(count, 1));
      merge_vals(value, merge_from);
      invalidate_cache(value);
      return AddOutcome::kChanged;
    }
  } else if (op.width == 1 && op.run == 1) {
    // A ZERO of one register becomes a VAL of one.
    value[f->pos] = static_cast<char>(make_val(count, 1));
    merge_vals(value, merge_from);
    invalidate_cache(value);
    return AddOutcome::kChanged;
  }

  // General case: split the run into [before] VAL(count,1) [after], at most XZERO-VAL-XZERO (5 bytes).
  uint8_t seq[5];
  uint8_t* n = seq;
  // The run covers `index` and is at most 16384 long, so both parts fit an opcode.
  const auto before = static_cast<uint32_t>(index - f->first);
  const uint32_t after = op.run - 1 - before;
  if (op.value == 0) {
    if (before != 0) n = put_zeros(n, before);
    *n++ = make_val(count, 1);
    if (after != 0) n = put_zeros(n, after);
  } else {
    if (before != 0) *n++ = make_val(op.value, before);
    *n++ = make_val(count, 1);
    if (after != 0) *n++ = make_val(op.value, after);
  }
  const size_t seq_len = static_cast<size_t>(n - seq);
  if (seq_len > op.width && value.size() + (seq_len - op.width) > sparse_max_bytes) {
    return promote_and_set(value, index, count);
  }
  splice(value, f->pos, op.width, seq, seq_len);
  merge_vals(value, merge_from);
  invalidate_cache(value);
  return AddOutcome::kChanged;
}

}  // namespace codis::server::ds::hll::fmt
