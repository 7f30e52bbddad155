// A codis-server on a simulated process for the sorted-set tests, driven through Server::execute: run()
// returns the raw RESP reply, value() the parsed reply, members() the sorted elements of an array reply.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_parser.h"
#include "resp/reply_writer.h"
#include "server/server.h"
#include "tests/sim/harness.h"

namespace codis::server::testing {

class ZSetsTest : public ::testing::Test {
 protected:
  ZSetsTest()
      : proc_(h_.spawn([](rt::Env&) -> rt::Task<void> { co_return; })), server_(proc_.env(), Config{}) {
    client_.authenticated = true;
    client_.id = server_.next_client_id();
    server_.add_client(&client_);  // WATCH bookkeeping looks at registered clients
  }
  ~ZSetsTest() override { server_.remove_client(&client_); }

  std::string run(std::initializer_list<std::string_view> argv) {
    std::vector<std::string_view> v(argv);
    return run_vec(v);
  }
  std::string run_vec(const std::vector<std::string_view>& argv) {
    std::string out;
    resp::ReplyWriter w(&out, client_.protocol);
    server_.execute(client_, argv, w);
    return out;
  }
  resp::Value value(std::initializer_list<std::string_view> argv) {
    std::string raw = run(argv);
    resp::ReplyParser p;
    resp::Value v;
    auto r = p.parse(raw, v);
    EXPECT_TRUE(r.ok() && r.consumed == raw.size()) << raw;
    return v;
  }
  std::vector<std::string> members(std::initializer_list<std::string_view> argv) {
    resp::Value v = value(argv);
    std::vector<std::string> out;
    for (const auto& e : v.elems) {
      out.push_back(e.str);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  void resp3() { client_.protocol = 3; }
  Server& server() { return server_; }

  sim::testing::Harness h_;
  sim::Process& proc_;
  Server server_;
  Client client_;
};

inline std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace codis::server::testing
