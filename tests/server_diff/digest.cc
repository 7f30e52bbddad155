// Combining servers' DEBUG DIGESTs (see digest.h).
#include "tests/server_diff/digest.h"

#include <array>
#include <cstdint>

namespace codis::diff {
namespace {

using Bytes = std::array<uint8_t, 20>;

// Database 0's number mixed into an empty digest (mixDigest), as redis-server 7.0 computes it: measured as
// DIGEST(a) ^ DIGEST(b) ^ DIGEST(a and b), the same for any two keys.
constexpr std::string_view kDbZeroMix = "aa3098f3aae94baac14e3b8b8dcae989af93f6a2";

std::optional<Bytes> parse(std::string_view hex) {
  if (hex.size() != 40) return std::nullopt;
  Bytes out{};
  for (size_t i = 0; i < 40; ++i) {
    const char c = hex[i];
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (v < 0) return std::nullopt;
    out[i / 2] = static_cast<uint8_t>(out[i / 2] | (i % 2 == 0 ? v << 4 : v));
  }
  return out;
}

std::string format(const Bytes& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t x : b) {
    out += kHex[x >> 4];
    out += kHex[x & 15];
  }
  return out;
}

void xor_into(Bytes& acc, const Bytes& b) {
  for (size_t i = 0; i < acc.size(); ++i) acc[i] ^= b[i];
}

}  // namespace

std::optional<std::string> xor_digests(const std::vector<std::string>& hex_digests) {
  Bytes acc{};
  for (const std::string& h : hex_digests) {
    const auto b = parse(h);
    if (!b) return std::nullopt;
    xor_into(acc, *b);
  }
  return format(acc);
}

std::optional<std::string> combine_digests(const std::vector<std::string>& hex_digests) {
  const Bytes mix = *parse(kDbZeroMix);
  const Bytes zero{};
  Bytes acc{};
  bool any = false;
  for (const std::string& h : hex_digests) {
    const auto b = parse(h);
    if (!b) return std::nullopt;
    if (*b == zero) continue;  // an empty server
    any = true;
    xor_into(acc, *b);
    xor_into(acc, mix);
  }
  if (any) xor_into(acc, mix);
  return format(acc);
}

}  // namespace codis::diff
