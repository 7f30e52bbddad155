// The model test of issue 18: any interleaving of pipelined requests over several slots gets, through
// codis-proxy, replies in order and equal to one Redis's. Each case (pipeline_case.h) runs in a simulated
// world (pipeline_world.h) with three cluster-mode codis-servers behind a real proxy::Proxy and a fourth,
// plain codis-server as the reference; 1-3 clients with disjoint keys pipeline batches of GET, SET, INCR,
// APPEND, DEL, UNLINK, EXISTS, TOUCH, MGET, MSET, LPUSH, LRANGE, HSET, HGETALL, EXPIRE and MULTI blocks on
// one slot (some after a WATCH), in RESP2 or RESP3, over random latencies, tails, segmentations and send
// buffers (no faults: this is about order and equality).
//
// The checker is checked: with the planted bug proxy-mget-order (two keys' replies trade places in an MGET
// merge), some of the first cases fail, and the failing case passes without the bug.
//
// 500 cases by default, about 2 s (RC_PARAMS overrides, e.g. RC_PARAMS="max_success=5000 seed=7").
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>

#include "props/proxy/pipeline_case.h"
#include "props/proxy/pipeline_world.h"

namespace codis::proxy::model {
namespace {

// Before RapidCheck reads its configuration (on first use): 500 cases unless RC_PARAMS says otherwise.
const bool kDefaultParams = [] {
  setenv("RC_PARAMS", "max_success=500", /*overwrite=*/0);
  return true;
}();

RC_GTEST_PROP(ProxyPipelineModel, RepliesInOrderAndEqualToOneRedis, ()) {
  const Case c = *gen_case();
  RC_CLASSIFY(c.clients.size() > 1, "several clients");
  RC_CLASSIFY(
      std::any_of(c.clients.begin(), c.clients.end(), [](const Client& x) { return x.protocol == 3; }),
      "RESP3");
  const std::string why = run_case(c);
  if (!why.empty()) {
    RC_FAIL(why);
  }
}

// How many of the first cases the planted bug may survive before the test says the checker is blind to it.
constexpr uint64_t kBugCases = 20;

TEST(ProxyPipelineModel, PlantedMgetOrderBugIsCaught) {
  const rc::Gen<Case> gen = gen_case();
  for (uint64_t seed = 1; seed <= kBugCases; ++seed) {
    const Case c = gen(rc::Random(seed)).value();
    const std::string why = run_case(c, {"proxy-mget-order"});
    if (why.empty()) {
      continue;
    }
    // The failure is the bug's: the same case passes without it.
    EXPECT_EQ(run_case(c), "") << "case " << seed;
    std::ostringstream shown;
    showValue(c, shown);
    std::cout << "proxy-mget-order caught by case " << seed << ": " << why << "\n" << shown.str();
    return;
  }
  FAIL() << "the planted bug proxy-mget-order passed " << kBugCases << " cases";
}

// Found by the property: a command held behind a WATCH (a barrier) never started when the WATCH finished
// while the session was still writing an earlier reply to a client that was not reading yet (a small send
// buffer, a big GET reply): the finish was signalled then and lost, so the APPEND never got a reply.
TEST(ProxyPipelineModel, CommandHeldBehindWatchStartsWhenWatchEndsDuringAWrite) {
  Case c;
  c.latency_min_us = 183;
  c.latency_max_us = 226;
  c.max_segment = 105;
  c.send_buffer_min = 67;
  c.send_buffer_max = 81;
  c.shuffle_ties = true;
  Client cl;
  cl.batches = {Batch{{{"SET", "c0:s7", std::string(331, 'v')}}, Read::kNone, 0},
                Batch{{{"GET", "c0:s7"}}, Read::kNone, 0},
                Batch{{{"WATCH", "{c0}h"}, {"APPEND", "c0:s7", "10"}}, Read::kAll, 0}};
  c.clients.push_back(cl);
  // Most of these seeds hung before the fix.
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    c.seed = seed;
    EXPECT_EQ(run_case(c), "") << "seed " << seed;
  }
}

}  // namespace
}  // namespace codis::proxy::model
