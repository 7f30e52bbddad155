// libFuzzer target for codis-proxy's router and merge (proxy/router.h, proxy/merge.h): client commands
// routed over a fixed three-group table, then the backends' replies merged.
//
// Input: byte 0 and 1 give the length n (little-endian) of the request stream that follows; its n bytes
// are parsed with resp::RequestParser (multibulk and inline commands, up to kMaxCommands). Every command
// that passes lookup, subcommand lookup and arity is routed. The bytes after the stream are reply
// material: for each call of each job, in order, a mode byte picks a reply the call's merge expects
// (MGET's array of the call's key count, an integer, +OK, ...), any well-formed RESP2/RESP3 reply built
// from the following bytes, or an error; the material running out gives the expected kind.
//
// Oracles, per command (abort on violation):
//  - a job that comes back done has one well-formed reply, an error ('-');
//  - otherwise every call's wire parses as exactly one multibulk whose first argument is the command name
//    as the client sent it; non-split calls carry the client's arguments unchanged;
//  - split commands (kSplitByKey): one call per slot, in slot order; the union of key_positions is
//    0..keys-1, each once; each call carries exactly its keys (and MSET's values) in client order, and
//    every key in a call hashes to the call's slot;
//  - single-slot commands: every key extract_keys finds hashes to the call's slot (-1 when keyless), and a
//    cross-slot command is refused, not sent; a key-extraction error is sent to the slot of the keys
//    extract_partial_keys finds when they are in one slot, and refused with the command's error otherwise;
//  - all-group commands: one call per group of the table, in group order; slot-argument: slot in -1..1023;
//  - merge_replies returns one well-formed RESP reply (resp::ReplyScanner consumes it exactly); an error
//    reply of some call makes it the first such error in call order; when every call answered what its
//    merge expects, MGET's merge equals the client-order array, sums the exact sum (or an error when the
//    running sum in call order leaves int64), all-OK +OK.
// CODIS_FUZZ_TRACE=1 prints each command, its calls and the merged reply.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/keys.h"
#include "cmd/slot.h"
#include "cmd/table.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "proxy/merge.h"
#include "proxy/router.h"
#include "resp/reply_parser.h"
#include "resp/request_parser.h"

namespace {

using codis::fuzz::printable;
using codis::fuzz::Reader;
using codis::fuzz::trace;
namespace cmd = codis::cmd;
namespace proxy = codis::proxy;
namespace resp = codis::resp;

constexpr size_t kMaxCommands = 64;
constexpr size_t kMaxReplyDepth = 3;
constexpr size_t kMaxAggregate = 6;

const proxy::RoutingTable& table() {
  static const std::shared_ptr<const proxy::RoutingTable> t = [] {
    auto r = proxy::RoutingTable::parse(R"({"epoch": 1,
      "groups": [{"id": 1, "master": "127.0.0.1:7001"}, {"id": 2, "master": "127.0.0.1:7002"},
                 {"id": 3, "master": "127.0.0.1:7003"}],
      "slots": [{"range": [0, 340], "group": 1}, {"range": [341, 681], "group": 2},
                {"range": [682, 1023], "group": 3}]})");
    FUZZ_CHECK(std::holds_alternative<std::shared_ptr<const proxy::RoutingTable>>(r));
    return std::get<std::shared_ptr<const proxy::RoutingTable>>(r);
  }();
  return *t;
}

// True when `s` is exactly one well-formed reply.
bool one_reply(std::string_view s) {
  resp::ReplyScanner scanner;
  const resp::ParseResult r = scanner.scan(s);
  return r.ok() && r.consumed == s.size();
}

std::vector<std::string> parse_wire(const std::string& wire) {
  resp::RequestParser p;
  const resp::ParseResult r = p.parse(wire);
  FUZZ_CHECK(r.ok());
  FUZZ_CHECK(r.consumed == wire.size());
  FUZZ_CHECK(!p.is_inline());
  return std::vector<std::string>(p.args().begin(), p.args().end());
}

// ---- replies ----

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// A line's text without CR or LF.
std::string line_text(Reader& in) {
  std::string s(in.bytes(in.byte() % 12));
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

int64_t some_integer(Reader& in) {
  static constexpr int64_t kEdges[] = {0, 1, -1, 2, 100, INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
  const uint8_t b = in.byte();
  if (b < 128) return b % 8;
  if (b < 192) return kEdges[b % std::size(kEdges)];
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in.byte();
  return static_cast<int64_t>(v);
}

// Any well-formed reply (RESP2 and RESP3 types), built from the input.
std::string any_reply(Reader& in, size_t depth) {
  const uint8_t t = in.byte();
  const bool leaf = depth >= kMaxReplyDepth;
  switch (t % (leaf ? 13 : 18)) {
    case 0:
      return "+" + line_text(in) + "\r\n";
    case 1:
      return "-ERR " + line_text(in) + "\r\n";
    case 2:
      return ":" + std::to_string(some_integer(in)) + "\r\n";
    case 3:
      return bulk(in.bytes(in.byte() % 32));
    case 4:
      return "$-1\r\n";
    case 5:
      return "_\r\n";
    case 6:
      return (in.byte() & 1) ? "#t\r\n" : "#f\r\n";
    case 7:
      return ",1.5\r\n";
    case 8:
      return "(12345678901234567890\r\n";
    case 9: {
      const std::string_view s = in.bytes(in.byte() % 16);
      return "!" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
    }
    case 10: {
      const std::string s = "txt:" + std::string(in.bytes(in.byte() % 16));
      return "=" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
    }
    case 11:
      return "*-1\r\n";
    case 12:
      return "+OK\r\n";
    case 13:  // an attribute, attached to the reply after it
      return "|1\r\n+key\r\n" + any_reply(in, depth + 1) + any_reply(in, depth + 1);
    default: {
      static constexpr char kAggregates[] = {'*', '~', '%', '>'};
      const char kind = kAggregates[t % 4];
      const size_t n = in.byte() % (kMaxAggregate + 1);
      std::string out = kind + std::to_string(n) + "\r\n";
      for (size_t i = 0; i < (kind == '%' ? 2 * n : n); ++i) out += any_reply(in, depth + 1);
      return out;
    }
  }
}

// What a call's reply looks like when the backend answered as the merge expects; `elems` gets MGET's
// elements. kAndArrays uses `width` elements so that the groups agree on the length.
std::string expected_kind(Reader& in, cmd::Merge merge, const proxy::Call& call, size_t width,
                          std::vector<std::string>& elems) {
  switch (merge) {
    case cmd::Merge::kConcat: {
      std::string out = "*" + std::to_string(call.key_positions.size()) + "\r\n";
      for (size_t i = 0; i < call.key_positions.size(); ++i) {
        const uint8_t b = in.byte();
        elems.push_back(b % 4 == 0   ? std::string("$-1\r\n")
                        : b % 4 == 1 ? any_reply(in, 1)
                                     : bulk(in.bytes(b % 8)));
        out += elems.back();
      }
      return out;
    }
    case cmd::Merge::kSum:
      return ":" + std::to_string(some_integer(in)) + "\r\n";
    case cmd::Merge::kAllOk:
      return "+OK\r\n";
    case cmd::Merge::kAllEqual:
      return (in.byte() % 4 == 0) ? bulk("other") : bulk("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    case cmd::Merge::kAndArrays: {
      std::string out = "*" + std::to_string(width) + "\r\n";
      for (size_t i = 0; i < width; ++i) out += (in.byte() & 1) ? ":1\r\n" : ":0\r\n";
      return out;
    }
    case cmd::Merge::kNone:
      break;
  }
  return any_reply(in, 0);
}

// Answers every call from the reply material, merges, and checks the merged reply.
void answer_and_merge(proxy::Job& job, Reader& in) {
  const size_t width = in.byte() % 4;
  std::string first_error;
  bool all_expected = true;
  std::vector<std::vector<std::string>> elems(job.calls.size());
  for (size_t i = 0; i < job.calls.size(); ++i) {
    proxy::Call& c = job.calls[i];
    const uint8_t mode = in.done() ? 0 : in.byte();
    switch (mode % 8) {
      case 6:
        c.reply = any_reply(in, 0);
        all_expected = false;
        break;
      case 7:
        c.reply = (mode & 8) ? "-MOVED " + std::to_string(std::max(c.slot, 0)) + " 127.0.0.1:7002\r\n"
                             : "-ERR backend " + std::to_string(i) + "\r\n";
        all_expected = false;
        break;
      default:
        c.reply = expected_kind(in, job.merge, c, width, elems[i]);
        break;
    }
    FUZZ_CHECK(one_reply(c.reply));
    c.done = true;
    if (first_error.empty() && (c.reply[0] == '-' || c.reply[0] == '!')) first_error = c.reply;
  }
  const std::string merged = proxy::merge_replies(job);
  if (trace()) std::fprintf(stderr, "  merged: %s\n", printable(merged).c_str());
  FUZZ_CHECK(!merged.empty());
  FUZZ_CHECK(one_reply(merged));
  if (!first_error.empty()) {
    FUZZ_CHECK(merged == first_error);
    return;
  }
  if (!all_expected) return;
  switch (job.merge) {
    case cmd::Merge::kConcat: {
      std::vector<std::string> by_key(job.keys);
      for (size_t i = 0; i < job.calls.size(); ++i) {
        for (size_t k = 0; k < elems[i].size(); ++k) by_key[job.calls[i].key_positions[k]] = elems[i][k];
      }
      std::string want = "*" + std::to_string(job.keys) + "\r\n";
      for (const std::string& e : by_key) want += e;
      FUZZ_CHECK(merged == want);
      break;
    }
    case cmd::Merge::kSum: {
      // Summed in call order: a running sum that leaves int64 (only bogus counts can) is an error.
      __int128 sum = 0;
      bool fits = true;
      for (const proxy::Call& c : job.calls) {
        sum += std::stoll(c.reply.substr(1));
        fits = fits && sum >= INT64_MIN && sum <= INT64_MAX;
      }
      if (fits) {
        FUZZ_CHECK(merged == ":" + std::to_string(static_cast<int64_t>(sum)) + "\r\n");
      } else {
        FUZZ_CHECK(merged[0] == '-');
      }
      break;
    }
    case cmd::Merge::kAllOk:
      FUZZ_CHECK(merged == "+OK\r\n");
      break;
    case cmd::Merge::kAndArrays:
      FUZZ_CHECK(merged.rfind("*" + std::to_string(width) + "\r\n", 0) == 0);
      break;
    case cmd::Merge::kAllEqual: {
      const bool same = std::all_of(job.calls.begin(), job.calls.end(),
                                    [&](const proxy::Call& c) { return c.reply == job.calls[0].reply; });
      FUZZ_CHECK(same ? merged == job.calls[0].reply : merged[0] == '-');
      break;
    }
    case cmd::Merge::kNone:
      FUZZ_CHECK(merged == job.calls[0].reply);
      break;
  }
}

// ---- routing invariants ----

void check_split(const proxy::Job& job, std::span<const std::string_view> argv,
                 const cmd::CommandSpec& spec) {
  const size_t first = static_cast<size_t>(spec.first_key);
  const size_t step = static_cast<size_t>(std::max(1, spec.key_step));
  FUZZ_CHECK(first >= 1 && argv.size() > first && (argv.size() - first) % step == 0);
  const size_t keys = (argv.size() - first) / step;
  FUZZ_CHECK(job.keys == keys);
  FUZZ_CHECK(job.merge == spec.policy.merge);
  std::vector<int> seen(keys, 0);
  int32_t last_slot = -1;
  for (const proxy::Call& c : job.calls) {
    FUZZ_CHECK(c.slot > last_slot && c.slot < static_cast<int32_t>(cmd::kSlots));
    last_slot = c.slot;
    FUZZ_CHECK(!c.key_positions.empty());
    FUZZ_CHECK(std::is_sorted(c.key_positions.begin(), c.key_positions.end()));
    const std::vector<std::string> args = parse_wire(c.wire);
    FUZZ_CHECK(args.size() == 1 + c.key_positions.size() * step);
    FUZZ_CHECK(args[0] == argv[0]);
    for (size_t i = 0; i < c.key_positions.size(); ++i) {
      const uint32_t k = c.key_positions[i];
      FUZZ_CHECK(k < keys);
      ++seen[k];
      for (size_t j = 0; j < step; ++j) FUZZ_CHECK(args[1 + i * step + j] == argv[first + k * step + j]);
      FUZZ_CHECK(cmd::slot_of(args[1 + i * step]) == static_cast<uint32_t>(c.slot));
    }
  }
  for (int n : seen) FUZZ_CHECK(n == 1);
}

// Checks the job route() made for argv; true when it has calls to answer.
bool check_job(const proxy::Job& job, std::span<const std::string_view> argv, const cmd::CommandSpec& spec) {
  if (job.done) {
    FUZZ_CHECK(job.calls.empty());
    FUZZ_CHECK(!job.reply.empty() && job.reply[0] == '-');
    FUZZ_CHECK(one_reply(job.reply));
    return false;
  }
  FUZZ_CHECK(!job.calls.empty());
  FUZZ_CHECK(job.calls_left == job.calls.size());
  for (const proxy::Call& c : job.calls) {
    FUZZ_CHECK(!c.done && c.reply.empty() && c.redirects == 0);
    FUZZ_CHECK(c.slot >= -1 && c.slot < static_cast<int32_t>(cmd::kSlots));
  }
  if (spec.policy.route == cmd::Route::kSplitByKey) {
    check_split(job, argv, spec);
    return true;
  }
  // Every other route sends the client's command unchanged.
  for (const proxy::Call& c : job.calls) {
    const std::vector<std::string> args = parse_wire(c.wire);
    FUZZ_CHECK(std::equal(args.begin(), args.end(), argv.begin(), argv.end()));
    FUZZ_CHECK(c.key_positions.empty());
  }
  switch (spec.policy.route) {
    case cmd::Route::kSingleSlot: {
      FUZZ_CHECK(job.calls.size() == 1);
      cmd::KeyList keys;
      if (cmd::extract_keys(spec, argv, keys) != cmd::KeysError::kNone) {
        cmd::extract_partial_keys(spec, argv, keys);
        FUZZ_CHECK(!keys.empty());
      }
      const int32_t slot = job.calls[0].slot;
      FUZZ_CHECK(keys.empty() == (slot == -1));
      for (const cmd::KeyPos& k : keys)
        FUZZ_CHECK(cmd::slot_of(argv[k.index]) == static_cast<uint32_t>(slot));
      break;
    }
    case cmd::Route::kAllGroups: {
      FUZZ_CHECK(job.merge == spec.policy.merge);
      FUZZ_CHECK(job.calls.size() == table().groups().size());
      auto g = table().groups().begin();
      for (const proxy::Call& c : job.calls) {
        FUZZ_CHECK(c.group == (g++)->first);
        FUZZ_CHECK(c.slot == -1);
      }
      break;
    }
    case cmd::Route::kSlotArgument: {
      FUZZ_CHECK(job.calls.size() == 1);
      const int32_t slot = job.calls[0].slot;
      if (slot >= 0) FUZZ_CHECK(std::stoi(std::string(argv[1])) == slot);
      break;
    }
    default:
      FUZZ_CHECK(job.calls.size() == 1);
      FUZZ_CHECK(job.calls[0].slot == -1 && job.calls[0].group == 0);
      break;
  }
  return true;
}

// A single-slot command that came back done: a key error, or keys in more than one slot.
void check_refused_single_slot(const proxy::Job& job, std::span<const std::string_view> argv,
                               const cmd::CommandSpec& spec) {
  cmd::KeyList keys;
  const cmd::KeysError e = cmd::extract_keys(spec, argv, keys);
  if (e != cmd::KeysError::kNone) {
    FUZZ_CHECK(job.reply == "-" + cmd::keys_error_text(spec, e) + "\r\n");
    // Refused only when no key can be found, or the found ones span slots.
    cmd::extract_partial_keys(spec, argv, keys);
    bool one_slot = !keys.empty();
    for (const cmd::KeyPos& k : keys)
      one_slot = one_slot && cmd::slot_of(argv[k.index]) == cmd::slot_of(argv[keys[0].index]);
    FUZZ_CHECK(!one_slot);
    return;
  }
  bool cross = false;
  for (const cmd::KeyPos& k : keys)
    cross = cross || cmd::slot_of(argv[k.index]) != cmd::slot_of(argv[keys[0].index]);
  FUZZ_CHECK(cross);
  FUZZ_CHECK(job.reply == "-CROSSSLOT Keys in request don't hash to the same slot\r\n");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > (1 << 18)) return 0;
  const size_t n = std::min<size_t>(data[0] | (data[1] << 8), size - 2);
  const std::string_view requests(reinterpret_cast<const char*>(data) + 2, n);
  Reader replies(data + 2 + n, size - 2 - n);

  resp::RequestParser parser;
  size_t start = 0;
  for (size_t count = 0; count < kMaxCommands; ++count) {
    const resp::ParseResult r = parser.parse(requests.substr(start));
    if (!r.ok()) break;
    start += r.consumed;
    const std::span<const std::string_view> argv = parser.args();
    const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
    if (spec == nullptr) continue;
    if (spec->is_container() && argv.size() >= 2) {
      spec = cmd::lookup_subcommand(*spec, argv[1]);
      if (spec == nullptr) continue;
    }
    if (!cmd::check_arity(*spec, argv.size())) continue;
    if (trace()) {
      std::fprintf(stderr, "command %s:", std::string(spec->name).c_str());
      for (std::string_view a : argv) std::fprintf(stderr, " '%s'", printable(a, 40).c_str());
      std::fprintf(stderr, "\n");
    }
    proxy::JobPtr job = proxy::route(argv, *spec, table());
    FUZZ_CHECK(job != nullptr);
    if (trace()) {
      std::fprintf(stderr, "  %s, %zu calls%s%s\n", job->done ? "done" : "sent", job->calls.size(),
                   job->done ? ": " : "", printable(job->reply).c_str());
      for (const proxy::Call& c : job->calls) {
        std::fprintf(stderr, "  call slot %d group %d: %s\n", c.slot, c.group, printable(c.wire, 80).c_str());
      }
    }
    if (!check_job(*job, argv, *spec)) {
      if (spec->policy.route == cmd::Route::kSingleSlot) check_refused_single_slot(*job, argv, *spec);
      continue;
    }
    answer_and_merge(*job, replies);
  }
  return 0;
}
