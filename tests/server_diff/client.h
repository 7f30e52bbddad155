// A blocking RESP client for one server connection, built on our own src/resp (append_command to
// encode, ReplyParser to decode) so the harness dogfoods the parser. Every read has a timeout, so a hung
// server fails the run instead of hanging it.
#pragma once

#include <string>
#include <vector>

#include "resp/reply_parser.h"
#include "resp/value.h"

namespace codis::diff {

class Client {
 public:
  Client() = default;
  ~Client() { close(); }
  Client(Client&& other) noexcept;
  Client& operator=(Client&& other) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connect(const std::string& host, int port, std::string& error);
  void close();
  bool connected() const { return fd_ >= 0; }

  // Sends one command and reads one reply. Returns false on a transport failure (closed connection,
  // timeout, unparsable reply), described in `error`; the connection is then closed.
  bool call(const std::vector<std::string>& argv, resp::Value& reply, std::string& error) {
    return send(argv, error) && read(reply, error);
  }
  // The two halves, for pipelining: replies come back in the order the commands were sent.
  bool send(const std::vector<std::string>& argv, std::string& error);
  bool read(resp::Value& reply, std::string& error);

  void set_timeout_ms(int ms) { timeout_ms_ = ms; }

 private:
  bool fail(std::string what, std::string& error);

  int fd_ = -1;
  int timeout_ms_ = 10000;
  std::string in_;   // bytes received and not yet parsed
  std::string out_;  // the request being sent (reused)
  resp::ReplyParser parser_;
};

}  // namespace codis::diff
