// ServerFixture as a GoogleTest fixture for tests that compare the exact RESP bytes a client reads (the
// family directories tests/server_{sets,zsets,bits,hashes,lists}): run() returns one command's raw reply
// as client 0, value() the parsed reply, members() its elements sorted. Expected replies are spelled with
// tests/server/resp_expect.h.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_parser.h"
#include "tests/server/fixture.h"

namespace codis::server::testing {

class RawServerTest : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> argv) { return run_vec(argv); }
  std::string run(const std::vector<std::string>& argv) {
    return run_vec(std::vector<std::string_view>(argv.begin(), argv.end()));
  }
  std::string run_vec(const std::vector<std::string_view>& argv) { return f_.raw_args(argv); }
  // A command whose reply does not matter to the test (setup).
  void exec(std::initializer_list<std::string_view> argv) { run(argv); }

  resp::Value value(std::initializer_list<std::string_view> argv) { return parse(run(argv)); }
  resp::Value value(const std::vector<std::string>& argv) { return parse(run(argv)); }
  // The elements of an array or set reply, sorted.
  std::vector<std::string> members(std::initializer_list<std::string_view> argv) {
    std::vector<std::string> out;
    for (const auto& e : value(argv).elems) {
      out.push_back(e.str);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  void resp3() { client().protocol = 3; }
  // Moves virtual time (the clock expiry reads) forward.
  void sleep_ms(int64_t ms) { f_.advance(rt::milliseconds(ms)); }
  Server& server() { return f_.server(); }
  Client& client() { return f_.client(); }

 private:
  static resp::Value parse(const std::string& raw) {
    resp::ReplyParser p;
    resp::Value v;
    const auto r = p.parse(raw, v);
    EXPECT_TRUE(r.ok() && r.consumed == raw.size()) << "not one reply: " << raw;
    return v;
  }

  ServerFixture f_;
};

}  // namespace codis::server::testing
