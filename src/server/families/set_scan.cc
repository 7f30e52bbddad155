// SSCAN key cursor [MATCH pattern] [COUNT count].
//
// A set Redis keeps as an intset (at most set-max-intset-entries integers, never converted to a
// hashtable; OBJECT ENCODING's rule) comes back whole with cursor 0, whatever the cursor and COUNT, as in
// Redis. Other sets are walked as Redis walks a hashtable-encoded set: scan_dict steps SetValue's
// reverse-binary bucket cursor (ChainedDict::scan, Redis's dictScan) until COUNT members were visited. A
// member present for the whole scan is returned at least once, whatever members were added or removed
// (and the table grown or shrunk) between calls; MATCH filters the visited members, so a call may return
// nothing with a nonzero cursor, as in Redis.
#include <cstdint>
#include <string>
#include <vector>

#include "server/encoding.h"
#include "server/families/dict_scan.h"
#include "server/families/set_util.h"
#include "server/glob.h"

namespace codis::server {

namespace {

void cmd_sscan(CommandContext& ctx) {
  ScanArgs a;
  if (!parse_scan_cursor(ctx.arg(2), &a.cursor)) {
    ctx.out.error("ERR invalid cursor");
    return;
  }
  // Redis 7.0 looks the key up before it reads the options: a missing key ignores bad options.
  bool wrong;
  Entry* e = lookup_typed(ctx, ctx.arg(1), ObjType::kSet, &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    ctx.out.array(2);
    ctx.out.bulk("0");
    ctx.out.array(0);
    return;
  }
  if (!parse_scan_options(ctx, &a)) {
    return;
  }
  const SetValue& s = e->value.set_value();
  std::vector<const std::string*> found;
  auto visit = [&](const std::string& m) {
    if (!a.use_pattern || glob_match(a.pattern, m)) {
      found.push_back(&m);
    }
  };
  uint64_t next = 0;
  if (set_encoding(s, ctx.server.config(), e->value.flags()) == "intset") {
    for (const std::string& m : s) {
      visit(m);
    }
  } else {
    next = scan_dict(s, a.cursor, a.count, 1, visit);
  }
  char buf[resp::kMaxIntChars];
  ctx.out.array(2);
  ctx.out.bulk(std::string_view(buf, resp::format_u64(next, buf)));
  ctx.out.array(found.size());
  for (const std::string* m : found) {
    ctx.out.bulk(*m);
  }
}

}  // namespace

void register_set_scan(Registry& r) {
  r.add("sscan", cmd_sscan);
}

}  // namespace codis::server
