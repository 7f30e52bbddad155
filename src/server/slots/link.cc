#include "server/slots/link.h"

#include <string>
#include <vector>

#include "resp/request_parser.h"
#include "rt/combinators.h"

namespace codis::server {

namespace {
constexpr size_t kChunk = 16 * 1024;
}  // namespace

rt::Task<rt::Result<std::unique_ptr<MigrationLink>>> MigrationLink::open(rt::Env& env, rt::Endpoint to,
                                                                         std::string password, int db,
                                                                         rt::Duration timeout) {
  auto s = co_await env.net.connect(to, timeout);
  if (!s.ok()) {
    co_return s.error();
  }
  std::unique_ptr<MigrationLink> link(new MigrationLink(env, std::move(*s), std::move(to), db));
  std::vector<std::vector<std::string>> steps;
  if (!password.empty()) {
    steps.push_back({"AUTH", password});
  }
  if (db != 0) {
    steps.push_back({"SELECT", std::to_string(db)});
  }
  // Any reply to PING (even NOAUTH) shows the target has registered this link as a client, so a later
  // CLIENT KILL of it (a fence, see slot_mgrt.cc) stops everything sent on it afterwards.
  steps.push_back({"PING"});
  for (const auto& argv : steps) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    auto r = co_await link->call(views, timeout);
    if (!r.ok()) {
      co_return r.error();
    }
    if (argv[0] != "PING" && (r->kind == resp::Kind::kError || r->kind == resp::Kind::kBlobError)) {
      link->last_error_ = r->str;
      co_return rt::Errc::kInvalidArgument;
    }
  }
  co_return link;
}

rt::Task<rt::Result<resp::Value>> MigrationLink::call(std::span<const std::string_view> argv,
                                                      rt::Duration timeout) {
  if (!usable_) {
    co_return rt::Errc::kConnReset;
  }
  std::string request;
  resp::append_command(argv, request);
  auto r = co_await rt::with_timeout(env_->exec, timeout, round_trip(std::move(request)));
  if (!r.ok()) {
    abort();  // a reply may still be on its way: nothing after it could be matched to its request
  }
  co_return r;
}

rt::Task<rt::Result<resp::Value>> MigrationLink::round_trip(std::string request) {
  if (auto w = co_await rt::write_all(*stream_, request); !w.ok()) {
    co_return w.error();
  }
  co_return co_await read_reply();
}

rt::Task<rt::Result<resp::Value>> MigrationLink::read_reply() {
  for (;;) {
    resp::Value v;
    const resp::ParseResult p = parser_.parse(in_, v);
    if (p.ok()) {
      in_.erase(0, p.consumed);
      co_return v;
    }
    if (p.error()) {
      co_return rt::Errc::kIoError;  // not RESP: nothing more on this link can be trusted
    }
    in_.erase(0, p.consumed);
    if (chunk_ == nullptr) {
      chunk_ = std::make_unique_for_overwrite<char[]>(kChunk);
    }
    auto n = co_await stream_->read(std::span<char>(chunk_.get(), kChunk));
    if (!n.ok()) {
      co_return n.error();
    }
    if (*n == 0) {
      co_return rt::Errc::kEof;
    }
    in_.append(chunk_.get(), *n);
  }
}

void MigrationLink::queue(std::span<const std::string_view> argv) {
  resp::append_command(argv, out_);
}

rt::Task<rt::Result<void>> MigrationLink::write_out() {
  sending_.swap(out_);
  out_.clear();
  co_return co_await rt::write_all(*stream_, sending_);
}

rt::Task<rt::Result<void>> MigrationLink::flush(rt::Duration timeout) {
  if (!usable_) {
    co_return rt::Errc::kConnReset;
  }
  if (out_.empty()) {
    co_return rt::Result<void>();
  }
  auto r = co_await rt::with_timeout(env_->exec, timeout, write_out());
  if (!r.ok()) {
    abort();
  }
  co_return r;
}

rt::Task<rt::Result<resp::Value>> MigrationLink::receive(rt::Duration timeout) {
  if (!usable_) {
    co_return rt::Errc::kConnReset;
  }
  auto r = co_await rt::with_timeout(env_->exec, timeout, read_reply());
  if (!r.ok()) {
    abort();
  }
  co_return r;
}

std::optional<resp::Value> MigrationLink::take_buffered() {
  if (!usable_) {
    return std::nullopt;
  }
  resp::Value v;
  const resp::ParseResult p = parser_.parse(in_, v);
  if (p.ok()) {
    in_.erase(0, p.consumed);
    return v;
  }
  if (p.error()) {
    abort();  // not RESP: the next receive() fails
  } else {
    in_.erase(0, p.consumed);  // the parser keeps what it consumed of a partial reply
  }
  return std::nullopt;
}

void MigrationLink::abort() {
  if (usable_) {
    usable_ = false;
    stream_->close();
  }
}

}  // namespace codis::server
