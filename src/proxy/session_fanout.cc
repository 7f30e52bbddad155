// Session, part 4: the commands answered from every group: SCAN with the proxy's composite cursor, KEYS and
// RANDOMKEY.
#include <charconv>

#include "cmd/ascii.h"

#include "proxy/merge.h"
#include "proxy/proxy.h"
#include "proxy/router.h"
#include "proxy/session.h"
#include "resp/reply_writer.h"

namespace codis::proxy {

// ---- commands over every group ----

void Session::fan_out(std::span<const std::string_view> argv, std::string_view name) {
  const RoutingTable& table = proxy_.table();
  if (table.groups().empty()) {
    push_done(resp::error_reply("ERR codis-proxy: no groups are configured"));
    return;
  }
  auto job = std::make_shared<Job>();
  job->protocol = protocol_;
  job->readonly = true;
  if (name == "scan") {
    // The client's cursor is (server cursor << 8) | group index (groups in id order): each group is walked
    // to its end in turn, so a full iteration returns every key once while nothing moves.
    // The cursor is read as Redis reads it (so -1 is 2^64 - 1, and 2^64 is invalid).
    uint64_t cursor = 0;
    const size_t ngroups = table.groups().size();
    if (!cmd::parse_scan_cursor(argv[1], &cursor) || ngroups > 256) {
      push_done(resp::error_reply("ERR invalid cursor"));
      return;
    }
    const size_t gi = cursor & 0xFF;
    // A cursor naming no group (-1, say) ends the walk: Redis answers any cursor with a page and the next
    // cursor, and a walk from such a cursor promises nothing. The first group still checks the options.
    const bool past_end = gi >= ngroups;
    auto it = table.groups().begin();
    std::advance(it, past_end ? 0 : static_cast<long>(gi));
    std::vector<std::string_view> args(argv.begin(), argv.end());
    const std::string server_cursor = std::to_string(cursor >> 8);
    args[1] = server_cursor;
    Call c;
    c.wire = encode_request(args);
    c.group = it->first;
    job->calls.push_back(std::move(c));
    job->merge_fn = [gi, ngroups, past_end](const Job& j) -> std::string {
      const std::string& r = j.calls[0].reply;
      std::vector<std::string_view> parts;
      if (!r.empty() && r[0] == '-') {
        return r;
      }
      if (past_end) {
        return "*2\r\n$1\r\n0\r\n*0\r\n";
      }
      uint64_t next = 0;
      if (!split_array(r, parts) || parts.size() != 2 || parts[0].size() < 4 || parts[0][0] != '$') {
        return "-ERR codis-proxy: unexpected SCAN reply from a backend\r\n";
      }
      const std::string_view digits = parts[0].substr(parts[0].find("\r\n") + 2);
      auto [q, e] = std::from_chars(digits.data(), digits.data() + digits.size() - 2, next);
      if (e != std::errc() || next >= (uint64_t{1} << 56)) {
        return "-ERR codis-proxy: a backend's SCAN cursor does not fit the proxy's cursor\r\n";
      }
      uint64_t out = 0;
      if (next != 0) {
        out = (next << 8) | gi;
      } else if (gi + 1 < ngroups) {
        out = gi + 1;
      }
      const std::string cur = std::to_string(out);
      return "*2\r\n$" + std::to_string(cur.size()) + "\r\n" + cur + "\r\n" + std::string(parts[1]);
    };
  } else {
    call_every_group(*job, table, encode_request(argv));
    if (name == "keys") {
      job->merge_fn = concat_arrays;
    } else {
      // RANDOMKEY: a random key of a random group that has one.
      const uint64_t pick = proxy_.env().random.next_u64();
      job->merge_fn = [pick](const Job& j) -> std::string {
        std::vector<const std::string*> found;
        for (const Call& c : j.calls) {
          if (!c.reply.empty() && c.reply[0] == '-') {
            return c.reply;
          }
          if (!c.reply.empty() && c.reply[0] == '$' && c.reply[1] != '-') {
            found.push_back(&c.reply);
          }
        }
        return found.empty() ? j.calls[0].reply : *found[pick % found.size()];
      };
    }
  }
  job->calls_left = job->calls.size();
  push(job);
  launch_shared(job);
}

}  // namespace codis::proxy
