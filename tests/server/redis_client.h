// A blocking hiredis connection for the tests that drive real server processes, and its replies rendered
// the way the transcripts spell them (tests/server/render.h): "+OK", "-ERR ...", ":1", "'bulk'", "(nil)",
// "[a, b]".
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

namespace codis::server::testing {

struct RedisDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Conn = std::unique_ptr<redisContext, RedisDeleter>;

// 127.0.0.1:port with 5-second connect and I/O timeouts; check c->err.
Conn connect(int port);
std::string render_reply(const redisReply* r);
// Sends one command and renders its reply ("<no reply>" when none came).
std::string call(redisContext* c, const std::vector<std::string>& argv);

}  // namespace codis::server::testing
