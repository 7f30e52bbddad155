// A small HTTP/1.1 client over rt streams, for tests and the command line: one request per connection.
#pragma once

#include <string>

#include "http/message.h"
#include "rt/env.h"
#include "rt/net.h"
#include "rt/result.h"
#include "rt/task.h"
#include "rt/time.h"

namespace codis::http {

// The largest response body request() accepts.
inline constexpr size_t kMaxResponseBody = 64 << 20;

// Connects to `to`, sends one request (with Host, Content-Length when there is a body or the method is
// POST, PUT or PATCH, and "Connection: close"), and reads the response: its status, header fields (in
// Response::headers, Content-Type also in content_type) and body. Interim 1xx responses are skipped.
// Errors: those of Net::connect; kTimeout when the whole exchange takes longer than `timeout`;
// kInvalidArgument for a request that cannot be written (wire.h: append_request); kEof when the server
// closes before a whole response; kConnReset; kIoError for a malformed response or a body over
// kMaxResponseBody.
rt::Task<rt::Result<Response>> request(rt::Env& env, rt::Endpoint to, std::string method, std::string target,
                                       std::string body = {}, Fields headers = {},
                                       rt::Duration timeout = rt::seconds(10));

}  // namespace codis::http
