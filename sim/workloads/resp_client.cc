#include "sim/workloads/resp_client.h"

#include "resp/request_parser.h"
#include "rt/combinators.h"

namespace codis::sim {

rt::Task<rt::Result<resp::Value>> RespClient::call(rt::Env& env, std::vector<std::string> args,
                                                   rt::Duration timeout) {
  co_return co_await rt::with_timeout(env.exec, timeout, call_inner(std::move(args)));
}

rt::Task<rt::Result<resp::Value>> RespClient::call_inner(std::vector<std::string> args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  std::string req;
  resp::append_command(views, req);
  if (auto w = co_await rt::write_all(*s_, req); !w.ok()) {
    co_return w.error();
  }
  std::string buf(16 * 1024, '\0');
  for (;;) {
    resp::Value v;
    resp::ParseResult r = parser_.parse(in_, v);
    in_.erase(0, r.consumed);
    if (r.status == resp::ParseStatus::kOk) {
      co_return v;
    }
    if (r.status == resp::ParseStatus::kError) {
      co_return rt::Errc::kInvalidArgument;
    }
    auto n = co_await s_->read(std::span<char>(buf.data(), buf.size()));
    if (!n.ok()) {
      co_return n.error();
    }
    if (*n == 0) {
      co_return rt::Errc::kEof;
    }
    in_.append(buf.data(), *n);
  }
}

}  // namespace codis::sim
