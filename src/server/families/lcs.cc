// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of two string
// values by Redis 7.0's dynamic programming table, walked back the way Redis walks it (on a tie it steps
// in the second string) so the subsequence and the match ranges are the ones Redis reports.
#include <vector>

#include "server/families/bit_cmds.h"
#include "server/families/util.h"

namespace codis::server::bits {

namespace {

struct LcsArgs {
  bool len = false, idx = false, withmatchlen = false;
  int64_t minmatchlen = 0;
};

bool parse_lcs_args(CommandContext& ctx, LcsArgs* a) {
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.arg(j);
    const bool more = j + 1 < ctx.argc();
    if (iequals(opt, "idx")) {
      a->idx = true;
    } else if (iequals(opt, "len")) {
      a->len = true;
    } else if (iequals(opt, "withmatchlen")) {
      a->withmatchlen = true;
    } else if (iequals(opt, "minmatchlen") && more) {
      if (!parse_int(ctx, ctx.arg(++j), &a->minmatchlen)) return false;
      if (a->minmatchlen < 0) a->minmatchlen = 0;
    } else {
      ctx.out.error(err::kSyntax);
      return false;
    }
  }
  if (a->idx && a->len) {
    ctx.out.error("ERR If you want both the length and indexes, please just use IDX.");
    return false;
  }
  return true;
}

// One match range, as Redis emits it while walking back from the end.
struct Match {
  uint32_t a_start, a_end, b_start, b_end;
};

void reply_match(CommandContext& ctx, const Match& m, bool withmatchlen) {
  ctx.out.array(withmatchlen ? 3 : 2);
  ctx.out.array(2);
  ctx.out.integer(m.a_start);
  ctx.out.integer(m.a_end);
  ctx.out.array(2);
  ctx.out.integer(m.b_start);
  ctx.out.integer(m.b_end);
  if (withmatchlen) ctx.out.integer(static_cast<int64_t>(m.a_end) - m.a_start + 1);
}

void run_lcs(CommandContext& ctx, std::string_view a, std::string_view b, const LcsArgs& args) {
  const auto alen = static_cast<uint32_t>(a.size());
  const auto blen = static_cast<uint32_t>(b.size());
  const size_t stride = size_t{blen} + 1;
  // dp[i * stride + j]: LCS length of a[0, i) and b[0, j).
  std::vector<uint32_t> dp((size_t{alen} + 1) * stride, 0);
  for (uint32_t i = 1; i <= alen; ++i) {
    uint32_t* row = &dp[i * stride];
    const uint32_t* up = row - stride;
    const char ca = a[i - 1];
    for (uint32_t j = 1; j <= blen; ++j) {
      row[j] = ca == b[j - 1] ? up[j - 1] + 1 : std::max(up[j], row[j - 1]);
    }
  }
  auto at = [&](uint32_t i, uint32_t j) { return dp[i * stride + j]; };
  const uint32_t total = at(alen, blen);
  if (args.len) {
    ctx.out.integer(total);
    return;
  }
  std::string result(total, '\0');
  std::vector<Match> matches;
  uint32_t idx = total;
  bool open = false;  // a range is being extended
  Match cur{};
  uint32_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (!open) {
        cur = {i - 1, i - 1, j - 1, j - 1};
        open = true;
      } else if (cur.a_start == i && cur.b_start == j) {
        --cur.a_start;
        --cur.b_start;
      } else {
        emit = true;
      }
      if (cur.a_start == 0 || cur.b_start == 0) emit = true;
      --idx;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (open) emit = true;
    }
    if (emit) {
      const uint64_t match_len = uint64_t{cur.a_end} - cur.a_start + 1;
      if (args.idx && (args.minmatchlen == 0 || match_len >= static_cast<uint64_t>(args.minmatchlen))) {
        matches.push_back(cur);
      }
      open = false;
    }
  }
  if (!args.idx) {
    ctx.out.bulk(result);
    return;
  }
  ctx.out.map(2);
  ctx.out.bulk("matches");
  ctx.out.array(matches.size());
  for (const Match& m : matches) reply_match(ctx, m, args.withmatchlen);
  ctx.out.bulk("len");
  ctx.out.integer(total);
}

}  // namespace

void cmd_lcs(CommandContext& ctx) {
  Db& db = ctx.db();
  for (size_t k = 1; k <= 2; ++k) {
    const Entry* e = db.find(ctx.arg(k), ctx.now_ms);
    if (e != nullptr && !e->value.is(ObjType::kString)) {
      ctx.out.error("ERR The specified keys must contain string values");
      return;
    }
  }
  LcsArgs args;
  if (!parse_lcs_args(ctx, &args)) return;
  const Entry* ea = db.peek(ctx.arg(1), ctx.now_ms);
  const Entry* eb = db.peek(ctx.arg(2), ctx.now_ms);
  const std::string_view a = ea == nullptr ? std::string_view() : bytes_of(*ea);
  const std::string_view b = eb == nullptr ? std::string_view() : bytes_of(*eb);
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    ctx.out.error("ERR String too long for LCS");
    return;
  }
  // The table Redis would allocate, refused beyond proto-max-bulk-len as Redis refuses it.
  const uint64_t cells = (uint64_t{a.size()} + 1) * (uint64_t{b.size()} + 1);
  if (cells * sizeof(uint32_t) > static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len)) {
    ctx.out.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  run_lcs(ctx, a, b, args);
}

}  // namespace codis::server::bits
