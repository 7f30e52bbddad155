// A codis-server on a simulated process, driven through Server::execute: run() returns the raw RESP reply,
// value() the parsed reply. BitsServer is usable on its own (one per replayed case); BitsTest wraps it.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_parser.h"
#include "resp/reply_writer.h"
#include "server/server.h"
#include "tests/sim/harness.h"

namespace codis::server::testing {

class BitsServer {
 public:
  BitsServer()
      : proc_(h_.spawn([](rt::Env&) -> rt::Task<void> { co_return; })), server_(proc_.env(), Config{}) {
    client_.authenticated = true;
    client_.id = server_.next_client_id();
    server_.add_client(&client_);
  }
  ~BitsServer() { server_.remove_client(&client_); }
  BitsServer(const BitsServer&) = delete;
  BitsServer& operator=(const BitsServer&) = delete;

  std::string run(std::initializer_list<std::string_view> argv) {
    return run_vec(std::vector<std::string_view>(argv));
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
  void set_protocol(int p) { client_.protocol = p; }
  Server& server() { return server_; }

 private:
  sim::testing::Harness h_;
  sim::Process& proc_;
  Server server_;
  Client client_;
};

class BitsTest : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> argv) { return s_.run(argv); }
  resp::Value value(std::initializer_list<std::string_view> argv) { return s_.value(argv); }
  void resp3() { s_.set_protocol(3); }
  Server& server() { return s_.server(); }

  BitsServer s_;
};

}  // namespace codis::server::testing
