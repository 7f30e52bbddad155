// Writing HTTP/1.x messages by hand: a server's response with its Content-Length and connection fields, and
// a client's request. Both refuse to put anything malformed on the wire (CR/LF in a value, a bad name).
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"
#include "rt/result.h"

namespace codis::http {

// A token (RFC 9110 5.6.2): a method or a header field name.
bool is_token(std::string_view s);
// A field value we are willing to send: no CR, LF, NUL or other control characters except HTAB.
bool is_field_value(std::string_view s);

struct ResponseFraming {
  int version = 11;        // the request's: 10 answers "HTTP/1.0", anything else "HTTP/1.1"
  bool keep_alive = true;  // false adds "Connection: close"
  bool head = false;       // the answer to a HEAD: Content-Length of the body, but no body
};

// Appends r to out. A response that cannot be sent as it is (status outside 200..599, a header name that is
// not a token, a value with control characters) is replaced by a 500. Returns whether the connection stays
// open after it: false when framing.keep_alive is false or the handler set "Connection: close".
bool append_response(const Response& r, const ResponseFraming& framing, std::string& out);

// The interim answer to "Expect: 100-continue".
void append_continue(std::string& out);

// Appends an HTTP/1.1 request with Host, the given headers, and a Content-Length when there is a body or
// the method is POST, PUT or PATCH. kInvalidArgument when the method is not a token, the target is empty
// or has spaces or control characters, or a header is invalid (or is Content-Length or Transfer-Encoding,
// which this function sets itself).
rt::Result<void> append_request(std::string_view method, std::string_view target, std::string_view host,
                                const Fields& headers, std::string_view body, std::string& out);

}  // namespace codis::http
