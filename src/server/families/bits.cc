// Bit commands on string values: SETBIT GETBIT BITCOUNT BITPOS here, BITOP (bitop.cc), BITFIELD and
// BITFIELD_RO (bitfield.cc), LCS (lcs.cc). Bit 0 is the most significant bit of the first byte.
#include <bit>
#include <cstring>

#include "server/encoding.h"
#include "server/families/bit_cmds.h"
#include "server/families/util.h"

namespace codis::server {

namespace bits {

bool parse_bit_offset(CommandContext& ctx, std::string_view arg, bool hash, int bits, uint64_t* out) {
  const bool use_hash = hash && bits > 0 && !arg.empty() && arg[0] == '#';
  int64_t v;
  if (!resp::parse_ll(use_hash ? arg.substr(1) : arg, &v)) {
    ctx.out.error("ERR bit offset is not an integer or out of range");
    return false;
  }
  // Redis multiplies in a long long; wrap-around lands negative or huge and is refused below.
  if (use_hash) v = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(bits));
  if (v < 0 || (v >> 3) >= ctx.server.config().proto_max_bulk_len) {
    ctx.out.error("ERR bit offset is not an integer or out of range");
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

Entry* string_for_bit_write(CommandContext& ctx, std::string_view key, uint64_t max_bit, bool* dirty) {
  const size_t need = static_cast<size_t>(max_bit >> 3) + 1;
  Db& db = ctx.db();
  Entry* e = db.find(key, ctx.now_ms);
  if (e == nullptr) {
    e = &db.set(key, Object(std::string()));
    e->value.str().resize(need);
    mark_raw_string(e->value);
    *dirty = true;
    return e;
  }
  if (!e->value.is(ObjType::kString)) {
    ctx.out.error(err::kWrongType);
    return nullptr;
  }
  // Redis unshares the value for the write: it is "raw" from now on, whether or not a bit changes.
  mark_raw_string(e->value);
  auto&& s = e->value.str();
  *dirty = s.size() < need;
  if (*dirty) s.resize(need);
  return e;
}

}  // namespace bits

namespace {

using bits::bytes_of;

// A big-endian 64-bit load: bit 0 of the string is the word's most significant bit.
uint64_t load_be(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
  return w;
}

// Set bits of p[0, n), 32 bytes a step. Inlined into a popcnt-enabled copy and a portable one.
[[gnu::always_inline]] inline uint64_t popcount_loop(const uint8_t* p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    uint64_t w[4];
    std::memcpy(w, p + i, 32);
    count += std::popcount(w[0]) + std::popcount(w[1]) + std::popcount(w[2]) + std::popcount(w[3]);
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    count += std::popcount(w);
  }
  for (; i < n; ++i) count += std::popcount(p[i]);
  return count;
}

#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("popcnt")]] uint64_t popcount_hw(const uint8_t* p, size_t n) {
  return popcount_loop(p, n);
}
uint64_t popcount_bytes(const uint8_t* p, size_t n) {
  static const bool hw = __builtin_cpu_supports("popcnt");
  return hw ? popcount_hw(p, n) : popcount_loop(p, n);
}
#else
uint64_t popcount_bytes(const uint8_t* p, size_t n) {
  return popcount_loop(p, n);
}
#endif

// Bits [lo, hi] (inclusive, lo <= hi, both inside the string) set to one.
uint64_t count_bits(std::string_view s, uint64_t lo, uint64_t hi) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint64_t first = lo >> 3, last = hi >> 3;
  uint64_t count = popcount_bytes(p + first, last - first + 1);
  // Take back the bits of the edge bytes outside the range.
  const auto head = static_cast<uint8_t>(0xff00u >> (lo & 7));      // bits before lo in its byte
  const auto tail = static_cast<uint8_t>(0xffu >> ((hi & 7) + 1));  // bits after hi in its byte
  count -= std::popcount(static_cast<uint8_t>(p[first] & head));
  count -= std::popcount(static_cast<uint8_t>(p[last] & tail));
  return count;
}

// The first bit equal to `bit` in [lo, hi] (inclusive, inside the string), or -1.
int64_t find_bit(std::string_view s, uint64_t lo, uint64_t hi, bool bit) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t flip = bit ? 0 : 0xff;  // searching set bits of the byte xor flip
  const uint64_t first = lo >> 3, last = hi >> 3;
  auto byte_at = [&](uint64_t i) -> uint8_t {
    auto b = static_cast<uint8_t>(p[i] ^ flip);
    if (i == first) b &= static_cast<uint8_t>(0xffu >> (lo & 7));
    if (i == last) b &= static_cast<uint8_t>(0xff00u >> ((hi & 7) + 1));
    return b;
  };
  uint64_t i = first;
  // The first byte (it may be masked), then whole words, then bytes.
  if (uint8_t b = byte_at(i); b != 0) return static_cast<int64_t>(i * 8 + std::countl_zero(b));
  ++i;
  const uint64_t wflip = bit ? 0 : ~uint64_t{0};
  for (; i + 8 <= last; i += 8) {  // words that end before the last byte, which may be masked
    if (const uint64_t w = load_be(p + i) ^ wflip; w != 0) {
      return static_cast<int64_t>(i * 8 + std::countl_zero(w));
    }
  }
  for (; i <= last; ++i) {
    if (uint8_t b = byte_at(i); b != 0) return static_cast<int64_t>(i * 8 + std::countl_zero(b));
  }
  return -1;
}

// BITCOUNT / BITPOS range: Redis's index conversion in bytes or bits, then the bit range [lo, hi].
struct BitRange {
  bool empty = false;
  uint64_t lo = 0, hi = 0;
};

BitRange to_bit_range(int64_t start, int64_t end, int64_t strlen, bool isbit) {
  const int64_t total = isbit ? strlen * 8 : strlen;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  BitRange r;
  if (start > end) {
    r.empty = true;
    return r;
  }
  r.lo = isbit ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  r.hi = isbit ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  return r;
}

// "BYTE" / "BIT" (any case); replies a syntax error otherwise.
bool parse_unit(CommandContext& ctx, std::string_view arg, bool* isbit) {
  if (iequals(arg, "bit")) {
    *isbit = true;
  } else if (iequals(arg, "byte")) {
    *isbit = false;
  } else {
    ctx.out.error(err::kSyntax);
    return false;
  }
  return true;
}

// SETBIT key offset 0|1
void cmd_setbit(CommandContext& ctx) {
  constexpr std::string_view kBadBit = "ERR bit is not an integer or out of range";
  uint64_t offset;
  if (!bits::parse_bit_offset(ctx, ctx.arg(2), false, 0, &offset)) return;
  int64_t on;
  if (!resp::parse_ll(ctx.arg(3), &on) || (on & ~int64_t{1}) != 0) {
    ctx.out.error(kBadBit);
    return;
  }
  bool dirty;
  Entry* e = bits::string_for_bit_write(ctx, ctx.arg(1), offset, &dirty);
  if (e == nullptr) return;
  auto&& s = e->value.str();
  const size_t byte = static_cast<size_t>(offset >> 3);
  const auto mask = static_cast<uint8_t>(0x80u >> (offset & 7));
  const auto old = static_cast<uint8_t>(s[byte]);
  const bool was = (old & mask) != 0;
  if (dirty || was != (on != 0)) {
    s[byte] = static_cast<char>(on != 0 ? (old | mask) : (old & ~mask));
    ctx.touched(ctx.arg(1));
  }
  ctx.out.integer(was ? 1 : 0);
}

// GETBIT key offset
void cmd_getbit(CommandContext& ctx) {
  uint64_t offset;
  if (!bits::parse_bit_offset(ctx, ctx.arg(2), false, 0, &offset)) return;
  bool wrong;
  const Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kString, &wrong);
  if (wrong) return;
  int bit = 0;
  if (e != nullptr) {
    std::string_view s = bytes_of(*e);
    const uint64_t byte = offset >> 3;
    if (byte < s.size()) bit = (static_cast<uint8_t>(s[byte]) >> (7 - (offset & 7))) & 1;
  }
  ctx.out.integer(bit);
}

// BITCOUNT key [start end [BYTE | BIT]]. Redis 7.0 looks the key up before reading the range, so a
// missing key answers 0 whatever follows.
void cmd_bitcount(CommandContext& ctx) {
  bool wrong;
  const Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kString, &wrong);
  if (wrong) return;
  if (e == nullptr) {
    ctx.out.integer(0);
    return;
  }
  std::string_view s = bytes_of(*e);
  const auto len = static_cast<int64_t>(s.size());
  BitRange r;
  if (ctx.argc() == 4 || ctx.argc() == 5) {
    int64_t start, end;
    bool isbit = false;
    if (!parse_int(ctx, ctx.arg(2), &start) || !parse_int(ctx, ctx.arg(3), &end)) return;
    // Redis 7.0 answers a reversed pair of negative indexes before it reads the unit (BITPOS does not).
    if (start < 0 && end < 0 && start > end) {
      ctx.out.integer(0);
      return;
    }
    if (ctx.argc() == 5 && !parse_unit(ctx, ctx.arg(4), &isbit)) return;
    r = to_bit_range(start, end, len, isbit);
  } else if (ctx.argc() == 2) {
    r = to_bit_range(0, -1, len, false);
  } else {
    ctx.out.error(err::kSyntax);
    return;
  }
  ctx.out.integer(r.empty ? 0 : static_cast<int64_t>(count_bits(s, r.lo, r.hi)));
}

// BITPOS key bit [start [end [BYTE | BIT]]]. A missing key is all zeros (0 for a clear bit, -1 for a set
// one). Without an explicit end the string counts as zero-padded on the right, so a clear bit not found
// is the first bit past the string; with an end given it is -1.
void cmd_bitpos(CommandContext& ctx) {
  int64_t bit;
  if (!parse_int(ctx, ctx.arg(2), &bit)) return;
  if (bit != 0 && bit != 1) {
    ctx.out.error("ERR The bit argument must be 1 or 0.");
    return;
  }
  bool wrong;
  const Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kString, &wrong);
  if (wrong) return;
  if (e == nullptr) {
    ctx.out.integer(bit ? -1 : 0);
    return;
  }
  std::string_view s = bytes_of(*e);
  const auto len = static_cast<int64_t>(s.size());
  bool end_given = false;
  BitRange r;
  if (ctx.argc() >= 4 && ctx.argc() <= 6) {
    int64_t start, end;
    bool isbit = false;
    if (!parse_int(ctx, ctx.arg(3), &start)) return;
    if (ctx.argc() == 6 && !parse_unit(ctx, ctx.arg(5), &isbit)) return;
    if (ctx.argc() >= 5) {
      if (!parse_int(ctx, ctx.arg(4), &end)) return;
      end_given = true;
    } else {
      end = isbit ? len * 8 + 7 : len - 1;
    }
    r = to_bit_range(start, end, len, isbit);
  } else if (ctx.argc() == 3) {
    r = to_bit_range(0, -1, len, false);
  } else {
    ctx.out.error(err::kSyntax);
    return;
  }
  if (r.empty) {
    ctx.out.integer(-1);
    return;
  }
  int64_t pos = find_bit(s, r.lo, r.hi, bit != 0);
  if (pos < 0 && bit == 0 && !end_given) pos = static_cast<int64_t>(r.hi + 1);
  ctx.out.integer(pos);
}

}  // namespace

void register_bit_family(Registry& r) {
  r.add("setbit", cmd_setbit);
  r.add("getbit", cmd_getbit);
  r.add("bitcount", cmd_bitcount);
  r.add("bitpos", cmd_bitpos);
  r.add("bitop", bits::cmd_bitop);
  r.add("bitfield", bits::cmd_bitfield);
  r.add("bitfield_ro", bits::cmd_bitfield_ro);
  r.add("lcs", bits::cmd_lcs);
}

}  // namespace codis::server
