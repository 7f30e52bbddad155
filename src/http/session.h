// Session: the server side of one HTTP/1.x connection as bytes in, bytes out, with no socket: it parses
// requests (Beast's parser), runs the router's handlers and writes their responses. serve_connection
// (server.h) drives it from a stream; the fuzzer drives it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/router.h"

namespace codis::http {

struct Limits {
  size_t max_header = 8 * 1024;  // request line and header fields; a longer header is answered 431
  size_t max_body = 1 << 20;     // a longer body (declared or chunked) is answered 413
};

class Session {
 public:
  // router must outlive the session.
  explicit Session(const Router& router, Limits limits = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Consumes bytes the client sent, in any segmentation: answers every request they complete, in order,
  // appending the responses to output(). Requests may be pipelined. A malformed header is refused as soon
  // as Beast sees it whole: at once when it arrived in one piece, else once its end or max_header bytes of
  // it are in (Beast waits for the end of a header it has asked more bytes for). The connection closes
  // (closing() turns true and later input is ignored) after a response that says "Connection: close": the
  // request asked for it (or was HTTP/1.0 without keep-alive), the handler set it, or the request could not
  // be read: 400 for malformed input (or an HTTP/1.1 request without Host), 413 for a body over max_body, 431
  // for a header over max_header. A request announcing "Expect: 100-continue" whose body has not started gets
  // an interim "100 Continue" once its header is in.
  void feed(std::string_view bytes);

  // Called with every request the router answered and its response, in order (an access log); not for
  // the 400/413/431 answers to requests that could not be read.
  using Observer = std::function<void(const Request&, const Response&)>;
  void set_observer(Observer observer);

  // Responses not yet taken; the caller writes and clears them.
  std::string& output();
  // True once the last response is in output(): write it, then close.
  bool closing() const;
  // Requests answered so far (400/413/431 answers to unreadable ones included).
  uint64_t answered() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace codis::http
