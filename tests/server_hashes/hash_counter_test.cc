// HINCRBY and HINCRBYFLOAT: Redis's check order, error texts and long double formatting.
#include "tests/server/raw_fixture.h"
#include "tests/server/resp_expect.h"

namespace codis::server::testing {
namespace {

using HashCounter = RawServerTest;

TEST_F(HashCounter, Hincrby) {
  EXPECT_EQ(run({"hincrby", "h", "n", "5"}), integer(5));
  EXPECT_EQ(run({"hincrby", "h", "n", "-7"}), integer(-2));
  EXPECT_EQ(run({"hget", "h", "n"}), bulk("-2"));
  EXPECT_EQ(run({"hincrby", "h", "n", "x"}), err("ERR value is not an integer or out of range"));
  run({"hset", "h", "s", " 1", "f", "1.5", "big", "9223372036854775807", "small", "-9223372036854775808"});
  EXPECT_EQ(run({"hincrby", "h", "s", "1"}), err("ERR hash value is not an integer"));
  EXPECT_EQ(run({"hincrby", "h", "f", "1"}), err("ERR hash value is not an integer"));
  EXPECT_EQ(run({"hincrby", "h", "big", "1"}), err("ERR increment or decrement would overflow"));
  EXPECT_EQ(run({"hincrby", "h", "small", "-1"}), err("ERR increment or decrement would overflow"));
  EXPECT_EQ(run({"hincrby", "h", "big", "-1"}), integer(9223372036854775806));
  // The increment is parsed before the key's type is checked.
  run({"set", "str", "x"});
  EXPECT_EQ(run({"hincrby", "str", "f", "x"}), err("ERR value is not an integer or out of range"));
}

TEST_F(HashCounter, HincrbyOnNewKeyCreatesIt) {
  EXPECT_EQ(run({"hincrby", "new", "f", "0"}), integer(0));
  EXPECT_EQ(run({"hget", "new", "f"}), bulk("0"));
}

TEST_F(HashCounter, HincrbyfloatFormatsLikeRedis) {
  EXPECT_EQ(run({"hincrbyfloat", "h", "f", "10.5"}), bulk("10.5"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "f", "0.1"}), bulk("10.6"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "f", "-10.6"}), bulk("0"));
  run({"hset", "h", "e", "5.0e3"});
  EXPECT_EQ(run({"hincrbyfloat", "h", "e", "2.0e2"}), bulk("5200"));
  EXPECT_EQ(run({"hget", "h", "e"}), bulk("5200"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "negzero", "-0"}), bulk("0"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "tiny", "1e-4950"}), bulk("0"));  // a denormal long double is a float
  EXPECT_EQ(run({"hincrbyfloat", "h", "tiny", "1e-5000"}), err("ERR value is not a valid float"));
  run({"hset", "h", "i", "3"});
  EXPECT_EQ(run({"hincrbyfloat", "h", "i", "1.1"}), bulk("4.1"));
  // Long double range: two steps past DBL_MAX still finite.
  run({"hincrbyfloat", "h", "z", "1.5e308"});
  std::string r = run({"hincrbyfloat", "h", "z", "1.5e308"});
  EXPECT_EQ(r.substr(0, 10), "$309\r\n2999");
}

TEST_F(HashCounter, HincrbyfloatErrors) {
  run({"hset", "h", "s", " 1", "w", "abc"});
  EXPECT_EQ(run({"hincrbyfloat", "h", "a", "abc"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "a", "nan"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "a", " 1"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "a", "inf"}), err("ERR value is NaN or Infinity"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "a", "-inf"}), err("ERR value is NaN or Infinity"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "s", "1"}), err("ERR hash value is not a float"));
  EXPECT_EQ(run({"hincrbyfloat", "h", "w", "1"}), err("ERR hash value is not a float"));
  run({"hincrbyfloat", "h", "m", "1e4932"});
  EXPECT_EQ(run({"hincrbyfloat", "h", "m", "1e4932"}), err("ERR increment would produce NaN or Infinity"));
  run({"set", "str", "x"});
  EXPECT_EQ(run({"hincrbyfloat", "str", "f", "x"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"hincrbyfloat", "nokey", "f", "x"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"exists", "nokey"}), integer(0));  // a failed counter leaves no empty hash behind
}

}  // namespace
}  // namespace codis::server::testing
