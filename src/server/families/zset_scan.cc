// ZSCAN key cursor [MATCH pattern] [COUNT count].
//
// A compact set comes back whole with cursor 0, as Redis answers a listpack. A large one is walked in
// score order by ds::ZSet::scan, whose cursor names the next score to visit (Redis's cursor walks hash
// buckets instead; both promise that members present for the whole scan are returned). Scores are text
// as Redis's scan writes them: a listpack holds integral scores within +-2^62 as integers and the rest as
// "%.17g" (so -0 reads "0"); the skip list's scores are all "%.17g" ("-0" stays).
#include <cctype>
#include <vector>

#include "server/families/util.h"
#include "server/families/zset_cmds.h"
#include "server/glob.h"
#include "server/rdb/number.h"

namespace codis::server {

namespace {

void reply_scan_score(CommandContext& ctx, double score, bool compact) {
  char buf[resp::kMaxDoubleChars];
  int64_t ll;
  if (compact && rdb::score_as_integer(score, &ll)) {
    ctx.out.bulk(std::string_view(buf, resp::format_i64(ll, buf)));
  } else {
    ctx.out.bulk(std::string_view(buf, resp::format_double(score, buf, resp::DoubleFormat::kRedis70)));
  }
}

void cmd_zscan(CommandContext& ctx) {
  ScanArgs a;
  if (!parse_scan_cursor(ctx.arg(2), &a.cursor)) {
    ctx.out.error("ERR invalid cursor");
    return;
  }
  // Redis 7.0 looks the key up before it reads the options: a missing key ignores bad options.
  const ds::ZSet* zp = zset_or_reply(ctx, ctx.arg(1), false, [&] {
    ctx.out.array(2);
    ctx.out.bulk("0");
    ctx.out.array(0);
  });
  if (zp == nullptr || !parse_scan_options(ctx, &a)) {
    return;
  }
  const ds::ZSet& z = *zp;
  static thread_local std::vector<ds::ZSet::Entry> page;
  if (page.capacity() > 4096) {
    page = {};  // a huge COUNT once does not pin its memory
  }
  page.clear();
  const uint64_t next = z.scan(a.cursor, static_cast<size_t>(a.count), [&](std::string_view m, double s) {
    if (!a.use_pattern || glob_match(a.pattern, m)) {
      page.push_back({m, s});
    }
  });
  const bool compact = z.encoding() == ds::ZEncoding::kListpack;
  char buf[resp::kMaxIntChars];
  ctx.out.array(2);
  ctx.out.bulk(std::string_view(buf, resp::format_u64(next, buf)));
  ctx.out.array(2 * page.size());
  for (const auto& x : page) {
    ctx.out.bulk(x.member);
    reply_scan_score(ctx, x.score, compact);
  }
}

}  // namespace

void register_zset_scan(Registry& r) {
  r.add("zscan", cmd_zscan);
}

}  // namespace codis::server
