#include "tests/server/redis_client.h"

#include "resp/value.h"
#include "tests/server/render.h"

namespace codis::server::testing {

Conn connect(int port) {
  timeval tv{5, 0};
  Conn c(redisConnectWithTimeout("127.0.0.1", port, tv));
  if (c && c->err == 0) {
    redisSetTimeout(c.get(), tv);
  }
  return c;
}

std::string render_reply(const redisReply* r) {
  if (r == nullptr) {
    return "<no reply>";
  }
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      return "+" + std::string(r->str, r->len);
    case REDIS_REPLY_ERROR:
      return "-" + std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER:
      return ":" + std::to_string(r->integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    case REDIS_REPLY_STRING: {
      // Re-render through the same quoting as the transcripts.
      return render(resp::Value::bulk(std::string(r->str, r->len)));
    }
    case REDIS_REPLY_ARRAY: {
      std::string out = "[";
      for (size_t i = 0; i < r->elements; ++i) {
        out += (i ? ", " : "") + render_reply(r->element[i]);
      }
      return out + "]";
    }
    default:
      return "<type " + std::to_string(r->type) + ">";
  }
}

std::string call(redisContext* c, const std::vector<std::string>& argv) {
  std::vector<const char*> a;
  std::vector<size_t> l;
  for (const auto& s : argv) {
    a.push_back(s.data());
    l.push_back(s.size());
  }
  auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), a.data(), l.data()));
  std::string out = render_reply(r);
  if (r) {
    freeReplyObject(r);
  }
  return out;
}

}  // namespace codis::server::testing
