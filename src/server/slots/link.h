// A connection from this server to another one for migration (SLOTSMGRT*): opened with a timeout,
// authenticated with this server's requirepass (Codis assumes the target shares it) and switched to the
// caller's database, then used for request/reply round trips, each bounded by a timeout. Everything goes
// through the seam, so the simulator can cut it mid-batch. A failed round trip leaves the link unusable.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "resp/reply_parser.h"
#include "resp/value.h"
#include "rt/env.h"
#include "rt/net.h"
#include "rt/result.h"
#include "rt/task.h"

namespace codis::server {

class MigrationLink {
 public:
  // Connects to `to`, sends AUTH when `password` is set, SELECT when db != 0 and a PING (so the target has
  // taken the connection as a client before anything is sent that a later CLIENT KILL may need to stop);
  // each step within `timeout`. An error reply to either is kInvalidArgument (the caller says why from
  // `last_error()`).
  static rt::Task<rt::Result<std::unique_ptr<MigrationLink>>> open(rt::Env& env, rt::Endpoint to,
                                                                   std::string password, int db,
                                                                   rt::Duration timeout);

  // Sends one command and waits for its reply (error replies included): kTimeout, kConnReset, kEof... when no
  // reply came in time (the command may or may not have run on the other side), kIoError when the bytes
  // that came are not RESP.
  rt::Task<rt::Result<resp::Value>> call(std::span<const std::string_view> argv, rt::Duration timeout);

  // Pipelining (the async migration streams messages and reads their ACKs as they come): queue() adds a
  // command to the send buffer, flush() writes the buffer, receive() waits for the next reply and
  // take_buffered() returns one that already arrived, without waiting. A failure leaves the link unusable.
  void queue(std::span<const std::string_view> argv);
  size_t queued_bytes() const { return out_.size(); }
  rt::Task<rt::Result<void>> flush(rt::Duration timeout);
  rt::Task<rt::Result<resp::Value>> receive(rt::Duration timeout);
  std::optional<resp::Value> take_buffered();
  // Closes the connection now (a cancelled migration); the link is unusable afterwards.
  void abort();

  bool usable() const { return usable_; }
  // Whether the target is a codis-cpp server (it takes the LRU/LFU stamps of SLOTSRESTORE-ASYNC; found
  // out by the async migration when it opens the link).
  bool stamps() const { return stamps_; }
  void set_stamps(bool on) { stamps_ = on; }
  // This end's address: what the target sees as this link's client address (CLIENT KILL ADDR).
  rt::Endpoint local() const { return stream_->local(); }
  const rt::Endpoint& peer() const { return to_; }
  int db() const { return db_; }
  // The error text the last failed open() step got from the other side.
  const std::string& last_error() const { return last_error_; }

 private:
  MigrationLink(rt::Env& env, rt::StreamPtr s, rt::Endpoint to, int db)
      : env_(&env), stream_(std::move(s)), to_(std::move(to)), db_(db) {}
  rt::Task<rt::Result<resp::Value>> round_trip(std::string request);
  rt::Task<rt::Result<resp::Value>> read_reply();
  rt::Task<rt::Result<void>> write_out();

  rt::Env* env_;
  rt::StreamPtr stream_;
  rt::Endpoint to_;
  int db_;
  bool usable_ = true;
  bool stamps_ = false;
  std::string in_;
  std::string out_;      // queued, not written yet
  std::string sending_;  // being written (swapped with out_, so neither buffer is reallocated per round)
  std::unique_ptr<char[]> chunk_;  // what a read lands in before it joins in_ (no zero-filling per read)
  resp::ReplyParser parser_;
  std::string last_error_;
};

}  // namespace codis::server
