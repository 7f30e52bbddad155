// HRANDFIELD key [count [WITHVALUES]], as Redis 7.0.15 does it (t_hash.c hrandfieldCommand):
// - no count: one field as a bulk string, null for a missing key;
// - count >= 0: that many distinct fields (all of them when count >= size), in no particular order;
// - count < 0: |count| fields drawn independently, so repeats are expected;
// - WITHVALUES: RESP2 a flat field,value array, RESP3 an array of [field, value] pairs.
// Randomness comes from the process's rt::Random, so the simulator replays every draw.
#include <cmath>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/families/hash_cmds.h"
#include "server/families/util.h"

namespace codis::server::hashes {

namespace {

using Field = HashValue::value_type;

// Redis's default has no output limit for normal clients and lets an absurd negative count eat memory
// until the client is dropped; we drop the client at this size when no hard limit is configured.
constexpr int64_t kDefaultReplyCap = 1LL << 30;

// Hashes up to this size are drawn from by walking to a random position; larger ones by bucket sampling.
constexpr size_t kWalkMax = 256;

// One uniformly drawn field. For big hashes a random non-empty bucket of the table, then a random entry
// of that bucket: O(1) expected, and close to uniform because the table keeps its load factor <= 1
// (Redis's dictGetFairRandomKey makes the same trade). HDEL keeps the table at least 10% full
// (shrink_if_sparse, as Redis), so 32 draws rarely all miss; when they do, the walk answers.
const Field& pick_one(const HashValue& h, rt::Random& rnd) {
  const size_t n = h.size();
  if (n > kWalkMax) {
    const size_t buckets = h.bucket_count();
    for (int tries = 0; tries < 32; ++tries) {
      size_t b = rnd.uniform(0, buckets - 1);
      size_t k = h.bucket_size(b);
      if (k == 0) {
        continue;
      }
      auto it = h.begin(b);
      for (size_t j = rnd.uniform(0, k - 1); j > 0; --j) {
        ++it;
      }
      return *it;
    }
  }
  auto it = h.begin();
  for (size_t j = rnd.uniform(0, n - 1); j > 0; --j) {
    ++it;
  }
  return *it;
}

class Emitter {
 public:
  Emitter(CommandContext& ctx, bool withvalues)
      : ctx_(ctx), withvalues_(withvalues), start_(ctx.out.out().size()) {
    int64_t hard = ctx.server.config().obuf_normal_hard;
    cap_ = hard > 0 ? hard : kDefaultReplyCap;
  }

  // The array header for n fields: RESP2 flattens pairs, RESP3 nests them.
  void header(uint64_t n) { ctx_.out.array(withvalues_ && !ctx_.out.resp3() ? 2 * n : n); }

  // Writes one field (and value); false once the reply outgrew the cap, after taking the partial reply
  // back and marking the client to be closed (Redis closes it too, with CLIENT_CLOSE_ASAP).
  bool emit(const Field& f) {
    if (withvalues_ && ctx_.out.resp3()) {
      ctx_.out.array(2);
    }
    ctx_.out.bulk(f.first);
    if (withvalues_) {
      ctx_.out.bulk(f.second);
    }
    if (static_cast<int64_t>(ctx_.out.out().size() - start_) <= cap_) {
      return true;
    }
    ctx_.out.out().resize(start_);
    ctx_.client.killed = true;
    ctx_.server.env().log.warning("Client closed for overcoming of output buffer limits (HRANDFIELD).");
    return false;
  }

 private:
  CommandContext& ctx_;
  bool withvalues_;
  size_t start_;
  int64_t cap_;
};

// Every field of h in a vector, for repeated or shuffled draws.
std::vector<const Field*> all_fields(const HashValue& h) {
  std::vector<const Field*> v;
  v.reserve(h.size());
  for (const auto& f : h) {
    v.push_back(&f);
  }
  return v;
}

void with_count(CommandContext& ctx, int64_t l, bool withvalues) {
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kHash, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr || e->value.hash_value().empty()) {  // empty: never stored, but never draw from one
    ctx.out.array(0);
    return;
  }
  const HashValue& h = e->value.hash_value();
  rt::Random& rnd = ctx.server.env().random;
  const uint64_t size = h.size();
  const bool uniq = l >= 0;
  const uint64_t count = uniq ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  if (count == 0) {
    ctx.out.array(0);
    return;
  }
  Emitter out(ctx, withvalues);
  if (!uniq || count == 1) {
    out.header(count);
    if (size <= kWalkMax || count >= size / 8) {
      // Many draws: index a vector once rather than walk or sample the table per draw.
      std::vector<const Field*> v = all_fields(h);
      for (uint64_t i = 0; i < count; ++i) {
        if (!out.emit(*v[rnd.uniform(0, size - 1)])) {
          return;
        }
      }
    } else {
      for (uint64_t i = 0; i < count; ++i) {
        if (!out.emit(pick_one(h, rnd))) {
          return;
        }
      }
    }
    return;
  }
  if (count >= size) {
    out.header(size);
    for (const auto& f : h) {
      if (!out.emit(f)) {
        return;
      }
    }
    return;
  }
  out.header(count);
  if (count * 3 > size) {
    // A large share of the hash: the first count places of a partial Fisher-Yates shuffle.
    std::vector<const Field*> v = all_fields(h);
    for (uint64_t i = 0; i < count; ++i) {
      std::swap(v[i], v[rnd.uniform(i, size - 1)]);
      if (!out.emit(*v[i])) {
        return;
      }
    }
    return;
  }
  // A small share: draw until count distinct fields came up (few repeats, since count <= size / 3).
  std::unordered_set<const Field*> seen;
  while (seen.size() < count) {
    const Field& f = pick_one(h, rnd);
    if (seen.insert(&f).second && !out.emit(f)) {
      return;
    }
  }
}

}  // namespace

void cmd_hrandfield(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!parse_int(ctx, ctx.arg(2), &l)) {
      return;
    }
    if (l < -INT64_MAX) {
      ctx.out.error(
          "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
      return;
    }
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !iequals(ctx.arg(3), "withvalues"))) {
      ctx.out.error(err::kSyntax);
      return;
    }
    const bool withvalues = ctx.argc() == 4;
    // Redis 7.0.8+ (CVE-2023-22458): 2 * count must not overflow when pairs are flattened.
    if (withvalues && (l < -INT64_MAX / 2 || l > INT64_MAX / 2)) {
      ctx.out.error("ERR value is out of range");
      return;
    }
    with_count(ctx, l, withvalues);
    return;
  }
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kHash, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr || e->value.hash_value().empty()) {
    ctx.out.null();
    return;
  }
  ctx.out.bulk(pick_one(e->value.hash_value(), ctx.server.env().random).first);
}

}  // namespace codis::server::hashes
