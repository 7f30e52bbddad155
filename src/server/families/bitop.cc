// BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty strings, shorter strings are
// zero-padded to the longest; an empty result deletes the destination. Replies the result's length.
#include <cstring>
#include <vector>

#include "server/encoding.h"
#include "server/families/bit_cmds.h"
#include "server/families/util.h"

namespace codis::server::bits {

namespace {

enum class BitOp : uint8_t { kAnd, kOr, kXor, kNot };

bool parse_op(std::string_view name, BitOp* op) {
  if (iequals(name, "and")) {
    *op = BitOp::kAnd;
  } else if (iequals(name, "or")) {
    *op = BitOp::kOr;
  } else if (iequals(name, "xor")) {
    *op = BitOp::kXor;
  } else if (iequals(name, "not")) {
    *op = BitOp::kNot;
  } else {
    return false;
  }
  return true;
}

// res[0, n) = res op src[0, n), eight bytes at a time.
template <class F>
void apply(char* res, const char* src, size_t n, F f) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t a, b;
    std::memcpy(&a, res + i, 8);
    std::memcpy(&b, src + i, 8);
    a = f(a, b);
    std::memcpy(res + i, &a, 8);
  }
  for (; i < n; ++i) {
    res[i] = static_cast<char>(f(static_cast<uint8_t>(res[i]), static_cast<uint8_t>(src[i])));
  }
}

std::string compute(BitOp op, const std::vector<std::string_view>& src, size_t maxlen) {
  std::string res(maxlen, '\0');
  if (!src[0].empty()) std::memcpy(res.data(), src[0].data(), src[0].size());
  if (op == BitOp::kNot) {
    apply(res.data(), res.data(), maxlen, [](auto a, auto) { return ~a; });
    return res;
  }
  for (size_t k = 1; k < src.size(); ++k) {
    const std::string_view s = src[k];
    switch (op) {
      case BitOp::kAnd:
        apply(res.data(), s.data(), s.size(), [](auto a, auto b) { return a & b; });
        // Past its end the source is zeros.
        std::memset(res.data() + s.size(), 0, maxlen - s.size());
        break;
      case BitOp::kOr:
        apply(res.data(), s.data(), s.size(), [](auto a, auto b) { return a | b; });
        break;
      case BitOp::kXor:
        apply(res.data(), s.data(), s.size(), [](auto a, auto b) { return a ^ b; });
        break;
      case BitOp::kNot:
        break;
    }
  }
  return res;
}

}  // namespace

void cmd_bitop(CommandContext& ctx) {
  BitOp op;
  if (!parse_op(ctx.arg(1), &op)) {
    ctx.out.error(err::kSyntax);
    return;
  }
  if (op == BitOp::kNot && ctx.argc() != 4) {
    ctx.out.error("ERR BITOP NOT must be called with a single source key.");
    return;
  }
  // Look every source up first (lazy expiry may delete keys), then read them without writing.
  for (size_t i = 3; i < ctx.argc(); ++i) {
    bool wrong;
    lookup_typed(ctx, ctx.arg(i), ObjType::kString, &wrong);
    if (wrong) return;
  }
  std::vector<std::string_view> src;
  src.reserve(ctx.argc() - 3);
  size_t maxlen = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const Entry* e = ctx.db().peek(ctx.arg(i), ctx.now_ms);
    src.push_back(e == nullptr ? std::string_view() : bytes_of(*e));
    maxlen = std::max(maxlen, src.back().size());
  }
  const std::string_view dest = ctx.arg(2);
  if (maxlen > 0) {
    std::string res = compute(op, src, maxlen);
    Entry& e = ctx.db().set(dest, Object(std::move(res)));
    mark_raw_string(e.value);  // Redis stores the result as a raw string, never int or embstr
    ctx.touched(dest);
  } else if (ctx.db().remove(dest)) {
    ctx.touched(dest);
  }
  ctx.out.integer(static_cast<int64_t>(maxlen));
}

}  // namespace codis::server::bits
