#include "proxy/slowlog.h"

#include <charconv>

#include "resp/reply_writer.h"

namespace codis::proxy {

namespace {

// Appends the arguments of the multibulk requests in `wire` (well formed: the proxy made them or its parser
// checked them); skip_name leaves out each request's first argument.
void append_wire_arguments(std::string_view wire, bool skip_name, std::vector<std::string_view>& out) {
  auto number = [&wire](size_t& n) {
    const size_t eol = wire.find("\r\n");
    if (eol == std::string_view::npos || eol < 2) {
      return false;
    }
    auto [p, ec] = std::from_chars(wire.data() + 1, wire.data() + eol, n);
    wire.remove_prefix(eol + 2);
    return ec == std::errc();
  };
  while (!wire.empty() && wire[0] == '*') {
    size_t argc = 0;
    if (!number(argc)) {
      return;
    }
    for (size_t i = 0; i < argc; ++i) {
      size_t len = 0;
      if (wire.empty() || wire[0] != '$' || !number(len) || wire.size() < len + 2) {
        return;
      }
      if (i > 0 || !skip_name) {
        out.push_back(wire.substr(0, len));
      }
      wire.remove_prefix(len + 2);
    }
  }
}

}  // namespace

std::vector<std::string_view> job_arguments(const Job& job) {
  std::vector<std::string_view> args;
  for (size_t i = 0; i < job.calls.size(); ++i) {
    append_wire_arguments(job.calls[i].wire, i > 0 && job.merge != cmd::Merge::kNone, args);
  }
  if (args.empty() && job.spec != nullptr) {
    args.push_back(job.spec->name);
  }
  return args;
}

void SharedSlowLog::record(const Job& job, int64_t duration_us, std::string_view peer, std::string_view name,
                           int64_t now_unix_s) {
  const std::vector<std::string_view> args = job_arguments(job);
  std::lock_guard lock(mu_);
  log_.record(slower_than_, max_len_, duration_us, args, peer, name, now_unix_s);
}

std::string SharedSlowLog::get_reply(int64_t n, int protocol) const {
  std::string out;
  resp::ReplyWriter w(&out, protocol);
  std::lock_guard lock(mu_);
  cmd::write_slowlog_entries(w, log_, n < 0 ? log_.size() : static_cast<size_t>(n));
  return out;
}

size_t SharedSlowLog::size() const {
  std::lock_guard lock(mu_);
  return log_.size();
}

void SharedSlowLog::reset() {
  std::lock_guard lock(mu_);
  log_.reset();
}

}  // namespace codis::proxy
