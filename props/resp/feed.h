// Drivers that push a byte stream through the request or reply parser the way a connection loop does
// (one shot, or in fragments with the buffer moved between reads), recording everything they return.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_parser.h"
#include "resp/request_parser.h"

namespace codis::resp::props {

struct RequestOutcome {
  std::vector<std::vector<std::string>> commands;
  RequestError error = RequestError::kNone;
  std::string error_message;
  bool pending = false;
  bool operator==(const RequestOutcome&) const = default;
};

struct ReplyOutcome {
  std::vector<Value> values;
  std::vector<size_t> lengths;
  ReplyError error = ReplyError::kNone;
  bool pending = false;
  bool operator==(const ReplyOutcome&) const = default;
};

// Calls `step(buf_view)` after each fragment arrives; `step` returns how many bytes to drop from the
// front. An empty `fragments` means the whole input at once. Returns false if step asked to stop.
template <class Step>
void feed(std::string_view input, const std::vector<size_t>& fragments, Step step) {
  std::string buf;
  size_t fed = 0;
  size_t i = 0;
  while (fed < input.size() || (fed == 0 && input.empty())) {
    const size_t want = fragments.empty() ? input.size() : fragments[i++ % fragments.size()];
    const size_t take = std::min(want, input.size() - fed);
    std::string moved = buf;  // a new address for the pending bytes, as after a compaction
    moved.append(input.substr(fed, take));
    buf.swap(moved);
    fed += take;
    size_t drop = 0;
    if (!step(std::string_view(buf), &drop)) return;
    buf.erase(0, drop);
    if (input.empty()) return;
  }
}

inline RequestOutcome run_requests(std::string_view input, const std::vector<size_t>& fragments,
                                   const RequestLimits& limits = {}) {
  RequestParser parser(limits);
  RequestOutcome out;
  feed(input, fragments, [&](std::string_view buf, size_t* drop) {
    size_t start = 0;
    for (;;) {
      const ParseResult r = parser.parse(buf.substr(start));
      start += r.consumed;
      if (r.ok()) {
        out.commands.emplace_back(parser.args().begin(), parser.args().end());
        continue;
      }
      *drop = start;
      if (r.error()) {
        out.error = parser.error();
        out.error_message = std::string(parser.error_message());
        return false;
      }
      return true;
    }
  });
  out.pending = out.error == RequestError::kNone && parser.in_progress();
  return out;
}

// Runs the parser and the scanner side by side; `agree` is cleared if they ever disagree.
inline ReplyOutcome run_replies(std::string_view input, const std::vector<size_t>& fragments, bool* agree,
                                const ReplyLimits& limits = {}) {
  ReplyParser parser(limits);
  ReplyScanner scanner(limits);
  ReplyOutcome out;
  feed(input, fragments, [&](std::string_view buf, size_t* drop) {
    size_t start = 0;
    for (;;) {
      Value v;
      const std::string_view rest = buf.substr(start);
      const ParseResult r = parser.parse(rest, v);
      const ParseResult s = scanner.scan(rest);
      if (r.status != s.status || r.consumed != s.consumed) *agree = false;
      if (r.ok()) {
        out.values.push_back(std::move(v));
        out.lengths.push_back(r.consumed);
        start += r.consumed;
        continue;
      }
      *drop = start;
      if (r.error()) {
        if (parser.error() != scanner.error()) *agree = false;
        out.error = parser.error();
        return false;
      }
      return true;
    }
  });
  out.pending = out.error == ReplyError::kNone && parser.in_progress();
  return out;
}

}  // namespace codis::resp::props
