// merge_replies(): the client's reply from the replies of a split or fanned-out command. MGET's arrays in
// client key order whatever the calls, sums, all-OK, the first error in call order, kAllEqual, kAndArrays,
// and malformed backend replies (an error reply, never a crash).
#include "proxy/merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cmd/slot.h"
#include "cmd/table.h"
#include "proxy/router.h"

namespace codis::proxy {
namespace {

std::shared_ptr<const RoutingTable> one_group() {
  auto r = RoutingTable::parse(
      R"({"groups": [{"id": 1, "master": "a:1"}], "slots": [{"range": [0, 1023], "group": 1}]})");
  return std::get<std::shared_ptr<const RoutingTable>>(r);
}

JobPtr route_args(const std::vector<std::string>& args) {
  static const auto table = one_group();
  const std::vector<std::string_view> argv(args.begin(), args.end());
  const cmd::CommandSpec* spec = cmd::lookup(argv[0]);
  if (spec->is_container()) spec = cmd::lookup_subcommand(*spec, argv[1]);
  JobPtr job = route(argv, *spec, *table);
  EXPECT_FALSE(job->done) << job->reply;
  return job;
}

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// A job by hand: the merge rule and the calls' replies.
Job job_of(cmd::Merge merge, std::vector<std::string> replies) {
  Job job;
  job.merge = merge;
  for (std::string& r : replies) {
    Call c;
    c.reply = std::move(r);
    c.done = true;
    job.calls.push_back(std::move(c));
  }
  return job;
}

const std::string kProtocolSplit = "-ERR codis-proxy: unexpected reply from a backend to a split read\r\n";
const std::string kProtocolSum = "-ERR codis-proxy: unexpected reply from a backend to a summed command\r\n";

// MGET over keys spread across slots: each call answers its keys (value = "v" + the key), the merge puts
// them back in the client's order, duplicates included.
TEST(Merge, ConcatInClientKeyOrder) {
  const std::vector<std::string> keys = {"a", "{t}1", "b", "a", "{t}2", "c", "nil", "{t}3", "d"};
  std::vector<std::string> args = {"MGET"};
  args.insert(args.end(), keys.begin(), keys.end());
  JobPtr job = route_args(args);
  ASSERT_GE(job->calls.size(), 4u);
  for (Call& c : job->calls) {
    c.reply = "*" + std::to_string(c.key_positions.size()) + "\r\n";
    for (uint32_t k : c.key_positions) {
      c.reply += keys[k] == "nil" ? "$-1\r\n" : bulk("v" + keys[k]);
    }
    c.done = true;
  }
  std::string want = "*9\r\n";
  for (const std::string& k : keys) want += k == "nil" ? "$-1\r\n" : bulk("v" + k);
  EXPECT_EQ(merge_replies(*job), want);
}

TEST(Merge, ConcatKeepsElementsWhole) {
  // Elements of any type, RESP3 nulls and nested arrays among them, move as whole replies.
  Job job;
  job.merge = cmd::Merge::kConcat;
  job.keys = 4;
  Call c1;
  c1.key_positions = {3, 0};
  c1.reply = "*2\r\n_\r\n*2\r\n:1\r\n$1\r\nx\r\n";
  Call c2;
  c2.key_positions = {1, 2};
  c2.reply = "*2\r\n$0\r\n\r\n$-1\r\n";
  job.calls = {c1, c2};
  EXPECT_EQ(merge_replies(job), "*4\r\n*2\r\n:1\r\n$1\r\nx\r\n$0\r\n\r\n$-1\r\n_\r\n");
}

TEST(Merge, ConcatMalformedRepliesAreErrors) {
  for (const std::string& bad : {
           std::string(""),                                 // no reply at all
           std::string("+OK\r\n"),                          // not an array
           std::string(":2\r\n"),                           // not an array
           std::string("*-1\r\n"),                          // a null array
           std::string("*3\r\n$1\r\na\r\n$-1\r\n$-1\r\n"),  // too many elements for the call's keys
           std::string("*1\r\n$1\r\na\r\n"),                // too few
           std::string("*2\r\n$1\r\na\r\n"),                // truncated
           std::string("*2\r\n$1\r\na\r\n$-1\r\nxx"),       // trailing bytes
           std::string("*2\r\n$5\r\na\r\n$-1\r\n"),         // a bulk shorter than its length
           std::string("*x\r\n"),                           // bad count
           std::string("*2"),                               // no line end
           std::string("*+2\r\n$-1\r\n$-1\r\n"),            // signed count
           std::string("*2\r\n?\r\n$-1\r\n"),               // not a reply
       }) {
    SCOPED_TRACE(bad);
    Job job;
    job.merge = cmd::Merge::kConcat;
    job.keys = 3;
    Call good;
    good.key_positions = {0};
    good.reply = "*1\r\n$1\r\nz\r\n";
    Call c;
    c.key_positions = {1, 2};
    c.reply = bad;
    job.calls = {good, c};
    EXPECT_EQ(merge_replies(job), kProtocolSplit);
  }
}

TEST(Merge, SumAddsCounts) {
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kSum, {":1\r\n", ":2\r\n", ":0\r\n"})), ":3\r\n");
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kSum, {":0\r\n"})), ":0\r\n");
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kSum, {":-5\r\n", ":7\r\n"})), ":2\r\n");
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kSum, {":123456789012\r\n", ":1\r\n"})), ":123456789013\r\n");
}

TEST(Merge, SumOfARoutedDel) {
  JobPtr job = route_args({"DEL", "a", "b", "c", "{t}x", "{t}y"});
  int64_t want = 0;
  int64_t n = 1;
  for (Call& c : job->calls) {
    c.reply = ":" + std::to_string(n) + "\r\n";
    want += n++;
    c.done = true;
  }
  EXPECT_EQ(merge_replies(*job), ":" + std::to_string(want) + "\r\n");
}

TEST(Merge, SumMalformedRepliesAreErrors) {
  for (const std::string& bad :
       {std::string(""), std::string("+OK\r\n"), std::string(":\r\n"), std::string(":x\r\n"),
        std::string(":1"), std::string(":1\r"), std::string(":12\r"), std::string(":1ab"),
        std::string(":1\r\nxx"), std::string(":1\r\n:2\r\n"), std::string(":+1\r\n"), std::string(": 1\r\n"),
        std::string("$1\r\n1\r\n"), std::string(":99999999999999999999\r\n"), std::string("*1\r\n:1\r\n")}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(merge_replies(job_of(cmd::Merge::kSum, {":1\r\n", bad})), kProtocolSum);
  }
}

TEST(Merge, SumThatWouldOverflowIsAnError) {
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kSum, {":9223372036854775807\r\n", ":1\r\n"})), kProtocolSum);
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kSum, {":-9223372036854775808\r\n", ":-1\r\n"})), kProtocolSum);
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kSum, {":9223372036854775807\r\n", ":0\r\n"})),
            ":9223372036854775807\r\n");
}

TEST(Merge, AllOk) {
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAllOk, {"+OK\r\n", "+OK\r\n", "+OK\r\n"})), "+OK\r\n");
  // One part that did not say OK: its reply (the first such in call order), not OK.
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAllOk, {"+OK\r\n", ":1\r\n", "+QUEUED\r\n"})), ":1\r\n");
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAllOk, {"+OK\r\n", "+OK\r\n", "-ERR no\r\n"})), "-ERR no\r\n");
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAllOk, {"+OK\r\n", ""})),
            "-ERR codis-proxy: unexpected reply from a backend to a command every group runs\r\n");
}

TEST(Merge, FirstErrorInCallOrderWins) {
  for (cmd::Merge m : {cmd::Merge::kNone, cmd::Merge::kConcat, cmd::Merge::kAllOk, cmd::Merge::kSum,
                       cmd::Merge::kAllEqual, cmd::Merge::kAndArrays}) {
    SCOPED_TRACE(static_cast<int>(m));
    EXPECT_EQ(merge_replies(job_of(m, {"+OK\r\n", "-MOVED 5 h:1\r\n", "-ERR second\r\n"})),
              "-MOVED 5 h:1\r\n");
    // An error wins over a malformed reply before it.
    EXPECT_EQ(merge_replies(job_of(m, {"garbage", ":1\r\n", "-ERR late\r\n"})), "-ERR late\r\n");
    // RESP3 blob errors are errors too.
    EXPECT_EQ(merge_replies(job_of(m, {":1\r\n", "!5\r\nERR x\r\n", "-ERR later\r\n"})), "!5\r\nERR x\r\n");
  }
}

TEST(Merge, FirstErrorOfARoutedMset) {
  JobPtr job = route_args({"MSET", "a", "1", "b", "2", "c", "3", "{t}d", "4"});
  ASSERT_GE(job->calls.size(), 3u);
  for (Call& c : job->calls) c.reply = "+OK\r\n";
  EXPECT_EQ(merge_replies(*job), "+OK\r\n");
  job->calls[1].reply = "-OOM command not allowed\r\n";
  job->calls[2].reply = "-READONLY You can't write against a read only replica.\r\n";
  EXPECT_EQ(merge_replies(*job), "-OOM command not allowed\r\n");
}

TEST(Merge, NoneIsTheOneReply) {
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kNone, {"$3\r\nabc\r\n"})), "$3\r\nabc\r\n");
}

TEST(Merge, AllEqual) {
  const std::string sha = bulk("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAllEqual, {sha, sha, sha})), sha);
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAllEqual, {sha, sha, bulk("other")})),
            "-ERR codis-proxy: the groups answered differently\r\n");
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAllEqual, {sha, "-NOSCRIPT x\r\n"})), "-NOSCRIPT x\r\n");
}

TEST(Merge, AndArrays) {
  EXPECT_EQ(
      merge_replies(job_of(cmd::Merge::kAndArrays, {"*3\r\n:1\r\n:1\r\n:0\r\n", "*3\r\n:1\r\n:0\r\n:1\r\n",
                                                    "*3\r\n:1\r\n:1\r\n:1\r\n"})),
      "*3\r\n:1\r\n:0\r\n:0\r\n");
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAndArrays, {"*0\r\n", "*0\r\n"})), "*0\r\n");
  // Anything but :1 is false.
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAndArrays, {"*2\r\n:1\r\n#t\r\n"})), "*2\r\n:1\r\n:0\r\n");
  const std::string err = "-ERR codis-proxy: unexpected reply from a backend to SCRIPT EXISTS\r\n";
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAndArrays, {"*2\r\n:1\r\n:1\r\n", "*1\r\n:1\r\n"})), err);
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAndArrays, {"*1\r\n:1\r\n", "+OK\r\n"})), err);
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAndArrays, {"", "*1\r\n:1\r\n"})), err);
  EXPECT_EQ(merge_replies(job_of(cmd::Merge::kAndArrays, {})), err);
}

}  // namespace
}  // namespace codis::proxy
