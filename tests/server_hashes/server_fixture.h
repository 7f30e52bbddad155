// A codis-server on a simulated process (no network), driven through Server::execute, the entry point
// the connection loop uses. run() returns the raw RESP reply; value() parses it.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_parser.h"
#include "resp/value.h"
#include "server/server.h"
#include "tests/sim/harness.h"

namespace codis::server::testing {

class ServerFixture : public ::testing::Test {
 protected:
  ServerFixture()
      : proc_(&h_.w.add_process(*h_.host, "srv", [](rt::Env&) -> rt::Task<void> { co_return; })),
        server_(std::make_unique<Server>(proc_->env(), Config{})) {
    client_.id = 1;
    client_.authenticated = true;
    server_->add_client(&client_);  // as the connection loop does, so WATCH sees this client's writes
  }
  ~ServerFixture() override { server_->remove_client(&client_); }

  std::string run(const std::vector<std::string>& args) {
    std::vector<std::string_view> argv(args.begin(), args.end());
    std::string out;
    resp::ReplyWriter w(&out, client_.protocol);
    server_->execute(client_, argv, w);
    return out;
  }
  std::string run(std::initializer_list<std::string_view> args) {
    return run(std::vector<std::string>(args.begin(), args.end()));
  }

  resp::Value value(const std::vector<std::string>& args) {
    std::string out = run(args);
    resp::ReplyParser p;
    resp::Value v;
    resp::ParseResult r = p.parse(out, v);
    EXPECT_TRUE(r.ok() && r.consumed == out.size()) << "not one reply: " << out;
    return v;
  }
  resp::Value value(std::initializer_list<std::string_view> args) {
    return value(std::vector<std::string>(args.begin(), args.end()));
  }

  // The strings of a flat array reply (bulk strings), in reply order.
  static std::vector<std::string> strings(const resp::Value& v) {
    std::vector<std::string> s;
    for (const auto& e : v.elems) {
      s.push_back(e.str);
    }
    return s;
  }

  static std::string bulk(std::string_view s) {
    return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
  }
  static std::string err(std::string_view s) { return "-" + std::string(s) + "\r\n"; }
  static std::string integer(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }

  sim::testing::Harness h_;
  sim::Process* proc_;
  std::unique_ptr<Server> server_;
  Client client_;
};

inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

}  // namespace codis::server::testing
