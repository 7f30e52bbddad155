// ResponseReader: parses HTTP/1.x responses (Beast's parser) from a byte stream into Response structs, one
// after the other; for the client, and for tests and the fuzzer checking what the server wrote.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "http/message.h"
#include "rt/result.h"

namespace codis::http {

class ResponseReader {
 public:
  explicit ResponseReader(size_t max_body = 64 << 20);
  ~ResponseReader();
  ResponseReader(const ResponseReader&) = delete;
  ResponseReader& operator=(const ResponseReader&) = delete;

  // Consumes bytes from the front of `in` (erasing them) and returns the next response once it is complete
  // (interim 1xx responses included), or nullopt while it needs more bytes. `head` says the response
  // answers a HEAD request, so no body follows its header; it counts on the call that passes the
  // response's first byte. kIoError for a malformed response or a body over max_body; the reader is then
  // unusable.
  rt::Result<std::optional<Response>> read(std::string& in, bool head = false);

  // The stream ended: completes a response whose body runs to the end of the stream. nullopt when no
  // response had started; kEof when one had started but is incomplete.
  rt::Result<std::optional<Response>> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace codis::http
