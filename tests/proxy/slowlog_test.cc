// The proxy's slow log (proxy/slowlog.h): what it records of a job (the arguments its calls sent) and
// SLOWLOG GET's reply.
#include "proxy/slowlog.h"

#include <gtest/gtest.h>

#include "cmd/table.h"
#include "proxy/router.h"

namespace codis::proxy {
namespace {

Call call_of(std::vector<std::string_view> argv) {
  Call c;
  c.wire = encode_request(argv);
  return c;
}

TEST(ProxySlowLog, ArgumentsOfOneCallAreTheCommand) {
  Job j;
  j.calls.push_back(call_of({"SET", "k", "v"}));
  EXPECT_EQ(job_arguments(j), (std::vector<std::string_view>{"SET", "k", "v"}));
}

TEST(ProxySlowLog, ASplitCommandNamesItselfOnce) {
  Job j;
  j.merge = cmd::Merge::kConcat;
  j.calls.push_back(call_of({"MGET", "a", "b"}));
  j.calls.push_back(call_of({"MGET", "c"}));
  EXPECT_EQ(job_arguments(j), (std::vector<std::string_view>{"MGET", "a", "b", "c"}));
}

TEST(ProxySlowLog, AJobWithoutCallsGivesItsName) {
  Job j;
  j.spec = cmd::lookup("ping");
  ASSERT_NE(j.spec, nullptr);
  EXPECT_EQ(job_arguments(j), std::vector<std::string_view>{"ping"});
}

TEST(ProxySlowLog, RecordsOnlySlowCommandsAndRepliesLikeRedis) {
  SharedSlowLog log(100, 2);
  EXPECT_FALSE(log.wants(99));
  EXPECT_TRUE(log.wants(100));
  Job j;
  j.calls.push_back(call_of({"GET", "k"}));
  log.record(j, 150, "127.0.0.1:5000", "app", 1700000000);
  log.record(j, 200, "127.0.0.1:5000", "", 1700000001);
  log.record(j, 300, "127.0.0.1:5000", "", 1700000002);
  EXPECT_EQ(log.size(), 2u);  // max-len 2: the oldest went
  EXPECT_EQ(log.get_reply(1, 2),
            "*1\r\n*6\r\n:2\r\n:1700000002\r\n:300\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n$14\r\n127.0.0.1:5000\r\n"
            "$0\r\n\r\n");
  EXPECT_EQ(log.get_reply(-1, 2).substr(0, 4), "*2\r\n");
  log.reset();
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(log.get_reply(10, 3), "*0\r\n");
}

TEST(ProxySlowLog, DisabledByANegativeThreshold) {
  SharedSlowLog log(-1, 128);
  EXPECT_FALSE(log.wants(1000000000));
}

}  // namespace
}  // namespace codis::proxy
