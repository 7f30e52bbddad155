// RoutingTable::parse: a good routing file (epoch, groups with replicas, slot ranges, what the lookups
// answer, to_json round trip) and every malformed file, whose error names the place at fault.
#include "proxy/routing_table.h"

#include <gtest/gtest.h>

#include <string>

namespace codis::proxy {
namespace {

using TablePtr = std::shared_ptr<const RoutingTable>;

TablePtr parse_ok(std::string_view json) {
  auto r = RoutingTable::parse(json);
  if (auto* e = std::get_if<RoutingTable::ParseError>(&r)) {
    ADD_FAILURE() << "unexpected parse error: " << e->message << "\nfor: " << json;
    return nullptr;
  }
  return std::get<TablePtr>(r);
}

// The error message, or "" (and a failure) when the file parsed.
std::string parse_error(std::string_view json) {
  auto r = RoutingTable::parse(json);
  if (auto* e = std::get_if<RoutingTable::ParseError>(&r)) {
    return e->message;
  }
  ADD_FAILURE() << "parsed, but should not have: " << json;
  return "";
}

constexpr std::string_view kGood = R"({
  "epoch": 7,
  "groups": [
    {"id": 1, "master": "127.0.0.1:6380", "replicas": ["127.0.0.1:6390", "10.0.0.2:6391"]},
    {"id": 2, "master": "host-b:6381"},
    {"id": 5, "master": "127.0.0.1:6385", "replicas": []}
  ],
  "slots": [
    {"range": [0, 511], "group": 1},
    {"range": [600, 600], "group": 5},
    {"range": [512, 599], "group": 2},
    {"range": [1000, 1023], "group": 2}
  ]
})";

TEST(RoutingTable, GoodFile) {
  TablePtr t = parse_ok(kGood);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->epoch(), 7u);
  ASSERT_EQ(t->groups().size(), 3u);

  const Group* g1 = t->group(1);
  ASSERT_NE(g1, nullptr);
  EXPECT_EQ(g1->id, 1);
  EXPECT_EQ(g1->master, rt::Endpoint("127.0.0.1", 6380));
  ASSERT_EQ(g1->replicas.size(), 2u);
  EXPECT_EQ(g1->replicas[0], rt::Endpoint("127.0.0.1", 6390));
  EXPECT_EQ(g1->replicas[1], rt::Endpoint("10.0.0.2", 6391));

  const Group* g2 = t->group(2);
  ASSERT_NE(g2, nullptr);
  EXPECT_EQ(g2->master, rt::Endpoint("host-b", 6381));
  EXPECT_TRUE(g2->replicas.empty());
  ASSERT_NE(t->group(5), nullptr);
  EXPECT_TRUE(t->group(5)->replicas.empty());
  EXPECT_EQ(t->group(3), nullptr);
  EXPECT_EQ(t->group(RoutingTable::kNoGroup), nullptr);

  EXPECT_EQ(t->owner(0), 1);
  EXPECT_EQ(t->owner(511), 1);
  EXPECT_EQ(t->owner(512), 2);
  EXPECT_EQ(t->owner(599), 2);
  EXPECT_EQ(t->owner(600), 5);
  EXPECT_EQ(t->owner(601), RoutingTable::kNoGroup);
  EXPECT_EQ(t->owner(999), RoutingTable::kNoGroup);
  EXPECT_EQ(t->owner(1000), 2);
  EXPECT_EQ(t->owner(1023), 2);
  EXPECT_EQ(t->served_slots(), 512 + 88 + 1 + 24);

  ASSERT_NE(t->master_of(3), nullptr);
  EXPECT_EQ(*t->master_of(3), rt::Endpoint("127.0.0.1", 6380));
  ASSERT_NE(t->master_of(600), nullptr);
  EXPECT_EQ(*t->master_of(600), rt::Endpoint("127.0.0.1", 6385));
  EXPECT_EQ(t->master_of(700), nullptr);
}

TEST(RoutingTable, EpochIsOptionalAndSlotsMayBeEmpty) {
  TablePtr t = parse_ok(R"({"groups": [{"id": 3, "master": "a:1"}], "slots": []})");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->epoch(), 0u);
  EXPECT_EQ(t->served_slots(), 0);
  EXPECT_EQ(t->master_of(0), nullptr);
  ASSERT_NE(t->group(3), nullptr);

  TablePtr none = parse_ok(R"({"groups": [], "slots": []})");
  ASSERT_NE(none, nullptr);
  EXPECT_TRUE(none->groups().empty());
}

TEST(RoutingTable, LargeEpochAndPort) {
  TablePtr t = parse_ok(
      R"({"epoch": 9223372036854775807, "groups": [{"id": 2147483647, "master": "h:65535"}],
          "slots": [{"range": [0, 1023], "group": 2147483647}]})");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->epoch(), 9223372036854775807u);
  EXPECT_EQ(t->served_slots(), 1024);
  EXPECT_EQ(t->owner(1023), 2147483647);
  EXPECT_EQ(t->master_of(17)->port, 65535);
}

TEST(RoutingTable, ToJsonRoundTrips) {
  TablePtr t = parse_ok(kGood);
  ASSERT_NE(t, nullptr);
  const std::string json = t->to_json();
  TablePtr u = parse_ok(json);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->epoch(), t->epoch());
  EXPECT_EQ(u->served_slots(), t->served_slots());
  for (uint32_t s = 0; s < cmd::kSlots; ++s) {
    ASSERT_EQ(u->owner(s), t->owner(s)) << "slot " << s;
  }
  ASSERT_EQ(u->groups().size(), t->groups().size());
  for (const auto& [id, g] : t->groups()) {
    const Group* h = u->group(id);
    ASSERT_NE(h, nullptr) << id;
    EXPECT_EQ(h->id, g.id);
    EXPECT_EQ(h->master, g.master);
    EXPECT_EQ(h->replicas, g.replicas);
  }
  // Adjacent ranges of one group come out as one range, and printing again gives the same text.
  EXPECT_EQ(u->to_json(), json);
  EXPECT_NE(json.find(R"("range":[512,599])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("range":[1000,1023])"), std::string::npos) << json;
}

TEST(RoutingTable, ToJsonMergesAdjacentRangesOfOneGroup) {
  TablePtr t = parse_ok(
      R"({"groups": [{"id": 1, "master": "a:1"}, {"id": 2, "master": "b:2"}],
          "slots": [{"range": [0, 9], "group": 1}, {"range": [10, 19], "group": 1},
                    {"range": [20, 1023], "group": 2}]})");
  ASSERT_NE(t, nullptr);
  const std::string json = t->to_json();
  EXPECT_NE(json.find(R"({"range":[0,19],"group":1})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"range":[20,1023],"group":2})"), std::string::npos) << json;
  TablePtr u = parse_ok(json);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->served_slots(), 1024);
}

// Every error names where the problem is (the test checks the whole message or the telling part).
struct BadFile {
  std::string_view name;
  std::string_view json;
  std::string_view message;  // a substring of the error
};

const BadFile kBadFiles[] = {
    {"not json", "{\"groups\": [", "routing file is not valid JSON"},
    {"not json at all", "hello", "routing file is not valid JSON"},
    {"not an object", "[1, 2]", "the routing file must be an object"},
    {"epoch not an integer", R"({"epoch": "7", "groups": [], "slots": []})", "epoch must be an integer"},
    {"negative epoch", R"({"epoch": -1, "groups": [], "slots": []})", "epoch must be in 0.."},
    {"groups missing", R"({"slots": []})", "\"groups\" is missing"},
    {"groups not an array", R"({"groups": {}, "slots": []})", "\"groups\" must be an array"},
    {"slots missing", R"({"groups": [{"id": 1, "master": "a:1"}]})", "\"slots\" is missing"},
    {"slots not an array", R"({"groups": [], "slots": 3})", "\"slots\" must be an array"},
    {"group not an object", R"({"groups": [{"id": 1, "master": "a:1"}, 7], "slots": []})",
     "groups[1] must be an object"},
    {"group id missing", R"({"groups": [{"master": "a:1"}], "slots": []})", "groups[0].id is missing"},
    {"group id zero", R"({"groups": [{"id": 0, "master": "a:1"}], "slots": []})",
     "groups[0].id must be in 1..2147483647, got 0"},
    {"group id negative", R"({"groups": [{"id": -4, "master": "a:1"}], "slots": []})",
     "groups[0].id must be in 1..2147483647, got -4"},
    {"group id too big", R"({"groups": [{"id": 2147483648, "master": "a:1"}], "slots": []})",
     "groups[0].id must be in 1..2147483647"},
    {"group id a float", R"({"groups": [{"id": 1.5, "master": "a:1"}], "slots": []})",
     "groups[0].id must be an integer"},
    {"group id a string", R"({"groups": [{"id": "1", "master": "a:1"}], "slots": []})",
     "groups[0].id must be an integer"},
    {"master missing", R"({"groups": [{"id": 1}], "slots": []})", "groups[0].master is missing"},
    {"master not a string", R"({"groups": [{"id": 1, "master": 6379}], "slots": []})",
     "groups[0].master must be a \"host:port\" string"},
    {"master without port", R"({"groups": [{"id": 1, "master": "localhost"}], "slots": []})",
     "groups[0].master is not a host:port address: 'localhost'"},
    {"master port too big", R"({"groups": [{"id": 1, "master": "h:65536"}], "slots": []})",
     "groups[0].master is not a host:port address: 'h:65536'"},
    {"master port not a number", R"({"groups": [{"id": 1, "master": "h:x1"}], "slots": []})",
     "groups[0].master is not a host:port address"},
    {"master without host", R"({"groups": [{"id": 1, "master": ":6379"}], "slots": []})",
     "groups[0].master is not a host:port address"},
    {"replicas not an array", R"({"groups": [{"id": 1, "master": "a:1", "replicas": "b:2"}], "slots": []})",
     "groups[0].replicas must be an array"},
    {"bad replica",
     R"({"groups": [{"id": 1, "master": "a:1"}, {"id": 2, "master": "b:1", "replicas": ["c:1", "d"]}],
         "slots": []})",
     "groups[1].replicas[1] is not a host:port address: 'd'"},
    {"replica not a string", R"({"groups": [{"id": 1, "master": "a:1", "replicas": [5]}], "slots": []})",
     "groups[0].replicas[0] must be a \"host:port\" string"},
    {"group listed twice",
     R"({"groups": [{"id": 1, "master": "a:1"}, {"id": 2, "master": "b:1"}, {"id": 1, "master": "c:1"}],
         "slots": []})",
     "groups[2]: group 1 is listed twice"},
    {"slot entry not an object", R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [[0, 1]]})",
     "slots[0] must be an object"},
    {"range missing", R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"group": 1}]})",
     "slots[0].range is missing"},
    {"range not an array", R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": 5, "group": 1}]})",
     "slots[0].range must be an array"},
    {"range of one", R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [5], "group": 1}]})",
     "slots[0].range must be [first, last]"},
    {"range of three",
     R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [1, 2, 3], "group": 1}]})",
     "slots[0].range must be [first, last]"},
    {"range out of order",
     R"({"groups": [{"id": 1, "master": "a:1"}],
         "slots": [{"range": [0, 9], "group": 1}, {"range": [20, 10], "group": 1}]})",
     "slots[1].range[1] must be in 20..1023, got 10"},
    {"range start negative",
     R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [-1, 10], "group": 1}]})",
     "slots[0].range[0] must be in 0..1023, got -1"},
    {"range start past 1023",
     R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [1024, 1024], "group": 1}]})",
     "slots[0].range[0] must be in 0..1023, got 1024"},
    {"range end past 1023",
     R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [1000, 1024], "group": 1}]})",
     "slots[0].range[1] must be in 1000..1023, got 1024"},
    {"range not integers",
     R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": ["0", 5], "group": 1}]})",
     "slots[0].range[0] must be an integer"},
    {"slot group missing", R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [0, 5]}]})",
     "slots[0].group is missing"},
    {"slot group zero",
     R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [0, 5], "group": 0}]})",
     "slots[0].group must be in 1..2147483647, got 0"},
    {"unknown group",
     R"({"groups": [{"id": 1, "master": "a:1"}],
         "slots": [{"range": [0, 5], "group": 1}, {"range": [6, 9], "group": 4}]})",
     "slots[1] names group 4, which is not in \"groups\""},
    {"slot assigned twice",
     R"({"groups": [{"id": 1, "master": "a:1"}, {"id": 2, "master": "b:1"}],
         "slots": [{"range": [0, 511], "group": 1}, {"range": [512, 1023], "group": 2},
                   {"range": [300, 300], "group": 2}]})",
     "slots[2]: slot 300 is assigned twice"},
    {"overlapping ranges of one group",
     R"({"groups": [{"id": 1, "master": "a:1"}],
         "slots": [{"range": [0, 10], "group": 1}, {"range": [10, 20], "group": 1}]})",
     "slots[1]: slot 10 is assigned twice"},
};

TEST(RoutingTable, ErrorsNameThePlace) {
  for (const BadFile& b : kBadFiles) {
    SCOPED_TRACE(b.name);
    const std::string message = parse_error(b.json);
    EXPECT_NE(message.find(b.message), std::string::npos) << "message: " << message;
  }
}

TEST(RoutingTable, ExactMessages) {
  EXPECT_EQ(parse_error(R"({"slots": []})"), "\"groups\" is missing");
  EXPECT_EQ(
      parse_error(R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [0, 5], "group": 2}]})"),
      "slots[0] names group 2, which is not in \"groups\"");
  EXPECT_EQ(
      parse_error(R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [9, 3], "group": 1}]})"),
      "slots[0].range[1] must be in 9..1023, got 3");
  EXPECT_EQ(parse_error(R"({"groups": [{"id": 1, "master": "a"}], "slots": []})"),
            "groups[0].master is not a host:port address: 'a'");
}

TEST(RoutingTable, MigratingSlotsNameTheirSourceAndForwardMethod) {
  TablePtr t = parse_ok(R"({"groups": [{"id": 1, "master": "a:1"}, {"id": 2, "master": "b:2"}],
    "slots": [{"range": [0, 9], "group": 1},
              {"range": [10, 10], "group": 2, "migrating_from": 1},
              {"range": [11, 11], "group": 2, "migrating_from": 1, "forward": "sync"},
              {"range": [12, 12], "group": 2, "migrating_from": 1, "forward": "none"},
              {"range": [13, 20], "group": 2}]})");
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->migrating(0));
  EXPECT_EQ(t->forward(0), Forward::kNone);
  EXPECT_TRUE(t->migrating(10));
  EXPECT_EQ(t->migrating_from(10), 1);
  EXPECT_EQ(t->owner(10), 2);
  EXPECT_EQ(t->forward(10), Forward::kSemiAsync);  // Codis's default
  EXPECT_EQ(t->forward(11), Forward::kSync);
  EXPECT_TRUE(t->migrating(12));
  EXPECT_EQ(t->forward(12), Forward::kNone);  // the servers' redirects do it
  EXPECT_TRUE(t->any_forwarding());
  // Printed and read back: the same per-slot state, and slots 10..12 stay apart from 13..20.
  TablePtr u = parse_ok(t->to_json());
  ASSERT_NE(u, nullptr);
  for (uint32_t s = 0; s < cmd::kSlots; ++s) {
    ASSERT_EQ(u->owner(s), t->owner(s)) << s;
    ASSERT_EQ(u->migrating_from(s), t->migrating_from(s)) << s;
    ASSERT_EQ(u->forward(s), t->forward(s)) << s;
  }
  EXPECT_NE(t->to_json().find(R"("range":[13,20])"), std::string::npos) << t->to_json();
  EXPECT_FALSE(parse_ok(kGood)->any_forwarding());
}

TEST(RoutingTable, BadMigrations) {
  const std::string groups =
      R"({"groups": [{"id": 1, "master": "a:1"}, {"id": 2, "master": "b:2"}], "slots": [)";
  EXPECT_EQ(parse_error(groups + R"({"range": [0, 1], "group": 2, "migrating_from": 3}]})"),
            "slots[0].migrating_from names group 3, which is not in \"groups\"");
  EXPECT_EQ(parse_error(groups + R"({"range": [0, 1], "group": 2, "migrating_from": 2}]})"),
            "slots[0] migrates from its own group 2");
  EXPECT_EQ(parse_error(groups + R"({"range": [0, 1], "group": 2, "migrating_from": 1, "forward": "x"}]})"),
            "slots[0].forward must be \"sync\", \"semi-async\" or \"none\"");
  EXPECT_EQ(parse_error(groups + R"({"range": [0, 1], "group": 2, "forward": "sync"}]})"),
            "slots[0].forward needs \"migrating_from\"");
}

}  // namespace
}  // namespace codis::proxy
