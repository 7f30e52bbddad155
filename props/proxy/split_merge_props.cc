// A split command through the proxy answers what one Redis would: for random key lists (tagged keys,
// binary keys and duplicates among them) and a random keyspace, MGET, DEL, UNLINK, EXISTS, TOUCH and MSET
// are routed (route), each call is answered by a model Redis as one server would answer that call, the
// replies are merged (merge_replies), and the merged reply and the keyspace after it equal what one Redis
// running the whole command on the same keyspace gives.
//
// The subtle case: DEL k k counts k once (the second deletion finds nothing) but EXISTS k k counts it
// twice. A split that put copies of one key in two calls would make DEL count 2; the router groups keys by
// slot, so copies of a key always share a call, and the property confirms the sums stay Redis's.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cmd/slot.h"
#include "cmd/table.h"
#include "props/pick.h"
#include "proxy/merge.h"
#include "proxy/router.h"
#include "resp/request_parser.h"

namespace codis::proxy {
namespace {

using Keyspace = std::map<std::string, std::string>;
using Args = std::vector<std::string>;

std::shared_ptr<const RoutingTable> table() {
  static const auto t = [] {
    auto r = RoutingTable::parse(R"({"epoch": 1,
      "groups": [{"id": 1, "master": "127.0.0.1:7001"}, {"id": 2, "master": "127.0.0.1:7002"},
                 {"id": 3, "master": "127.0.0.1:7003"}],
      "slots": [{"range": [0, 340], "group": 1}, {"range": [341, 681], "group": 2},
                {"range": [682, 1023], "group": 3}]})");
    return std::get<std::shared_ptr<const RoutingTable>>(r);
  }();
  return t;
}

// A key: mostly from a small vocabulary (so lists repeat keys and the keyspace holds some of them), often
// with a hash tag (so several keys share a slot), sometimes arbitrary bytes.
std::string gen_key() {
  static const std::vector<std::string> plain = {"a", "b", "c", "d", "user:1", "user:2", "k", "", "{", "}{"};
  static const std::vector<std::string> tags = {"t", "u", "", "user:1"};
  switch (props::choice(4)) {
    case 0:
    case 1:
      return *rc::gen::elementOf(plain);
    case 2:
      return "{" + *rc::gen::elementOf(tags) + "}" + std::to_string(*props::uniform(0, 4));
    default:
      return *rc::gen::arbitrary<std::string>();
  }
}

Args gen_keys(size_t lo, size_t hi) {
  const size_t n = *props::uniform(lo, hi);
  Args keys;
  for (size_t i = 0; i < n; ++i) keys.push_back(gen_key());
  return keys;
}

Keyspace gen_keyspace() {
  Keyspace ks;
  for (const std::string& k : gen_keys(0, 12)) ks[k] = *rc::gen::arbitrary<std::string>();
  return ks;
}

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

bool is(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != lower[i]) return false;
  }
  return true;
}

// What one Redis replies to argv on `ks` (changing it as Redis would), for the split commands.
std::string redis(const Args& argv, Keyspace& ks) {
  const std::string_view name = argv[0];
  if (is(name, "mget")) {
    std::string r = "*" + std::to_string(argv.size() - 1) + "\r\n";
    for (size_t i = 1; i < argv.size(); ++i) {
      auto it = ks.find(argv[i]);
      r += it == ks.end() ? "$-1\r\n" : bulk(it->second);
    }
    return r;
  }
  if (is(name, "del") || is(name, "unlink")) {
    int64_t n = 0;
    for (size_t i = 1; i < argv.size(); ++i) n += static_cast<int64_t>(ks.erase(argv[i]));
    return ":" + std::to_string(n) + "\r\n";
  }
  if (is(name, "exists") || is(name, "touch")) {
    int64_t n = 0;
    for (size_t i = 1; i < argv.size(); ++i) n += ks.count(argv[i]) ? 1 : 0;
    return ":" + std::to_string(n) + "\r\n";
  }
  if (is(name, "mset")) {
    if (argv.size() < 3 || argv.size() % 2 != 1)
      return "-ERR wrong number of arguments for 'mset' command\r\n";
    for (size_t i = 1; i + 1 < argv.size(); i += 2) ks[argv[i]] = argv[i + 1];
    return "+OK\r\n";
  }
  RC_FAIL("the model does not know " + std::string(name));
  return "";
}

// A call's wire parsed back into its arguments: one multibulk, nothing after it.
Args parse_wire(const std::string& wire) {
  resp::RequestParser p;
  const resp::ParseResult r = p.parse(wire);
  RC_ASSERT(r.ok());
  RC_ASSERT(r.consumed == wire.size());
  return Args(p.args().begin(), p.args().end());
}

JobPtr route_args(const Args& args) {
  const std::vector<std::string_view> argv(args.begin(), args.end());
  const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
  RC_ASSERT(spec != nullptr);
  RC_ASSERT(spec->policy.route == cmd::Route::kSplitByKey);
  RC_ASSERT(cmd::check_arity(*spec, argv.size()));
  return route(argv, *spec, *table());
}

Args gen_command() {
  static const std::vector<std::string> names = {"MGET",  "DEL",    "EXISTS", "MSET",
                                                 "TOUCH", "UNLINK", "mget",   "del"};
  const std::string name = *rc::gen::elementOf(names);
  Args argv = {name};
  for (const std::string& k : gen_keys(1, 24)) {
    argv.push_back(k);
    if (is(name, "mset")) argv.push_back(*rc::gen::arbitrary<std::string>());
  }
  return argv;
}

RC_GTEST_PROP(ProxySplitMerge, SplitAndMergeEqualsOneRedis, ()) {
  const Keyspace initial = gen_keyspace();
  const Args argv = gen_command();

  Keyspace one = initial;
  const std::string want = redis(argv, one);

  JobPtr job = route_args(argv);
  RC_ASSERT(!job->done);
  RC_ASSERT(job->calls_left == job->calls.size());
  // The backends run the calls in any order: each holds other slots' keys, so the order cannot matter.
  std::vector<size_t> order(job->calls.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[*props::uniform<size_t>(0, i)]);
  Keyspace split = initial;
  for (size_t i : order) {
    Call& c = job->calls[i];
    const Args call_argv = parse_wire(c.wire);
    RC_ASSERT(call_argv[0] == argv[0]);
    for (size_t a = 1; a < call_argv.size(); a += is(argv[0], "mset") ? 2 : 1) {
      RC_ASSERT(cmd::slot_of(call_argv[a]) == static_cast<uint32_t>(c.slot));
    }
    c.reply = redis(call_argv, split);
    c.done = true;
  }
  RC_ASSERT(merge_replies(*job) == want);
  RC_ASSERT(split == one);
}

// Duplicates of one key, the case where DEL and EXISTS differ, with the copies spread across the list
// among keys of other slots.
RC_GTEST_PROP(ProxySplitMerge, DuplicateKeysCountAsOneRedisCounts, ()) {
  const std::string dup = gen_key();
  Args keys = gen_keys(0, 8);
  const size_t copies = *props::uniform<size_t>(2, 5);
  for (size_t i = 0; i < copies; ++i) {
    keys.insert(keys.begin() + static_cast<std::ptrdiff_t>(*props::uniform<size_t>(0, keys.size() + 1)), dup);
  }
  Keyspace initial = gen_keyspace();
  if (*rc::gen::arbitrary<bool>()) initial[dup] = "v";
  for (const char* name : {"DEL", "UNLINK", "EXISTS", "TOUCH", "MGET"}) {
    Args argv = {name};
    argv.insert(argv.end(), keys.begin(), keys.end());
    Keyspace one = initial;
    const std::string want = redis(argv, one);
    JobPtr job = route_args(argv);
    Keyspace split = initial;
    size_t calls_with_dup = 0;
    for (Call& c : job->calls) {
      const Args call_argv = parse_wire(c.wire);
      calls_with_dup += std::count(call_argv.begin() + 1, call_argv.end(), dup) > 0 ? 1 : 0;
      c.reply = redis(call_argv, split);
    }
    RC_ASSERT(calls_with_dup == 1u);
    RC_ASSERT(merge_replies(*job) == want);
    RC_ASSERT(split == one);
  }
}

// Any call answering an error makes the merged reply the error of the first such call in call order,
// whatever the others answered.
RC_GTEST_PROP(ProxySplitMerge, FirstErrorInCallOrderWins, ()) {
  const Args argv = gen_command();
  JobPtr job = route_args(argv);
  Keyspace ks = gen_keyspace();
  // At least one call fails; others may too.
  const size_t failing = *props::uniform<size_t>(0, job->calls.size());
  std::string first_error;
  for (size_t i = 0; i < job->calls.size(); ++i) {
    Call& c = job->calls[i];
    if (i == failing || *props::uniform(0, 3) == 0) {
      c.reply = "-ERR call " + std::to_string(i) + "\r\n";
      if (first_error.empty()) first_error = c.reply;
    } else {
      c.reply = redis(parse_wire(c.wire), ks);
    }
  }
  RC_ASSERT(merge_replies(*job) == first_error);
}

}  // namespace
}  // namespace codis::proxy
