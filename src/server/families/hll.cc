// HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST on string values holding Redis 7.0's exact
// HLL bytes (ds/hll.h does the encoding; this file composes it as hyperloglog.c's commands do).
#include <string>
#include <type_traits>

#include "server/ds/hll.h"
#include "server/ds/hll_format.h"
#include "server/encoding.h"
#include "server/families/util.h"

namespace codis::server {

namespace {

namespace hll = ds::hll;

// Runs fn(std::string&) on a string value: the codec edits a std::string. When the value is not one, it
// is copied out and back (once per command, not per element).
template <class Fn>
auto edit_value(Object& obj, Fn&& fn) {
  decltype(auto) s = obj.str();
  using S = std::remove_cvref_t<decltype(s)>;
  if constexpr (std::is_same_v<S, std::string>) {
    return fn(s);
  } else {
    std::string tmp{std::string_view(s)};
    auto r = fn(tmp);
    s.assign(std::string_view(tmp));
    return r;
  }
}

size_t sparse_max(CommandContext& ctx) {
  return static_cast<size_t>(ctx.server.config().hll_sparse_max_bytes);
}

// isHLLObjectOrReply: a string (else the generic WRONGTYPE) holding a valid HLL header (else the HLL one).
bool check_hll(CommandContext& ctx, const Entry& e) {
  if (!e.value.is(ObjType::kString)) {
    ctx.out.error(err::kWrongType);
    return false;
  }
  if (!hll::is_hll(std::string_view(e.value.str()))) {
    ctx.out.error(hll::kWrongTypeError);
    return false;
  }
  return true;
}

// lookupKeyRead (counting hits and misses) then isHLLObjectOrReply: nullptr when the key is missing or
// after replying an error (*failed).
Entry* find_hll(CommandContext& ctx, std::string_view key, bool* failed) {
  Entry* e = lookup_typed(ctx, key, ObjType::kString, failed);
  if (e != nullptr && !hll::is_hll(std::string_view(e->value.str()))) {
    ctx.out.error(hll::kWrongTypeError);
    *failed = true;
    return nullptr;
  }
  return e;
}

// PFADD into a dense value, in place (a dense value never changes size): raises each element's register.
bool add_dense_in_place(CommandContext& ctx, Object& obj) {
  auto* regs = reinterpret_cast<uint8_t*>(obj.str().data()) + hll::kHeaderSize;
  bool changed = false;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const hll::Pattern p = hll::pattern_of(ctx.arg(j));
    if (hll::fmt::dense_get(regs, p.index) < p.count) {
      hll::fmt::dense_put(regs, p.index, p.count);
      changed = true;
    }
  }
  return changed;
}

// The cached cardinality: eight little-endian bytes after the encoding, the top bit marking it stale.
constexpr size_t kCardOffset = 8;

void mark_stale(Object& obj) {
  char& b = obj.str()[kCardOffset + 7];
  b = static_cast<char>(static_cast<uint8_t>(b) | 0x80);
}

// PFADD key [element ...]
void cmd_pfadd(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  Db& db = ctx.db();
  Entry* e = db.find(key, ctx.now_ms);
  bool updated = false;
  if (e == nullptr) {
    e = &db.set(key, Object(hll::create()));
    updated = true;
  } else if (!check_hll(ctx, *e)) {
    return;
  }
  mark_raw_string(e->value);  // Redis unshares the value before writing: "raw" from now on
  bool invalid = false;
  if (hll::is_dense(std::string_view(e->value.str()))) {
    updated |= add_dense_in_place(ctx, e->value);
  } else {
    invalid = edit_value(e->value, [&](std::string& v) {
      for (size_t j = 2; j < ctx.argc(); ++j) {
        switch (hll::add(v, ctx.arg(j), sparse_max(ctx))) {
          case hll::AddOutcome::kChanged:
            updated = true;
            break;
          case hll::AddOutcome::kInvalid:
            return true;
          case hll::AddOutcome::kUnchanged:
            break;
        }
      }
      return false;
    });
  }
  if (invalid) {
    ctx.out.error(hll::kInvalidObjError);
    return;
  }
  if (updated) {
    mark_stale(e->value);
    ctx.touched(key);
  }
  ctx.out.integer(updated ? 1 : 0);
}

// PFCOUNT key [key ...]: one key answers (and refreshes) its cached count; several answer the count of
// their union and write nothing.
void cmd_pfcount(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    hll::Registers regs{};
    for (size_t j = 1; j < ctx.argc(); ++j) {
      bool failed;
      const Entry* e = find_hll(ctx, ctx.arg(j), &failed);
      if (failed) return;
      if (e == nullptr) continue;
      if (!hll::merge_into(regs, std::string_view(e->value.str()))) {
        ctx.out.error(hll::kInvalidObjError);
        return;
      }
    }
    ctx.out.integer(static_cast<int64_t>(hll::count_registers(regs)));
    return;
  }
  const std::string_view key = ctx.arg(1);
  bool failed;
  Entry* e = find_hll(ctx, key, &failed);
  if (failed) return;
  if (e == nullptr) {
    ctx.out.integer(0);
    return;
  }
  mark_raw_string(e->value);  // unshared for the cache write-back, as Redis does
  const std::string_view v = e->value.str();
  uint64_t card = 0;
  if (hll::cache_valid(v)) {
    for (size_t i = 8; i-- > 0;) card = (card << 8) | static_cast<uint8_t>(v[kCardOffset + i]);
  } else {
    const std::optional<uint64_t> estimate = hll::estimate(v);
    if (!estimate) {
      ctx.out.error(hll::kInvalidObjError);
      return;
    }
    // Written back in place (an estimate stays below 2^63, so the stale bit ends up clear): a change.
    card = *estimate;
    auto&& bytes = e->value.str();
    for (size_t i = 0; i < 8; ++i) bytes[kCardOffset + i] = static_cast<char>((card >> (8 * i)) & 0xff);
    ctx.touched(key);
  }
  ctx.out.integer(static_cast<int64_t>(card));
}

// PFMERGE destkey [sourcekey ...]: the destination takes part in the union.
void cmd_pfmerge(CommandContext& ctx) {
  hll::Registers regs{};
  bool use_dense = false;
  Db& db = ctx.db();
  for (size_t j = 1; j < ctx.argc(); ++j) {
    bool failed;
    const Entry* e = find_hll(ctx, ctx.arg(j), &failed);
    if (failed) return;
    if (e == nullptr) continue;
    const std::string_view v = e->value.str();
    use_dense |= hll::is_dense(v);
    if (!hll::merge_into(regs, v)) {
      ctx.out.error(hll::kInvalidObjError);
      return;
    }
  }
  const std::string_view key = ctx.arg(1);
  Entry* dest = db.find(key, ctx.now_ms);
  if (dest == nullptr) dest = &db.set(key, Object(hll::create()));
  mark_raw_string(dest->value);
  const bool ok = edit_value(
      dest->value, [&](std::string& v) { return hll::store_merged(v, regs, use_dense, sparse_max(ctx)); });
  if (!ok) {
    ctx.out.error(hll::kInvalidObjError);
    return;
  }
  ctx.touched(key);
  ctx.out.ok();
}

// PFDEBUG DECODE's text: one "z:len", "Z:len" or "v:value,len" per opcode of a sparse body.
std::string decode_sparse(std::string_view v) {
  std::string out;
  for (size_t p = hll::kHeaderSize; p < v.size();) {
    const hll::fmt::Op op = hll::fmt::decode_op(v, p);
    if (!out.empty()) out += ' ';
    if (op.value != 0) {
      out += "v:" + std::to_string(op.value) + "," + std::to_string(op.run);
    } else {
      out += (op.width == 2 ? "Z:" : "z:") + std::to_string(op.run);
    }
    p += op.width;
  }
  return out;
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
void cmd_pfdebug(CommandContext& ctx) {
  const std::string_view sub = ctx.arg(1);
  Entry* e = ctx.db().find(ctx.arg(2), ctx.now_ms);
  if (e == nullptr) {
    ctx.out.error("ERR The specified key does not exist");
    return;
  }
  if (!check_hll(ctx, *e)) return;
  mark_raw_string(e->value);  // Redis unshares the value before looking at the subcommand: "raw" from now on
  const bool getreg = iequals(sub, "getreg"), decode = iequals(sub, "decode");
  const bool encoding = iequals(sub, "encoding"), todense = iequals(sub, "todense");
  if (!getreg && !decode && !encoding && !todense) {
    ctx.out.error("ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'");
    return;
  }
  if (ctx.argc() != 3) {
    ctx.out.error("ERR wrong number of arguments for 'pfdebug' command");
    return;
  }
  if (getreg || todense) {
    // Both convert a sparse value to dense (Redis counts it as a change to propagate).
    bool converted = false;
    if (!hll::is_dense(std::string_view(e->value.str()))) {
      if (!edit_value(e->value, [](std::string& v) { return hll::to_dense(v); })) {
        ctx.out.error(hll::kInvalidObjError);
        return;
      }
      converted = true;
      ++ctx.server.stats().dirty;
    }
    if (todense) {
      ctx.out.integer(converted ? 1 : 0);
      return;
    }
    const std::optional<hll::Registers> regs = hll::registers_of(std::string_view(e->value.str()));
    ctx.out.array(hll::kRegisters);
    for (size_t j = 0; j < hll::kRegisters; ++j) ctx.out.integer(regs ? (*regs)[j] : 0);
    return;
  }
  const std::string_view v = e->value.str();
  if (encoding) {
    ctx.out.simple(hll::encoding_name(v));
    return;
  }
  if (hll::is_dense(v)) {
    ctx.out.error("ERR HLL encoding is not sparse");
    return;
  }
  ctx.out.bulk(decode_sparse(v));
}

// PFSELFTEST: checks the codec on a few thousand elements (Redis runs a longer battery) and answers OK.
void cmd_pfselftest(CommandContext& ctx) {
  std::string sparse = hll::create();
  std::string dense = hll::create();
  bool ok = hll::to_dense(dense);
  for (int i = 0; i < 5000 && ok; ++i) {
    const std::string elem = "selftest:" + std::to_string(i);
    ok = hll::add(sparse, elem, hll::kDenseSize) != hll::AddOutcome::kInvalid &&
         hll::add(dense, elem, 0) != hll::AddOutcome::kInvalid;
  }
  if (ok)
    ok = hll::registers_of(sparse) == hll::registers_of(dense) &&
         hll::estimate(sparse) == hll::estimate(dense);
  if (!ok) {
    ctx.out.error("ERR TESTFAILED sparse and dense HyperLogLogs disagree");
    return;
  }
  ctx.out.ok();
}

}  // namespace

void register_hll_family(Registry& r) {
  r.add("pfadd", cmd_pfadd);
  r.add("pfcount", cmd_pfcount);
  r.add("pfmerge", cmd_pfmerge);
  r.add("pfdebug", cmd_pfdebug);
  r.add("pfselftest", cmd_pfselftest);
}

}  // namespace codis::server
