// HSCAN key cursor [MATCH pattern] [COUNT count] (Redis 7.0; NOVALUES is 7.4).
//
// Small hashes (those Redis would keep as a listpack: at most hash-max-listpack-entries fields, every
// field and value at most hash-max-listpack-value bytes) are returned whole with cursor 0, whatever the
// cursor and COUNT, exactly as Redis does.
//
// Larger hashes cannot use Redis's reverse-binary cursor: HashValue is a std::unordered_map with prime
// bucket counts. Its buckets still give a cursor: a field lives in bucket StrHash(field) % bucket_count
// (libstdc++'s placement; a test checks it), and the cursor is (bucket_count << 32) | next bucket to visit. A
// call walks whole buckets from there until it has visited COUNT fields (and at most 10 * COUNT empty
// buckets, as Redis does), so it costs O(COUNT). Inserts never move a field to another bucket unless the
// table rehashes, which changes bucket_count: the cursor then still names the old table's coordinates, and
// the fields not yet visited are exactly those with StrHash(field) % old_count >= next. Such a call reads the
// whole hash to find them (O(n)) and returns at least n/64 of them, lowest old bucket first, so even a scan
// that keeps meeting rehashes costs O(64 n) in all. Either way Redis's guarantees hold: a field present for
// the whole scan is returned, and never twice (buckets are returned whole). Deletions never rehash. MATCH
// filters the visited fields, so a call may return nothing with a nonzero cursor, as in Redis.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/families/hash_cmds.h"
#include "server/families/util.h"
#include "server/glob.h"

namespace codis::server::hashes {

namespace {

using Field = HashValue::value_type;

constexpr size_t kMinShare = 64;  // a call returns at least n / kMinShare

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

// The fields of old buckets >= from (in a table of old_buckets buckets), lowest first, at least `batch`
// of them and whole buckets; returns the next cursor (0 when none are left).
template <class Keep>
uint64_t after_rehash(const HashValue& h, uint64_t old_buckets, uint64_t from, uint64_t batch,
                      const Keep& keep, std::vector<const Field*>* found) {
  std::vector<std::pair<uint64_t, const Field*>> todo;
  for (const auto& f : h) {
    const uint64_t b = StrHash{}(f.first) % old_buckets;
    if (b >= from) {
      todo.emplace_back(b, &f);
    }
  }
  uint64_t next = 0;
  auto by_bucket = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (todo.size() > batch) {
    std::nth_element(todo.begin(), todo.begin() + static_cast<ptrdiff_t>(batch - 1), todo.end(), by_bucket);
    const uint64_t last = todo[batch - 1].first;
    auto end = std::partition(todo.begin(), todo.end(), [last](const auto& p) { return p.first <= last; });
    if (end != todo.end()) {
      next = (old_buckets << 32) | (last + 1);  // last + 1 < old_buckets: a later bucket remains
    }
    todo.erase(end, todo.end());
  }
  std::sort(todo.begin(), todo.end(), by_bucket);
  for (const auto& p : todo) {
    if (keep(*p.second)) {
      found->push_back(p.second);
    }
  }
  return next;
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
  ScanArgs a;
  if (!parse_scan_cursor(ctx.arg(2), &a.cursor)) {
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
  if (!parse_scan_options(ctx, &a)) {
    return;
  }
  const uint64_t cursor = a.cursor;
  const std::string_view pattern = a.pattern;
  const bool use_pattern = a.use_pattern;
  const int64_t count = a.count;
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
  const uint64_t buckets = h.bucket_count();  // < 2^32: that many buckets would need 32 GiB
  uint64_t old_buckets = cursor >> 32;
  const uint64_t from = cursor & 0xffffffffULL;
  if (old_buckets == 0) {
    old_buckets = buckets;  // not a cursor of ours (or 0): read it as a bucket of the current table
  }
  if (from >= old_buckets) {
    reply(ctx, 0, found);
    return;
  }
  auto keep = [&](const Field& f) { return !use_pattern || glob_match(pattern, f.first); };
  uint64_t next = 0;
  const uint64_t want = static_cast<uint64_t>(std::min<int64_t>(count, int64_t{1} << 40));
  if (old_buckets == buckets) {
    uint64_t visited = 0, empty_left = want * 10, b = from;
    for (; b < buckets && visited < want; ++b) {
      if (h.bucket_size(b) == 0) {
        if (--empty_left == 0) {
          ++b;
          break;
        }
        continue;
      }
      for (auto it = h.begin(b); it != h.end(b); ++it) {
        ++visited;
        if (keep(*it)) {
          found.push_back(&*it);
        }
      }
    }
    next = b < buckets ? (buckets << 32) | b : 0;
  } else {
    next = after_rehash(h, old_buckets, from,
                        std::max<uint64_t>(want, (h.size() + kMinShare - 1) / kMinShare), keep, &found);
  }
  reply(ctx, next, found);
}

}  // namespace codis::server::hashes
