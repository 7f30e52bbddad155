// Replays the redis-server 7.0.15 transcripts in data/ (sort, object, command) through Server::execute.
#include <gtest/gtest.h>

#include "tests/server/fixture.h"

namespace codis::server::testing {
namespace {

class IntroTranscript : public ::testing::TestWithParam<std::string> {};

TEST_P(IntroTranscript, MatchesRedis70) {
  auto lines = load_transcript(std::string(CODIS_INTRO_TEST_DATA) + "/" + GetParam() + ".txt");
  ASSERT_FALSE(lines.empty());
  ServerFixture f;
  EXPECT_EQ(replay(f, lines), "");
}

INSTANTIATE_TEST_SUITE_P(Data, IntroTranscript, ::testing::Values("sort", "object", "command"));

}  // namespace
}  // namespace codis::server::testing
