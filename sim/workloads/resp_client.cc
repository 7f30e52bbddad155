#include "sim/workloads/resp_client.h"

#include "resp/request_parser.h"
#include "rt/combinators.h"

namespace codis::sim {

rt::Task<rt::Result<resp::Value>> RespClient::call(rt::Env& env, std::vector<std::string> args,
                                                   rt::Duration timeout) {
  co_return co_await rt::with_timeout(env.exec, timeout, call_inner(std::move(args)));
}

rt::Task<rt::Result<resp::Value>> RespClient::call_inner(std::vector<std::string> args) {
  queue(args);
  if (auto w = co_await flush(); !w.ok()) {
    co_return w.error();
  }
  co_return co_await read_inner();
}

void RespClient::queue(const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  resp::append_command(views, out_);
}

rt::Task<rt::Result<void>> RespClient::flush() {
  std::string out = std::move(out_);
  out_.clear();
  co_return co_await rt::write_all(*s_, out);
}

bool RespClient::buffered() {
  if (have_parsed_) {
    return true;
  }
  resp::ParseResult r = parser_.parse(in_, parsed_);
  in_.erase(0, r.consumed);
  have_parsed_ = r.status == resp::ParseStatus::kOk;
  return have_parsed_;
}

rt::Task<rt::Result<resp::Value>> RespClient::read(rt::Env& env, rt::Duration timeout) {
  if (buffered()) {
    have_parsed_ = false;
    co_return std::move(parsed_);
  }
  co_return co_await rt::with_timeout(env.exec, timeout, read_inner());
}

rt::Task<rt::Result<resp::Value>> RespClient::read_inner() {
  std::string buf(16 * 1024, '\0');
  for (;;) {
    if (have_parsed_) {
      have_parsed_ = false;
      co_return std::move(parsed_);
    }
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

std::string describe(const resp::Value& v) {
  switch (v.kind) {
    case resp::Kind::kNullBulk:
    case resp::Kind::kNullArray:
    case resp::Kind::kNull:
      return "(nil)";
    case resp::Kind::kInteger:
      return "(integer) " + std::to_string(v.num);
    case resp::Kind::kError:
    case resp::Kind::kBlobError:
      return "(error) " + v.str;
    default:
      break;
  }
  if (v.is_aggregate()) {
    std::string s = "[";
    for (size_t i = 0; i < v.elems.size(); ++i) {
      s += (i ? ", " : "") + describe(v.elems[i]);
    }
    return s + "]";
  }
  return "'" + v.str + "'";
}

}  // namespace codis::sim
