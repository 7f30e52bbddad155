// BITFIELD key [GET type offset | SET type offset value | INCRBY type offset incr | OVERFLOW WRAP|SAT|FAIL]
// ... and BITFIELD_RO key [GET type offset ...], as Redis 7.0's bitfieldGeneric: every operation is parsed
// (and every argument error answered) before the key is touched; writes grow the string once, to the
// farthest bit written; fields are big-endian bit strings, i1..i64 and u1..u63.
#include <absl/container/inlined_vector.h>

#include "server/families/bit_cmds.h"
#include "server/families/util.h"

namespace codis::server::bits {

namespace {

enum class Opcode : uint8_t { kGet, kSet, kIncrBy };
enum class Overflow : uint8_t { kWrap, kSat, kFail };

struct FieldOp {
  Opcode opcode;
  Overflow overflow;
  bool sign;
  int bits;
  uint64_t offset;
  int64_t value;  // SET's value or INCRBY's increment
};

constexpr std::string_view kBadType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

// "i1".."i64", "u1".."u63". Redis reads the width as a C string, so it stops at a NUL byte.
bool parse_type(CommandContext& ctx, std::string_view arg, bool* sign, int* bits) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) {
    ctx.out.error(kBadType);
    return false;
  }
  *sign = arg[0] == 'i';
  std::string_view width = arg.substr(1);
  width = width.substr(0, width.find('\0'));
  int64_t n;
  if (!resp::parse_ll(width, &n) || n < 1 || n > (*sign ? 64 : 63)) {
    ctx.out.error(kBadType);
    return false;
  }
  *bits = static_cast<int>(n);
  return true;
}

// The `bits`-wide field at bit `offset`, reading zeros past the end of `s`.
uint64_t read_field(std::string_view s, uint64_t offset, int bits) {
  const uint64_t byte = offset >> 3;
  const unsigned shift = offset & 7;
  // The 72 bits from `byte` on, big-endian: a field of up to 64 bits at `shift` lies inside them.
  unsigned __int128 window = 0;
  for (uint64_t i = 0; i < 9; ++i) {
    const uint64_t at = byte + i;
    window = (window << 8) | (at < s.size() ? static_cast<uint8_t>(s[at]) : 0u);
  }
  const uint64_t top = static_cast<uint64_t>(window >> (8 - shift));  // 64 bits starting at offset
  return bits == 64 ? top : top >> (64 - bits);
}

// Stores the low `bits` bits of v at bit `offset`; the string holds every byte the field touches.
void write_field(char* p, uint64_t offset, int bits, uint64_t v) {
  const uint64_t byte = offset >> 3;
  const uint64_t last = (offset + static_cast<uint64_t>(bits) - 1) >> 3;
  const unsigned shift = offset & 7;
  const uint64_t n = last - byte + 1;  // 1..9 bytes
  unsigned __int128 window = 0;
  for (uint64_t i = 0; i < n; ++i) window = (window << 8) | static_cast<uint8_t>(p[byte + i]);
  const unsigned low =
      static_cast<unsigned>(n * 8) - shift - static_cast<unsigned>(bits);  // bits after field
  const uint64_t fmask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  const unsigned __int128 mask = static_cast<unsigned __int128>(fmask) << low;
  window = (window & ~mask) | (static_cast<unsigned __int128>(v & fmask) << low);
  for (uint64_t i = n; i-- > 0;) {
    p[byte + i] = static_cast<char>(static_cast<uint8_t>(window));
    window >>= 8;
  }
}

int64_t to_signed(uint64_t u, int bits) {
  if (bits < 64 && (u & (uint64_t{1} << (bits - 1))) != 0) u |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(u);
}

// checkUnsignedBitfieldOverflow: whether value + incr leaves [0, 2^bits - 1]; *limit is the wrapped or
// saturated result (untouched for FAIL).
bool unsigned_overflow(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* limit) {
  const uint64_t max = (uint64_t{1} << bits) - 1;  // bits <= 63
  const auto maxincr = static_cast<int64_t>(max - value);
  const auto minincr = static_cast<int64_t>(uint64_t{0} - value);
  bool over = false, under = false;
  if (value > max || (incr > 0 && incr > maxincr)) {
    over = true;
  } else if (incr < 0 && incr < minincr) {
    under = true;
  }
  if (!over && !under) return false;
  if (ow == Overflow::kWrap) {
    *limit = (value + static_cast<uint64_t>(incr)) & max;
  } else if (ow == Overflow::kSat) {
    *limit = over ? max : 0;
  }
  return true;
}

// checkSignedBitfieldOverflow, computed in wrapping arithmetic where Redis's could overflow.
bool signed_overflow(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* limit) {
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  const auto maxincr = static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  const auto minincr = static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  bool over = false, under = false;
  if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
    over = true;
  } else if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) {
    under = true;
  }
  if (!over && !under) return false;
  if (ow == Overflow::kWrap) {
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    *limit = to_signed(bits == 64 ? c : c & ((uint64_t{1} << bits) - 1), bits);
  } else if (ow == Overflow::kSat) {
    *limit = over ? max : min;
  }
  return true;
}

// Parses the operations; false after replying an error.
bool parse_ops(CommandContext& ctx, absl::InlinedVector<FieldOp, 4>* ops, bool* readonly) {
  Overflow overflow = Overflow::kWrap;
  *readonly = true;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const size_t rest = ctx.argc() - j - 1;
    std::string_view sub = ctx.arg(j);
    Opcode opcode;
    if (iequals(sub, "get") && rest >= 2) {
      opcode = Opcode::kGet;
    } else if (iequals(sub, "set") && rest >= 3) {
      opcode = Opcode::kSet;
    } else if (iequals(sub, "incrby") && rest >= 3) {
      opcode = Opcode::kIncrBy;
    } else if (iequals(sub, "overflow") && rest >= 1) {
      std::string_view kind = ctx.arg(++j);
      if (iequals(kind, "wrap")) {
        overflow = Overflow::kWrap;
      } else if (iequals(kind, "sat")) {
        overflow = Overflow::kSat;
      } else if (iequals(kind, "fail")) {
        overflow = Overflow::kFail;
      } else {
        ctx.out.error("ERR Invalid OVERFLOW type specified");
        return false;
      }
      continue;
    } else {
      ctx.out.error(err::kSyntax);
      return false;
    }
    FieldOp op{opcode, overflow, false, 0, 0, 0};
    if (!parse_type(ctx, ctx.arg(j + 1), &op.sign, &op.bits)) return false;
    if (!parse_bit_offset(ctx, ctx.arg(j + 2), true, op.bits, &op.offset)) return false;
    if (opcode != Opcode::kGet) {
      *readonly = false;
      if (!parse_int(ctx, ctx.arg(j + 3), &op.value)) return false;
    }
    ops->push_back(op);
    j += opcode == Opcode::kGet ? 2 : 3;
  }
  return true;
}

enum class WriteResult : uint8_t { kRefused, kSame, kChanged };

// SET or INCRBY on a string that holds the field. Replies the old value (SET) or the new one (INCRBY),
// or null when OVERFLOW FAIL refuses.
WriteResult write_op(CommandContext& ctx, char* p, size_t len, const FieldOp& op) {
  const uint64_t old_bits = read_field(std::string_view(p, len), op.offset, op.bits);
  uint64_t new_bits;
  bool overflow;
  if (op.sign) {
    const int64_t oldval = to_signed(old_bits, op.bits);
    int64_t limit = 0, newval;
    if (op.opcode == Opcode::kIncrBy) {
      overflow = signed_overflow(oldval, op.value, op.bits, op.overflow, &limit);
      newval = overflow
                   ? limit
                   : static_cast<int64_t>(static_cast<uint64_t>(oldval) + static_cast<uint64_t>(op.value));
    } else {
      overflow = signed_overflow(op.value, 0, op.bits, op.overflow, &limit);
      newval = overflow ? limit : op.value;
    }
    if (overflow && op.overflow == Overflow::kFail) {
      ctx.out.null();
      return WriteResult::kRefused;
    }
    ctx.out.integer(op.opcode == Opcode::kIncrBy ? newval : oldval);
    new_bits = static_cast<uint64_t>(newval);
  } else {
    const uint64_t oldval = old_bits;
    uint64_t limit = 0, newval;
    if (op.opcode == Opcode::kIncrBy) {
      overflow = unsigned_overflow(oldval, op.value, op.bits, op.overflow, &limit);
      newval = overflow ? limit : oldval + static_cast<uint64_t>(op.value);
    } else {
      overflow = unsigned_overflow(static_cast<uint64_t>(op.value), 0, op.bits, op.overflow, &limit);
      newval = overflow ? limit : static_cast<uint64_t>(op.value);
    }
    if (overflow && op.overflow == Overflow::kFail) {
      ctx.out.null();
      return WriteResult::kRefused;
    }
    ctx.out.integer(static_cast<int64_t>(op.opcode == Opcode::kIncrBy ? newval : oldval));
    new_bits = newval;
  }
  const uint64_t fmask = op.bits == 64 ? ~uint64_t{0} : (uint64_t{1} << op.bits) - 1;
  write_field(p, op.offset, op.bits, new_bits);
  return (new_bits & fmask) != old_bits ? WriteResult::kChanged : WriteResult::kSame;
}

void reply_get(CommandContext& ctx, std::string_view s, const FieldOp& op) {
  const uint64_t v = read_field(s, op.offset, op.bits);
  ctx.out.integer(op.sign ? to_signed(v, op.bits) : static_cast<int64_t>(v));
}

void bitfield_generic(CommandContext& ctx, bool ro_command) {
  absl::InlinedVector<FieldOp, 4> ops;
  bool readonly;
  if (!parse_ops(ctx, &ops, &readonly)) return;
  const std::string_view key = ctx.arg(1);
  if (readonly) {
    bool wrong;
    const Entry* e = lookup_typed(ctx, key, ObjType::kString, &wrong);
    if (wrong) return;
    const std::string_view s = e == nullptr ? std::string_view() : bytes_of(*e);
    ctx.out.array(ops.size());
    for (const FieldOp& op : ops) reply_get(ctx, s, op);
    return;
  }
  if (ro_command) {
    ctx.out.error("ERR BITFIELD_RO only supports the GET subcommand");
    return;
  }
  uint64_t highest = 0;
  for (const FieldOp& op : ops) {
    if (op.opcode != Opcode::kGet)
      highest = std::max(highest, op.offset + static_cast<uint64_t>(op.bits) - 1);
  }
  bool dirty;
  Entry* e = string_for_bit_write(ctx, key, highest, &dirty);
  if (e == nullptr) return;
  auto&& s = e->value.str();
  bool changed = false;
  ctx.out.array(ops.size());
  for (const FieldOp& op : ops) {
    if (op.opcode == Opcode::kGet) {
      reply_get(ctx, std::string_view(s), op);
    } else {
      // Like Redis 7.0, growing the string counts as a change only through an operation that writes.
      const WriteResult w = write_op(ctx, s.data(), s.size(), op);
      changed |= w == WriteResult::kChanged || (dirty && w == WriteResult::kSame);
    }
  }
  if (changed) ctx.touched(key);
}

}  // namespace

void cmd_bitfield(CommandContext& ctx) {
  bitfield_generic(ctx, false);
}

void cmd_bitfield_ro(CommandContext& ctx) {
  bitfield_generic(ctx, true);
}

}  // namespace codis::server::bits
