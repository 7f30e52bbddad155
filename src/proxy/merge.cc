#include "proxy/merge.h"

#include <charconv>
#include <string_view>

#include "resp/reply_parser.h"

namespace codis::proxy {

namespace {

bool split_array_impl(std::string_view reply, std::vector<std::string_view>& out) {
  if (reply.empty() || reply[0] != '*') {
    return false;
  }
  const size_t eol = reply.find("\r\n");
  if (eol == std::string_view::npos) {
    return false;
  }
  int64_t n = 0;
  auto [p, ec] = std::from_chars(reply.data() + 1, reply.data() + eol, n);
  if (ec != std::errc() || p != reply.data() + eol || n < 0) {
    return false;
  }
  size_t pos = eol + 2;
  resp::ReplyScanner scanner;
  for (int64_t i = 0; i < n; ++i) {
    resp::ParseResult r = scanner.scan(reply.substr(pos));
    if (!r.ok()) {
      return false;
    }
    out.push_back(reply.substr(pos, r.consumed));
    pos += r.consumed;
  }
  return pos == reply.size();
}

bool integer_of(std::string_view reply, int64_t& v) {
  if (reply.size() < 4 || reply[0] != ':' || !reply.ends_with("\r\n")) {
    return false;
  }
  auto [p, ec] = std::from_chars(reply.data() + 1, reply.data() + reply.size() - 2, v);
  return ec == std::errc() && p == reply.data() + reply.size() - 2;
}

std::string protocol_error(std::string_view what) {
  return "-ERR codis-proxy: unexpected reply from a backend to " + std::string(what) + "\r\n";
}

}  // namespace

bool split_array(std::string_view reply, std::vector<std::string_view>& out) {
  return split_array_impl(reply, out);
}

std::string concat_arrays(const Job& job) {
  std::vector<std::string_view> all, elems;
  for (const Call& c : job.calls) {
    if (!c.reply.empty() && c.reply[0] == '-') {
      return c.reply;
    }
    elems.clear();
    if (!split_array_impl(c.reply, elems)) {
      return protocol_error("a command every group runs");
    }
    all.insert(all.end(), elems.begin(), elems.end());
  }
  std::string out = "*" + std::to_string(all.size()) + "\r\n";
  for (std::string_view e : all) {
    out.append(e);
  }
  return out;
}

std::string merge_replies(const Job& job) {
  for (const Call& c : job.calls) {
    if (!c.reply.empty() && (c.reply[0] == '-' || c.reply[0] == '!')) {
      return c.reply;
    }
  }
  switch (job.merge) {
    case cmd::Merge::kNone:
      return job.calls.empty() ? std::string() : job.calls.front().reply;
    case cmd::Merge::kConcat: {
      std::vector<std::string_view> by_key(job.keys);
      std::vector<std::string_view> elems;
      for (const Call& c : job.calls) {
        elems.clear();
        if (!split_array_impl(c.reply, elems) || elems.size() != c.key_positions.size()) {
          return protocol_error("a split read");
        }
        for (size_t i = 0; i < elems.size(); ++i) {
          by_key[c.key_positions[i]] = elems[i];
        }
      }
      std::string out = "*" + std::to_string(job.keys) + "\r\n";
      for (std::string_view e : by_key) {
        out.append(e);
      }
      return out;
    }
    case cmd::Merge::kSum: {
      int64_t sum = 0;
      for (const Call& c : job.calls) {
        int64_t v = 0;
        if (!integer_of(c.reply, v) || __builtin_add_overflow(sum, v, &sum)) {
          return protocol_error("a summed command");
        }
      }
      return ":" + std::to_string(sum) + "\r\n";
    }
    case cmd::Merge::kAllOk:
      for (const Call& c : job.calls) {
        if (c.reply != "+OK\r\n") {
          return c.reply.empty() ? protocol_error("a command every group runs") : c.reply;
        }
      }
      return "+OK\r\n";
    case cmd::Merge::kAllEqual:
      for (const Call& c : job.calls) {
        if (c.reply != job.calls.front().reply) {
          return "-ERR codis-proxy: the groups answered differently\r\n";
        }
      }
      return job.calls.empty() ? std::string() : job.calls.front().reply;
    case cmd::Merge::kAndArrays: {
      std::vector<std::string_view> first, elems;
      if (job.calls.empty() || !split_array_impl(job.calls.front().reply, first)) {
        return protocol_error("SCRIPT EXISTS");
      }
      std::vector<bool> all(first.size(), true);
      for (const Call& c : job.calls) {
        elems.clear();
        if (!split_array_impl(c.reply, elems) || elems.size() != all.size()) {
          return protocol_error("SCRIPT EXISTS");
        }
        for (size_t i = 0; i < elems.size(); ++i) {
          all[i] = all[i] && elems[i] == ":1\r\n";
        }
      }
      std::string out = "*" + std::to_string(all.size()) + "\r\n";
      for (bool b : all) {
        out.append(b ? ":1\r\n" : ":0\r\n");
      }
      return out;
    }
  }
  return protocol_error("a command");
}

}  // namespace codis::proxy
