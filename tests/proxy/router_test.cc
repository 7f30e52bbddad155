// route(): which calls a client command becomes, by the command table's proxy policy. Single-slot commands
// (slot from the keys, keyless, hash tags, CROSSSLOT, key errors), split commands (one call per slot, each
// a valid multibulk with that slot's keys in client order), all-group, any-group and slot-argument
// commands, and the commands the router refuses.
#include "proxy/router.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cmd/errors.h"
#include "cmd/slot.h"
#include "cmd/table.h"
#include "resp/request_parser.h"

namespace codis::proxy {
namespace {

std::shared_ptr<const RoutingTable> three_groups() {
  auto r = RoutingTable::parse(R"({"epoch": 1,
    "groups": [{"id": 1, "master": "127.0.0.1:7001"}, {"id": 2, "master": "127.0.0.1:7002"},
               {"id": 3, "master": "127.0.0.1:7003"}],
    "slots": [{"range": [0, 340], "group": 1}, {"range": [341, 681], "group": 2},
              {"range": [682, 1023], "group": 3}]})");
  return std::get<std::shared_ptr<const RoutingTable>>(r);
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= line.size()) {
    size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    std::string w(line.substr(start, end - start));
    out.push_back(w == "''" ? "" : w);
    start = end + 1;
  }
  return out;
}

// Looks the command up as the session does (lookup, subcommand, arity) and routes it.
JobPtr route_args(const std::vector<std::string>& args, const RoutingTable& table) {
  const std::vector<std::string_view> argv(args.begin(), args.end());
  const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
  EXPECT_NE(spec, nullptr) << args[0];
  if (spec == nullptr) return nullptr;
  if (spec->is_container() && argv.size() >= 2) {
    spec = cmd::lookup_subcommand(*spec, argv[1]);
    EXPECT_NE(spec, nullptr) << args[1];
    if (spec == nullptr) return nullptr;
  }
  EXPECT_TRUE(cmd::check_arity(*spec, argv.size())) << "arity fails for " << args[0];
  return route(argv, *spec, table);
}

JobPtr route_line(std::string_view line) {
  static const auto table = three_groups();
  return route_args(words(line), *table);
}

// The wire of a call parsed back: exactly one multibulk, nothing left over.
std::vector<std::string> parse_wire(const std::string& wire) {
  resp::RequestParser p;
  const resp::ParseResult r = p.parse(wire);
  EXPECT_TRUE(r.ok()) << wire;
  if (!r.ok()) return {};
  EXPECT_EQ(r.consumed, wire.size()) << wire;
  EXPECT_FALSE(p.is_inline()) << wire;
  return std::vector<std::string>(p.args().begin(), p.args().end());
}

std::string error_reply(const JobPtr& job) {
  EXPECT_TRUE(job->done);
  EXPECT_TRUE(job->calls.empty());
  return job->reply;
}

using namespace std::string_literals;
using Strings = std::vector<std::string>;
using Positions = std::vector<uint32_t>;

// Keys chosen so that the test does not depend on luck: distinct slots are asserted, not assumed.
TEST(RouterPreconditions, KeysSpreadOverSlots) {
  EXPECT_NE(cmd::slot_of("a"), cmd::slot_of("b"));
  EXPECT_NE(cmd::slot_of("a"), cmd::slot_of("c"));
  EXPECT_NE(cmd::slot_of("b"), cmd::slot_of("c"));
  EXPECT_EQ(cmd::slot_of("{t}a"), cmd::slot_of("t"));
  EXPECT_EQ(cmd::slot_of("x{t}y"), cmd::slot_of("{t}b"));
}

TEST(Router, EncodeRequestIsAMultibulk) {
  const std::vector<std::string_view> argv = {"SET", "k", "", std::string_view("a\r\nb\0c", 6)};
  const std::string w = encode_request(argv);
  EXPECT_EQ(w, "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n$6\r\na\r\nb\0c\r\n"s);
  EXPECT_EQ(parse_wire(w), Strings({"SET", "k", "", std::string("a\r\nb\0c", 6)}));
}

TEST(Router, SingleSlotGoesToTheKeysSlot) {
  JobPtr job = route_line("GET user:1");
  ASSERT_FALSE(job->done);
  ASSERT_EQ(job->calls.size(), 1u);
  EXPECT_EQ(job->calls_left, 1u);
  EXPECT_EQ(job->merge, cmd::Merge::kNone);
  const Call& c = job->calls[0];
  EXPECT_EQ(c.slot, static_cast<int32_t>(cmd::slot_of("user:1")));
  EXPECT_EQ(c.group, 0);
  EXPECT_TRUE(c.key_positions.empty());
  EXPECT_FALSE(c.done);
  EXPECT_EQ(parse_wire(c.wire), Strings({"GET", "user:1"}));
}

TEST(Router, SingleSlotSendsTheWholeCommand) {
  JobPtr job = route_line("set k v EX 10 NX");
  ASSERT_EQ(job->calls.size(), 1u);
  EXPECT_EQ(job->calls[0].slot, static_cast<int32_t>(cmd::slot_of("k")));
  EXPECT_EQ(parse_wire(job->calls[0].wire), Strings({"set", "k", "v", "EX", "10", "NX"}));
}

TEST(Router, SingleSlotHashTags) {
  JobPtr job = route_line("SUNION {user1}:a {user1}:b x{user1}y");
  ASSERT_FALSE(job->done) << job->reply;
  ASSERT_EQ(job->calls.size(), 1u);
  EXPECT_EQ(job->calls[0].slot, static_cast<int32_t>(cmd::slot_of("user1")));
  EXPECT_EQ(parse_wire(job->calls[0].wire), Strings({"SUNION", "{user1}:a", "{user1}:b", "x{user1}y"}));

  // Codis's rule: an empty tag hashes "" (Redis Cluster would hash the whole key).
  JobPtr empty = route_line("SUNION {}a {}b");
  ASSERT_FALSE(empty->done) << empty->reply;
  EXPECT_EQ(empty->calls[0].slot, static_cast<int32_t>(cmd::slot_of("")));

  // The value of a SET is not a key: it may hash anywhere.
  JobPtr set = route_line("SET {t}k b");
  ASSERT_FALSE(set->done);
  EXPECT_EQ(set->calls[0].slot, static_cast<int32_t>(cmd::slot_of("t")));
}

TEST(Router, SingleSlotCrossSlot) {
  ASSERT_NE(cmd::slot_of("a"), cmd::slot_of("b"));
  EXPECT_EQ(error_reply(route_line("SUNION a b")),
            "-CROSSSLOT Keys in request don't hash to the same slot\r\n");
  EXPECT_EQ(error_reply(route_line("SUNIONSTORE a {a}x b")),
            "-CROSSSLOT Keys in request don't hash to the same slot\r\n");
  // A repeated key is one slot.
  JobPtr same = route_line("SUNION a a a");
  ASSERT_FALSE(same->done);
  EXPECT_EQ(same->calls[0].slot, static_cast<int32_t>(cmd::slot_of("a")));
  // MSETNX is all-or-nothing, so it is not split: one slot or CROSSSLOT.
  EXPECT_EQ(error_reply(route_line("MSETNX a 1 b 2")),
            "-CROSSSLOT Keys in request don't hash to the same slot\r\n");
  JobPtr msetnx = route_line("MSETNX {a}1 x {a}2 y");
  ASSERT_FALSE(msetnx->done);
  ASSERT_EQ(msetnx->calls.size(), 1u);
  EXPECT_EQ(msetnx->calls[0].slot, static_cast<int32_t>(cmd::slot_of("a")));
  // The destination counts too.
  EXPECT_FALSE(route_line("SUNIONSTORE {a}dst a {a}b")->done);
}

TEST(Router, SingleSlotKeylessGoesAnywhere) {
  JobPtr job = route_line("EVAL return 0");
  ASSERT_FALSE(job->done) << job->reply;
  ASSERT_EQ(job->calls.size(), 1u);
  EXPECT_EQ(job->calls[0].slot, -1);
  EXPECT_EQ(job->calls[0].group, 0);
  EXPECT_EQ(parse_wire(job->calls[0].wire), Strings({"EVAL", "return", "0"}));

  JobPtr with_keys = route_line("EVAL return 2 {k}1 {k}2 arg");
  ASSERT_FALSE(with_keys->done) << with_keys->reply;
  EXPECT_EQ(with_keys->calls[0].slot, static_cast<int32_t>(cmd::slot_of("k")));
  EXPECT_EQ(error_reply(route_line("EVAL return 2 a b")),
            "-CROSSSLOT Keys in request don't hash to the same slot\r\n");
}

TEST(Router, SingleSlotKeyErrorsAreRedisErrors) {
  EXPECT_EQ(error_reply(route_line("EVAL s x")), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(error_reply(route_line("EVAL s -1")), "-ERR Number of keys can't be negative\r\n");
  EXPECT_EQ(error_reply(route_line("EVAL s 3 a b")),
            "-ERR Number of keys can't be greater than number of args\r\n");
  EXPECT_EQ(error_reply(route_line("ZDIFF 0 a")),
            "-ERR at least 1 input key is needed for "
            "'zdiff' command\r\n");
  EXPECT_EQ(error_reply(route_line("XREAD COUNT 1 a 0")), "-ERR syntax error\r\n");
}

// A key list that does not parse but names some keys goes to their slot: Redis runs PFMERGE dest without
// sources, and the server of dest replies ZUNIONSTORE's own error.
TEST(Router, SingleSlotMalformedKeyListGoesWhereItsFoundKeysAre) {
  for (const char* line : {"PFMERGE d", "ZUNIONSTORE d 0 a", "ZUNIONSTORE d 5 a"}) {
    const JobPtr job = route_line(line);
    ASSERT_FALSE(job->done) << line << ": " << job->reply;
    ASSERT_EQ(job->calls.size(), 1u);
    EXPECT_EQ(job->calls[0].slot, static_cast<int32_t>(cmd::slot_of("d"))) << line;
    EXPECT_EQ(parse_wire(job->calls[0].wire), words(line));
  }
}

// Checks a split job against the client's argv: one call per distinct slot, in slot order; each call's
// wire is the name plus exactly that slot's key groups in client order; key_positions say which.
void check_split(const JobPtr& job, const std::vector<std::string>& args, size_t step) {
  ASSERT_FALSE(job->done) << job->reply;
  const size_t nkeys = (args.size() - 1) / step;
  EXPECT_EQ(job->keys, nkeys);
  std::map<uint32_t, Positions> want;
  for (uint32_t k = 0; k < nkeys; ++k) {
    want[cmd::slot_of(args[1 + k * step])].push_back(k);
  }
  ASSERT_EQ(job->calls.size(), want.size());
  EXPECT_EQ(job->calls_left, job->calls.size());
  size_t i = 0;
  std::vector<int> seen(nkeys, 0);
  for (const auto& [slot, positions] : want) {
    const Call& c = job->calls[i++];
    EXPECT_EQ(c.slot, static_cast<int32_t>(slot));
    EXPECT_EQ(c.group, 0);
    EXPECT_EQ(c.key_positions, positions);
    Strings expect = {args[0]};
    for (uint32_t k : positions) {
      ++seen[k];
      for (size_t j = 0; j < step; ++j) expect.push_back(args[1 + k * step + j]);
    }
    EXPECT_EQ(parse_wire(c.wire), expect);
    for (uint32_t k : c.key_positions) {
      EXPECT_EQ(cmd::slot_of(args[1 + k * step]), slot);
    }
  }
  for (uint32_t k = 0; k < nkeys; ++k) EXPECT_EQ(seen[k], 1) << "key " << k;
}

TEST(Router, SplitMgetOneCallPerSlot) {
  const Strings args = words("MGET a {t}1 b a {t}2 c {t}3");
  JobPtr job = route_args(args, *three_groups());
  EXPECT_EQ(job->merge, cmd::Merge::kConcat);
  check_split(job, args, 1);
  // Four slots: a, b, c, t.
  EXPECT_EQ(job->calls.size(), 4u);
  for (const Call& c : job->calls) {
    if (c.slot == static_cast<int32_t>(cmd::slot_of("t"))) {
      EXPECT_EQ(c.key_positions, Positions({1, 4, 6}));
      EXPECT_EQ(parse_wire(c.wire), Strings({"MGET", "{t}1", "{t}2", "{t}3"}));
    }
    if (c.slot == static_cast<int32_t>(cmd::slot_of("a"))) {
      EXPECT_EQ(c.key_positions, Positions({0, 3}));
      EXPECT_EQ(parse_wire(c.wire), Strings({"MGET", "a", "a"}));
    }
  }
}

TEST(Router, SplitOneSlotIsOneCall) {
  const Strings args = words("mget {x}1 {x}2 {x}3");
  JobPtr job = route_args(args, *three_groups());
  check_split(job, args, 1);
  ASSERT_EQ(job->calls.size(), 1u);
  EXPECT_EQ(job->calls[0].key_positions, Positions({0, 1, 2}));

  const Strings one = words("MGET only");
  check_split(route_args(one, *three_groups()), one, 1);
}

TEST(Router, SplitSumCommands) {
  for (std::string_view name : {"DEL", "EXISTS", "TOUCH", "UNLINK", "del", "Exists"}) {
    SCOPED_TRACE(name);
    const Strings args = words(std::string(name) + " a b {t}x c a {t}y b");
    JobPtr job = route_args(args, *three_groups());
    EXPECT_EQ(job->merge, cmd::Merge::kSum);
    check_split(job, args, 1);
  }
}

TEST(Router, SplitMsetCarriesValues) {
  const Strings args = words("MSET a 1 b 2 {t}x 3 a 4 {t}y '' c 6");
  JobPtr job = route_args(args, *three_groups());
  EXPECT_EQ(job->merge, cmd::Merge::kAllOk);
  check_split(job, args, 2);
  for (const Call& c : job->calls) {
    if (c.slot == static_cast<int32_t>(cmd::slot_of("t"))) {
      EXPECT_EQ(parse_wire(c.wire), Strings({"MSET", "{t}x", "3", "{t}y", ""}));
    }
    if (c.slot == static_cast<int32_t>(cmd::slot_of("a"))) {
      EXPECT_EQ(parse_wire(c.wire), Strings({"MSET", "a", "1", "a", "4"}));
    }
  }
}

TEST(Router, SplitBinaryKeys) {
  const Strings args = {"MGET", std::string("k\r\n\0", 4), "", "*1\r\n$3\r\nfoo\r\n", "$-1"};
  check_split(route_args(args, *three_groups()), args, 1);
}

TEST(Router, SplitMsetOddCountIsAnArityError) {
  EXPECT_EQ(error_reply(route_line("MSET a 1 b")), "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(error_reply(route_line("mset a 1 b 2 c")),
            "-ERR wrong number of arguments for 'mset' command\r\n");
  // The same words as the dispatcher's arity error.
  EXPECT_EQ(error_reply(route_line("MSET a 1 b")), "-" + cmd::arity_error(*cmd::lookup("mset")) + "\r\n");
}

TEST(Router, SplitSlotsRestoreStepsThree) {
  const Strings args = words("SLOTSRESTORE a 0 p1 {t}b 10 p2 c 0 p3 {t}d 0 p4");
  check_split(route_args(args, *three_groups()), args, 3);
  EXPECT_EQ(error_reply(route_line("SLOTSRESTORE a 0 p1 b")),
            "-ERR wrong number of arguments for 'slotsrestore' command\r\n");
}

TEST(Router, SplitManyKeys) {
  Strings args = {"DEL"};
  for (int i = 0; i < 3000; ++i) args.push_back("key:" + std::to_string(i % 1700));
  JobPtr job = route_args(args, *three_groups());
  check_split(job, args, 1);
  EXPECT_LE(job->calls.size(), cmd::kSlots);
}

TEST(Router, AllGroupsOneCallPerGroup) {
  JobPtr job = route_line("DBSIZE");
  ASSERT_FALSE(job->done);
  EXPECT_EQ(job->merge, cmd::Merge::kSum);
  ASSERT_EQ(job->calls.size(), 3u);
  EXPECT_EQ(job->calls_left, 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(job->calls[i].group, static_cast<int>(i + 1));
    EXPECT_EQ(job->calls[i].slot, -1);
    EXPECT_TRUE(job->calls[i].key_positions.empty());
    EXPECT_EQ(parse_wire(job->calls[i].wire), Strings({"DBSIZE"}));
  }
  JobPtr flush = route_line("FLUSHALL ASYNC");
  EXPECT_EQ(flush->merge, cmd::Merge::kAllOk);
  ASSERT_EQ(flush->calls.size(), 3u);
  EXPECT_EQ(parse_wire(flush->calls[2].wire), Strings({"FLUSHALL", "ASYNC"}));

  EXPECT_EQ(route_line("SCRIPT EXISTS a b")->merge, cmd::Merge::kAndArrays);
  EXPECT_EQ(route_line("SCRIPT LOAD return")->merge, cmd::Merge::kAllEqual);
  EXPECT_EQ(route_line("SCRIPT LOAD return")->calls.size(), 3u);
}

TEST(Router, AllGroupsFollowTheTablesGroups) {
  auto r = RoutingTable::parse(
      R"({"groups": [{"id": 9, "master": "a:1"}, {"id": 4, "master": "b:1"}], "slots": []})");
  auto table = std::get<std::shared_ptr<const RoutingTable>>(r);
  JobPtr job = route_args({"dbsize"}, *table);
  ASSERT_EQ(job->calls.size(), 2u);
  EXPECT_EQ(job->calls[0].group, 4);
  EXPECT_EQ(job->calls[1].group, 9);

  auto e = RoutingTable::parse(R"({"groups": [], "slots": []})");
  auto empty = std::get<std::shared_ptr<const RoutingTable>>(e);
  EXPECT_EQ(error_reply(route_args({"dbsize"}, *empty)), "-ERR codis-proxy: no groups are configured\r\n");
}

TEST(Router, AnyGroup) {
  JobPtr job = route_line("TIME");
  ASSERT_FALSE(job->done);
  ASSERT_EQ(job->calls.size(), 1u);
  EXPECT_EQ(job->calls[0].slot, -1);
  EXPECT_EQ(job->calls[0].group, 0);
  EXPECT_EQ(parse_wire(job->calls[0].wire), Strings({"TIME"}));
  JobPtr lolwut = route_line("LOLWUT VERSION 5");
  ASSERT_EQ(lolwut->calls.size(), 1u);
  EXPECT_EQ(lolwut->calls[0].slot, -1);
}

TEST(Router, SlotArgument) {
  JobPtr job = route_line("SLOTSSCAN 5 0 COUNT 10");
  ASSERT_FALSE(job->done);
  ASSERT_EQ(job->calls.size(), 1u);
  EXPECT_EQ(job->calls[0].slot, 5);
  EXPECT_EQ(parse_wire(job->calls[0].wire), Strings({"SLOTSSCAN", "5", "0", "COUNT", "10"}));
  EXPECT_EQ(route_line("SLOTSSCAN 0 0")->calls[0].slot, 0);
  EXPECT_EQ(route_line("SLOTSSCAN 1023 0")->calls[0].slot, 1023);
  EXPECT_EQ(route_line("SLOTSSCAN 01023 0")->calls[0].slot, 1023);
  // Not a slot: any group replies the command's own error.
  for (std::string_view bad :
       {"1024", "-1", "x", "''", "99999", "123456", "+5", "5 ", "99999999999999999999999",
        "5\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"}) {
    SCOPED_TRACE(bad);
    std::vector<std::string> args = {"SLOTSSCAN", std::string(bad == "''" ? "" : bad), "0"};
    JobPtr j = route_args(args, *three_groups());
    ASSERT_FALSE(j->done);
    ASSERT_EQ(j->calls.size(), 1u);
    EXPECT_EQ(j->calls[0].slot, -1);
  }
}

TEST(Router, CommandGoesToAnyGroup) {
  JobPtr job = route_line("COMMAND INFO get");
  ASSERT_FALSE(job->done);
  ASSERT_EQ(job->calls.size(), 1u);
  EXPECT_EQ(job->calls[0].slot, -1);
  EXPECT_EQ(route_line("COMMAND")->calls.size(), 1u);
}

TEST(Router, RefusedAndLocalCommandsAreNotRouted) {
  EXPECT_EQ(error_reply(route_line("KEYS *")), "-ERR codis-proxy: command 'keys' cannot be routed\r\n");
  EXPECT_EQ(error_reply(route_line("RANDOMKEY")),
            "-ERR codis-proxy: command 'randomkey' cannot be routed\r\n");
  EXPECT_EQ(error_reply(route_line("PING")), "-ERR codis-proxy: command 'ping' cannot be routed\r\n");
}

// A slot migrating with forwarding: the router records each call's keys (the proxy asks the source about
// them); slots that are not migrating, or migrate without forwarding, carry none (no copy on the fast path).
TEST(Router, ForwardedSlotsCarryTheirKeys) {
  const uint32_t sa = cmd::slot_of("a"), sb = cmd::slot_of("b");
  ASSERT_NE(sa, sb);
  const std::string json =
      R"({"groups": [{"id": 1, "master": "h:1"}, {"id": 2, "master": "h:2"}], "slots": [)" +
      std::string(R"({"range": [)") + std::to_string(sa) + "," + std::to_string(sa) +
      R"(], "group": 2, "migrating_from": 1}]})";
  auto parsed = RoutingTable::parse(json);
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const RoutingTable>>(parsed));
  const auto& table = *std::get<std::shared_ptr<const RoutingTable>>(parsed);

  JobPtr set = route_args({"SET", "a", "v"}, table);
  ASSERT_EQ(set->calls.size(), 1u);
  EXPECT_EQ(set->calls[0].keys, Strings{"a"});
  JobPtr other = route_args({"SET", "b", "v"}, table);
  EXPECT_TRUE(other->calls[0].keys.empty());

  JobPtr mget = route_args({"MGET", "b", "a", "a"}, table);
  ASSERT_EQ(mget->calls.size(), 2u);
  for (const Call& c : mget->calls) {
    EXPECT_EQ(c.keys, static_cast<uint32_t>(c.slot) == sa ? (Strings{"a", "a"}) : Strings{}) << c.slot;
  }
  JobPtr mset = route_args({"MSET", "a", "1", "b", "2"}, table);
  for (const Call& c : mset->calls) {
    EXPECT_EQ(c.keys, static_cast<uint32_t>(c.slot) == sa ? Strings{"a"} : Strings{}) << c.slot;
  }
  EXPECT_TRUE(route_line("SET a v")->calls[0].keys.empty());  // a table without migrations
}

}  // namespace
}  // namespace codis::proxy
