// A codis-server on a simulated process, driven through Server::execute: each call returns the raw RESP
// bytes of the reply, so tests compare exactly what a client would read (the expected bytes were taken
// from redis-server 7.0.15).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/server.h"
#include "tests/sim/harness.h"

namespace codis::server::testing {

class ListTest : public ::testing::Test {
 protected:
  ListTest()
      : proc_(&h_.spawn([](rt::Env&) -> rt::Task<void> { co_return; })),
        server_(std::make_unique<Server>(proc_->env(), Config{})) {
    // Registered like a connection, so WATCH sees this client's own writes.
    client_.id = server_->next_client_id();
    client_.authenticated = true;
    server_->add_client(&client_);
  }
  ~ListTest() override { server_->remove_client(&client_); }

  // Runs one command and returns its reply bytes.
  std::string run(std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> argv(args);
    std::string out;
    resp::ReplyWriter w(&out, client_.protocol);
    server_->execute(client_, argv, w);
    return out;
  }
  // Runs a command whose reply does not matter to the test (setup).
  void exec(std::initializer_list<std::string_view> args) { run(args); }
  void resp3() { client_.protocol = 3; }
  // Advances virtual time (for expiry).
  void sleep_ms(int64_t ms) { h_.w.run_until(h_.w.now() + rt::milliseconds(ms)); }
  Server& server() { return *server_; }
  Client& client() { return client_; }

 private:
  sim::testing::Harness h_;
  sim::Process* proc_;
  std::unique_ptr<Server> server_;
  Client client_;
};

// RESP builders for expected replies.
inline std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
inline std::string integer(int64_t v) {
  return ":" + std::to_string(v) + "\r\n";
}
inline std::string err(std::string_view s) {
  return "-" + std::string(s) + "\r\n";
}
inline std::string arr(std::initializer_list<std::string> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& i : items) {
    out += i;
  }
  return out;
}
inline std::string bulks(std::initializer_list<std::string_view> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (auto i : items) {
    out += bulk(i);
  }
  return out;
}
inline const std::string kNull = "$-1\r\n";
inline const std::string kNullArray = "*-1\r\n";
inline const std::string kNull3 = "_\r\n";
inline const std::string kOk = "+OK\r\n";
inline const std::string kEmpty = "*0\r\n";
inline const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

}  // namespace codis::server::testing
