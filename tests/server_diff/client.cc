// Blocking RESP client over a loopback socket (see client.h).
#include "tests/server_diff/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "resp/request_parser.h"
#include "tests/server_diff/server_process.h"

namespace codis::diff {

Client::Client(Client&& other) noexcept {
  *this = std::move(other);
}

Client& Client::operator=(Client&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
    timeout_ms_ = other.timeout_ms_;
    in_ = std::move(other.in_);
    parser_ = std::move(other.parser_);
  }
  return *this;
}

bool Client::connect(const std::string& host, int port, std::string& error) {
  close();
  fd_ = connect_tcp(host, port, timeout_ms_);
  if (fd_ < 0) {
    error = "cannot connect to " + host + ":" + std::to_string(port);
    return false;
  }
  return true;
}

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  in_.clear();
  parser_.reset();
}

bool Client::fail(std::string what, std::string& error) {
  error = std::move(what);
  close();
  return false;
}

bool Client::send(const std::vector<std::string>& argv, std::string& error) {
  if (fd_ < 0) return fail("not connected", error);
  std::vector<std::string_view> views(argv.begin(), argv.end());
  out_.clear();
  resp::append_command(views, out_);
  size_t sent = 0;
  while (sent < out_.size()) {
    pollfd p{fd_, POLLOUT, 0};
    if (poll(&p, 1, timeout_ms_) != 1) return fail("timeout sending the command", error);
    const ssize_t n = ::send(fd_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return fail(std::string("send: ") + std::strerror(errno), error);
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool Client::read(resp::Value& reply, std::string& error) {
  if (fd_ < 0) return fail("not connected", error);
  while (true) {
    if (!in_.empty() || parser_.in_progress()) {
      const resp::ParseResult r = parser_.parse(in_, reply);
      if (r.ok()) {
        in_.erase(0, r.consumed);
        return true;
      }
      if (r.error()) return fail("unparsable reply: " + std::string(parser_.error_message()), error);
      in_.erase(0, r.consumed);
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, timeout_ms_);
    if (ready == 0) return fail("no reply within " + std::to_string(timeout_ms_) + " ms", error);
    if (ready < 0 && errno == EINTR) continue;
    char buf[16384];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n == 0) return fail("connection closed by the server", error);
    if (n < 0) return fail(std::string("recv: ") + std::strerror(errno), error);
    in_.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace codis::diff
