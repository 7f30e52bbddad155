// Replays the redis-server 7.0.15 transcripts in data/ against the engine: every reply must match byte for
// byte (after rendering), except `~` lines, which compare regardless of element order.
#include <gtest/gtest.h>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

class Transcript : public ::testing::TestWithParam<std::string> {};

TEST_P(Transcript, MatchesRedis70) {
  auto lines = load_transcript(std::string(CODIS_SERVER_TEST_DATA) + "/" + GetParam() + ".txt");
  ASSERT_FALSE(lines.empty());
  ServerFixture f;
  EXPECT_EQ(replay(f, lines), "");
}

INSTANTIATE_TEST_SUITE_P(Data, Transcript,
                         ::testing::Values("strings", "keys", "expire", "server", "watch", "order"));

}  // namespace
}  // namespace codis::server::testing
