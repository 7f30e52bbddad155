// SSCAN key cursor [MATCH pattern] [COUNT count].
//
// The cursor cannot be a bucket position as in Redis: SetValue is a std::unordered_set, whose buckets are
// renumbered wholesale by every rehash. Instead each member has a fixed 63-bit position, its hash (plus
// one, so 0 stays "done"), and the cursor is the position to resume from: a call returns the members whose
// position is >= cursor, smallest first, and answers the position of the first member it left out. That
// gives Redis's guarantees whatever happens between calls: a member present for the whole scan is
// returned exactly once (rehashing moves nothing), and members added or removed meanwhile may or may not
// be. Members with equal positions are never split across calls.
//
// The cost: finding the next page means looking at every member, O(size) per call. So a page is never
// smaller than size/32 (a full scan costs at most ~32 passes over the set) or kMinPage; COUNT is a hint,
// as in Redis. A set of at most kMinPage members (and any set whose rest fits in COUNT) comes back whole
// with cursor 0, as Redis answers small (intset) sets.
#include <algorithm>
#include <cctype>
#include <string>

#include "server/families/set_util.h"
#include "server/glob.h"

namespace codis::server {

namespace {

constexpr uint64_t kMinPage = 128;
constexpr uint64_t kPassesPerScan = 32;

uint64_t scan_position(std::string_view member) {
  return (static_cast<uint64_t>(StrHash{}(member)) >> 1) + 1;
}

struct Positioned {
  uint64_t pos;
  const std::string* member;
};

// The page starting at cursor; *next is where the following call resumes (0: nothing left).
std::vector<Positioned> next_page(const SetValue& s, uint64_t cursor, uint64_t count, uint64_t* next) {
  std::vector<Positioned> rest;
  rest.reserve(cursor == 0 ? s.size() : 0);
  for (const std::string& m : s) {
    const uint64_t pos = scan_position(m);
    if (pos >= cursor) {
      rest.push_back({pos, &m});
    }
  }
  const uint64_t page = std::max({count, kMinPage, static_cast<uint64_t>(s.size()) / kPassesPerScan});
  *next = 0;
  if (rest.size() <= page) {
    return rest;
  }
  auto by_pos = [](const Positioned& a, const Positioned& b) { return a.pos < b.pos; };
  std::nth_element(rest.begin(), rest.begin() + static_cast<ptrdiff_t>(page), rest.end(), by_pos);
  uint64_t bound = rest[page].pos;  // first position left for the next call
  auto cut = std::partition(rest.begin(), rest.end(), [bound](const Positioned& p) { return p.pos < bound; });
  if (cut == rest.begin()) {
    // More than a page of members share the smallest position: return them all so the scan progresses.
    cut = std::partition(rest.begin(), rest.end(), [bound](const Positioned& p) { return p.pos == bound; });
    bound = 0;
    for (auto it = cut; it != rest.end(); ++it) {
      bound = bound == 0 ? it->pos : std::min(bound, it->pos);
    }
  }
  *next = bound;
  rest.erase(cut, rest.end());
  return rest;
}

void cmd_sscan(CommandContext& ctx) {
  ScanArgs a;
  if (!parse_scan_cursor(ctx.arg(2), &a.cursor)) {
    ctx.out.error("ERR invalid cursor");
    return;
  }
  // Redis 7.0 looks the key up before it reads the options: a missing key ignores bad options.
  bool wrong;
  SetValue* s = find_set(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    ctx.out.array(2);
    ctx.out.bulk("0");
    ctx.out.array(0);
    return;
  }
  if (!parse_scan_options(ctx, &a)) {
    return;
  }
  uint64_t next = 0;
  std::vector<Positioned> page = next_page(*s, a.cursor, static_cast<uint64_t>(a.count), &next);
  // Smallest position first: the same set answers the same pages in the same order.
  std::sort(page.begin(), page.end(), [](const Positioned& x, const Positioned& y) { return x.pos < y.pos; });
  if (a.use_pattern) {
    std::erase_if(page, [&a](const Positioned& p) { return !glob_match(a.pattern, *p.member); });
  }
  char buf[resp::kMaxIntChars];
  ctx.out.array(2);
  ctx.out.bulk(std::string_view(buf, resp::format_u64(next, buf)));
  ctx.out.array(page.size());
  for (const Positioned& p : page) {
    ctx.out.bulk(*p.member);
  }
}

}  // namespace

void register_set_scan(Registry& r) {
  r.add("sscan", cmd_sscan);
}

}  // namespace codis::server
