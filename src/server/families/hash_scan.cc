// HSCAN key cursor [MATCH pattern] [COUNT count] (Redis 7.0; NOVALUES is 7.4).
//
// Small hashes (those Redis keeps as a listpack: at most hash-max-listpack-entries fields, every field
// and value at most hash-max-listpack-value bytes, never converted to a hashtable; OBJECT ENCODING's
// rule) are returned whole with cursor 0, whatever the cursor and COUNT, exactly as Redis does.
//
// Larger (hashtable-encoded) hashes are walked as Redis walks them: scan_dict steps HashValue's
// reverse-binary bucket cursor (ChainedDict::scan, Redis's dictScan) until COUNT fields were visited. A
// field present for the whole scan is returned at least once, whatever fields were added or deleted (and
// the table grown or shrunk) between calls; MATCH filters the visited fields, so a call may return nothing
// with a nonzero cursor, as in Redis.
#include <cstdint>
#include <vector>

#include "server/encoding.h"
#include "server/families/dict_scan.h"
#include "server/families/hash_cmds.h"
#include "server/families/util.h"
#include "server/glob.h"

namespace codis::server::hashes {

namespace {

using Field = HashValue::value_type;

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
  const HashValue& h = e->value.hash_value();
  std::vector<const Field*> found;
  auto visit = [&](const Field& f) {
    if (!a.use_pattern || glob_match(a.pattern, f.first)) {
      found.push_back(&f);
    }
  };
  if (hash_encoding(h, ctx.server.config(), e->value.flags()) == "listpack") {
    for (const Field& f : h) {
      visit(f);
    }
    reply(ctx, 0, found);
    return;
  }
  const uint64_t next = scan_dict(h, a.cursor, a.count, 2, visit);
  reply(ctx, next, found);
}

}  // namespace codis::server::hashes
