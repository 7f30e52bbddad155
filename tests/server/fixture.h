// A codis-server engine on a simulated process for unit tests: commands go through Server::execute (the
// dispatcher the network uses), replies come back rendered (render.h). Virtual time only moves when a
// test calls advance(), and the server's cron is not running, so expiry here is lazy expiry only.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/server.h"
#include "sim/world.h"

namespace codis::server::testing {

class ServerFixture {
 public:
  explicit ServerFixture(Config config = {});
  ~ServerFixture();

  Server& server() { return *server_; }
  // Client n (created on first use, connected and registered so WATCH sees other clients' writes).
  Client& client(size_t n = 0);
  // Runs one command as client n and returns its rendered reply.
  std::string run(std::initializer_list<std::string_view> argv, size_t n = 0);
  std::string run_args(const std::vector<std::string>& argv, size_t n = 0);
  // Splits a redis-cli style line (quotes as in redis.conf) and runs it.
  std::string cmd(std::string_view line, size_t n = 0);
  // Raw RESP bytes of one command's reply.
  std::string raw(std::initializer_list<std::string_view> argv, size_t n = 0);
  std::string raw_args(const std::vector<std::string_view>& argv, size_t n = 0);
  // Moves virtual time (the wall clock EXPIRE/TTL read) forward.
  void advance(rt::Duration d);
  int64_t now_ms() const { return server_->now_ms(); }

 private:
  std::unique_ptr<sim::World> world_;
  sim::Process* proc_ = nullptr;
  std::unique_ptr<Server> server_;
  std::vector<std::unique_ptr<Client>> clients_;
};

// One step of a transcript: `command => reply`, or a directive (!advance MS, !client N).
struct TranscriptLine {
  int line_no = 0;
  std::string command;
  std::string expected;
};
std::vector<TranscriptLine> load_transcript(const std::string& path);

// A rendered reply with every array's elements sorted (for replies whose order Redis leaves open).
std::string unordered(std::string_view rendered);

// Replays a transcript; returns "" or a description of every mismatch (with line numbers).
std::string replay(ServerFixture& f, const std::vector<TranscriptLine>& lines);

}  // namespace codis::server::testing
