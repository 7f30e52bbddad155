// HSCAN key cursor [MATCH pattern] [COUNT count] (Redis 7.0; NOVALUES is 7.4).
//
// Small hashes (those Redis would keep as a listpack: at most hash-max-listpack-entries fields, every
// field and value at most hash-max-listpack-value bytes) are returned whole with cursor 0, whatever the
// cursor and COUNT, exactly as Redis does.
//
// Larger hashes cannot use Redis's reverse-binary bucket cursor: HashValue is a std::unordered_map whose
// prime bucket counts change on rehash. Instead every field has a fixed 64-bit position
// rt::hash_bytes(field) that does not depend on the table, and the cursor is "the next position to
// visit": a call returns the matching fields at positions >= cursor, lowest first, and the cursor past the
// last position returned (0 when none are left). So Redis's guarantees hold across any inserts, deletes
// and rehashes: a field present for the whole scan is returned, and never twice (fields sharing a
// position are returned together). The price is that each call reads the whole hash (O(n)), so a call
// returns at least n/64 fields (COUNT is a hint in Redis too): a full scan then costs O(64 n) however
// small COUNT is.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rt/random.h"
#include "server/families/hash_cmds.h"
#include "server/families/util.h"
#include "server/glob.h"

namespace codis::server::hashes {

namespace {

using Field = HashValue::value_type;

constexpr uint64_t kPositionSeed = 0x68736361'6e000001ULL;  // any fixed value; cursors depend on it
constexpr size_t kMinShare = 64;                            // a call returns at least n / kMinShare

// Redis's parseScanCursorOrReply: strtoul(base 10) over the whole text. So "" is 0, "+5" is 5, "-1" wraps
// to 2^64-1, and a leading space, trailing junk or a value past 2^64-1 is "invalid cursor". Like the C
// string Redis reads, the text ends at an embedded NUL.
bool parse_cursor(std::string_view s, uint64_t* out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    ++i;
  }
  const size_t digits_at = i;
  uint64_t v = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return false;  // ERANGE
    }
    v = v * 10 + d;
  }
  if (i == digits_at) {
    // No digits: strtoul leaves the end pointer at the start, which is fine only for an empty text.
    return s.empty() || s[0] == '\0';
  }
  if (i < s.size() && s[i] != '\0') {
    return false;
  }
  *out = neg ? 0 - v : v;
  return true;
}

bool listpack_sized(const HashValue& h, const Config& c) {
  if (static_cast<int64_t>(h.size()) > c.hash_max_listpack_entries) {
    return false;
  }
  for (const auto& [f, v] : h) {
    if (static_cast<int64_t>(f.size()) > c.hash_max_listpack_value ||
        static_cast<int64_t>(v.size()) > c.hash_max_listpack_value) {
      return false;
    }
  }
  return true;
}

void reply(CommandContext& ctx, uint64_t next, const std::vector<const Field*>& found) {
  char buf[resp::kMaxIntChars];
  ctx.out.array(2);
  ctx.out.bulk(std::string_view(buf, resp::format_u64(next, buf)));
  ctx.out.array(2 * found.size());
  for (const Field* f : found) {
    ctx.out.bulk(f->first);
    ctx.out.bulk(f->second);
  }
}

}  // namespace

void cmd_hscan(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!parse_cursor(ctx.arg(2), &cursor)) {
    ctx.out.error("ERR invalid cursor");
    return;
  }
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kHash, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    reply(ctx, 0, {});  // Redis answers a missing key before it looks at the options
    return;
  }
  std::string_view pattern;
  bool use_pattern = false;
  int64_t count = 10;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    const bool has_value = i + 1 < ctx.argc();
    if (iequals(ctx.arg(i), "count") && has_value) {
      if (!parse_int(ctx, ctx.arg(i + 1), &count)) {
        return;
      }
      if (count < 1) {
        ctx.out.error(err::kSyntax);
        return;
      }
    } else if (iequals(ctx.arg(i), "match") && has_value) {
      pattern = ctx.arg(i + 1);
      use_pattern = pattern != "*";
    } else {
      ctx.out.error(err::kSyntax);
      return;
    }
  }
  const HashValue& h = e->value.hash_value();
  std::vector<const Field*> found;
  if (listpack_sized(h, ctx.server.config())) {
    for (const auto& f : h) {
      if (!use_pattern || glob_match(pattern, f.first)) {
        found.push_back(&f);
      }
    }
    reply(ctx, 0, found);
    return;
  }
  // Matching fields at positions >= cursor.
  std::vector<std::pair<uint64_t, const Field*>> todo;
  for (const auto& f : h) {
    const uint64_t pos = rt::hash_bytes(f.first, kPositionSeed);
    if (pos >= cursor && (!use_pattern || glob_match(pattern, f.first))) {
      todo.emplace_back(pos, &f);
    }
  }
  const size_t batch = std::max<size_t>(static_cast<size_t>(std::min<int64_t>(count, INT32_MAX)),
                                        (h.size() + kMinShare - 1) / kMinShare);
  uint64_t next = 0;
  auto by_pos = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (todo.size() > batch) {
    std::nth_element(todo.begin(), todo.begin() + static_cast<ptrdiff_t>(batch - 1), todo.end(), by_pos);
    const uint64_t last = todo[batch - 1].first;
    // Everything at the last position goes in this batch, so the cursor can move strictly past it.
    auto end = std::partition(todo.begin(), todo.end(), [last](const auto& p) { return p.first <= last; });
    if (end != todo.end()) {
      next = last + 1;  // cannot wrap: a position above `last` remains
    }
    todo.erase(end, todo.end());
  }
  std::sort(todo.begin(), todo.end(), by_pos);
  found.reserve(todo.size());
  for (const auto& p : todo) {
    found.push_back(p.second);
  }
  reply(ctx, next, found);
}

}  // namespace codis::server::hashes
