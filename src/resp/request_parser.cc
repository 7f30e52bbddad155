// Request parser: Redis-compatible multibulk and inline command parsing (see request_parser.h).
#include "resp/request_parser.h"

#include <algorithm>
#include <cstring>

#include "resp/inline_split.h"
#include "resp/number.h"

namespace codis::resp {
namespace {

// Finds `c` in p[from, to) and stores its offset; to is clamped to n by the caller.
inline bool find_byte(const char* p, size_t from, size_t to, char c, size_t* at) {
  if (from >= to) return false;
  const void* hit = std::memchr(p + from, c, to - from);
  if (hit == nullptr) return false;
  *at = static_cast<size_t>(static_cast<const char*>(hit) - p);
  return true;
}

// A line starting at `start` must end within its first max_line + 1 bytes; returns where to stop looking
// for its terminator (without overflowing when max_line is huge).
inline size_t line_search_end(size_t start, size_t n, size_t max_line) {
  return n - start > max_line ? start + max_line + 1 : n;
}

// Fast path for the common header "<prefix><1-18 digits>\r<any byte>" (no sign, no leading zero unless
// the number is 0). It returns false for anything else and the general path, which follows Redis step by
// step, decides; for the inputs it accepts both paths agree.
inline bool fast_header(const char* p, size_t n, size_t pos, uint64_t* value, size_t* next) {
  const char* q = p + pos + 1;
  const char* const end = p + n;
  if (q + 2 >= end) return false;
  if (*q == '0') {
    if (q[1] != '\r') return false;
    *value = 0;
    *next = static_cast<size_t>(q + 3 - p);
    return true;
  }
  uint64_t v = 0;
  const char* const digits_end = std::min(end, q + 18);
  const char* d = q;
  while (d < digits_end && static_cast<unsigned char>(*d - '0') < 10) {
    v = v * 10 + static_cast<uint64_t>(*d - '0');
    ++d;
  }
  if (d == q || d + 1 >= end || *d != '\r') return false;
  *value = v;
  *next = static_cast<size_t>(d + 2 - p);
  return true;
}

}  // namespace

std::string_view request_error_text(RequestError error) {
  switch (error) {
    case RequestError::kNone:
      return "";
    case RequestError::kInvalidMultibulkLength:
      return "Protocol error: invalid multibulk length";
    case RequestError::kInvalidBulkLength:
      return "Protocol error: invalid bulk length";
    case RequestError::kExpectedDollar:
      return "Protocol error: expected '$', got ";
    case RequestError::kTooBigInline:
      return "Protocol error: too big inline request";
    case RequestError::kTooBigMbulkCount:
      return "Protocol error: too big mbulk count string";
    case RequestError::kTooBigBulkCount:
      return "Protocol error: too big bulk count string";
    case RequestError::kUnbalancedQuotes:
      return "Protocol error: unbalanced quotes in request";
    case RequestError::kUnauthMultibulkLength:
      return "Protocol error: unauthenticated multibulk length";
    case RequestError::kUnauthBulkLength:
      return "Protocol error: unauthenticated bulk length";
  }
  return "Protocol error";
}

RequestParser::RequestParser(const RequestLimits& limits) : limits_(limits) {}

void RequestParser::reset() {
  mode_ = Mode::kIdle;
  error_ = RequestError::kNone;
  error_message_.clear();
  remaining_ = -1;
  bulk_len_ = -1;
  pos_ = scan_ = done_len_ = 0;
  want_ = 1;
  refs_.clear();
  args_.clear();
}

RequestParser::Step RequestParser::fail(RequestError error, char got) {
  mode_ = Mode::kError;
  error_ = error;
  error_message_.assign(request_error_text(error));
  if (error == RequestError::kExpectedDollar) {
    // Redis prints the byte with %c and then turns CR/LF into spaces so the reply stays one line.
    if (got == '\r' || got == '\n' || got == '\0') got = ' ';
    error_message_.push_back('\'');
    error_message_.push_back(got);
    error_message_.push_back('\'');
  }
  return Step::kError;
}

ParseResult RequestParser::parse(std::string_view buf) {
  if (mode_ == Mode::kError) return {ParseStatus::kError, 0};
  size_t base = 0;
  for (;;) {
    const char* p = buf.data() + base;
    const size_t n = buf.size() - base;
    if (mode_ == Mode::kIdle) {
      if (n == 0) {
        want_ = 1;
        return {ParseStatus::kNeedMore, base};
      }
      mode_ = p[0] == '*' ? Mode::kMultibulk : Mode::kInline;
      remaining_ = bulk_len_ = -1;
      pos_ = scan_ = 0;
    }
    const Step step = mode_ == Mode::kMultibulk ? parse_multibulk(p, n) : parse_inline(p, n);
    if (step == Step::kNeedMore) return {ParseStatus::kNeedMore, base};
    if (step == Step::kError) return {ParseStatus::kError, base};
    base += done_len_;
    last_inline_ = mode_ == Mode::kInline;
    mode_ = Mode::kIdle;
    // Empty commands (blank lines, "*0", "*-1") are skipped, as Redis does.
    if (!args_.empty()) return {ParseStatus::kOk, base};
  }
}

RequestParser::Step RequestParser::parse_multibulk(const char* p, size_t n) {
  const size_t max_line = limits_.max_inline_len;
  size_t pos = pos_;
  int64_t remaining = remaining_;
  int64_t bulk = bulk_len_;

  if (remaining < 0) {
    int64_t count = 0;
    uint64_t fast = 0;
    size_t next = 0;
    if (fast_header(p, n, 0, &fast, &next) && next - 2 <= max_line) {
      count = static_cast<int64_t>(fast);
    } else {
      size_t cr = 0;
      if (!find_byte(p, scan_, line_search_end(0, n, max_line), '\r', &cr)) {
        if (n > max_line) return fail(RequestError::kTooBigMbulkCount);
        scan_ = n;
        want_ = 1;
        return Step::kNeedMore;
      }
      // The line is complete only once the byte after '\r' has arrived.
      if (cr + 1 >= n) {
        scan_ = cr;
        want_ = 1;
        return Step::kNeedMore;
      }
      if (!parse_ll(std::string_view(p + 1, cr - 1), &count))
        return fail(RequestError::kInvalidMultibulkLength);
      next = cr + 2;
    }
    if (count > limits_.max_multibulk_len) return fail(RequestError::kInvalidMultibulkLength);
    if (!authenticated_ && count > limits_.unauth_max_multibulk_len) {
      return fail(RequestError::kUnauthMultibulkLength);
    }
    pos = next;
    refs_.clear();
    if (count <= 0) {
      args_.clear();
      done_len_ = pos;
      return Step::kDone;
    }
    // Grow with the arguments actually received, not with what the header claims.
    refs_.reserve(static_cast<size_t>(std::min<int64_t>(count, 1024)));
    remaining = count;
    bulk = -1;
    scan_ = pos;
  }

  while (remaining > 0) {
    if (bulk < 0) {
      uint64_t fast = 0;
      size_t next = 0;
      int64_t len = 0;
      if (pos < n && p[pos] == '$' && fast_header(p, n, pos, &fast, &next) && next - 2 - pos <= max_line) {
        len = static_cast<int64_t>(fast);
      } else {
        size_t cr = 0;
        if (!find_byte(p, std::max(scan_, pos), line_search_end(pos, n, max_line), '\r', &cr)) {
          if (n - pos > max_line) return fail(RequestError::kTooBigBulkCount);
          scan_ = n;
          pos_ = pos;
          remaining_ = remaining;
          bulk_len_ = bulk;
          want_ = 1;
          return Step::kNeedMore;
        }
        if (cr + 1 >= n) {
          scan_ = cr;
          pos_ = pos;
          remaining_ = remaining;
          bulk_len_ = bulk;
          want_ = 1;
          return Step::kNeedMore;
        }
        if (p[pos] != '$') return fail(RequestError::kExpectedDollar, p[pos]);
        if (!parse_ll(std::string_view(p + pos + 1, cr - pos - 1), &len) || len < 0) {
          return fail(RequestError::kInvalidBulkLength);
        }
        next = cr + 2;
      }
      if (len > limits_.max_bulk_len) return fail(RequestError::kInvalidBulkLength);
      if (!authenticated_ && len > limits_.unauth_max_bulk_len) return fail(RequestError::kUnauthBulkLength);
      pos = next;
      bulk = len;
    }
    // The payload and the two bytes after it (Redis does not check they are "\r\n").
    const size_t need = pos + static_cast<size_t>(bulk) + 2;
    if (n < need) {
      pos_ = pos;
      remaining_ = remaining;
      bulk_len_ = bulk;
      scan_ = pos;
      want_ = need - n;
      return Step::kNeedMore;
    }
    refs_.push_back(Ref{pos, static_cast<size_t>(bulk)});
    pos = need;
    bulk = -1;
    scan_ = pos;
    --remaining;
  }

  args_.resize(refs_.size());
  for (size_t i = 0; i < refs_.size(); ++i) args_[i] = std::string_view(p + refs_[i].offset, refs_[i].length);
  done_len_ = pos;
  return Step::kDone;
}

RequestParser::Step RequestParser::parse_inline(const char* p, size_t n) {
  const size_t max_line = limits_.max_inline_len;
  size_t nl = 0;
  if (!find_byte(p, scan_, line_search_end(0, n, max_line), '\n', &nl)) {
    if (n > max_line) return fail(RequestError::kTooBigInline);
    scan_ = n;
    want_ = 1;
    return Step::kNeedMore;
  }
  size_t line_len = nl;
  if (line_len > 0 && p[line_len - 1] == '\r') --line_len;
  if (!split_inline(std::string_view(p, line_len), args_, scratch_)) {
    return fail(RequestError::kUnbalancedQuotes);
  }
  done_len_ = nl + 1;
  return Step::kDone;
}

void append_command(std::span<const std::string_view> args, std::string& out) {
  char num[kMaxIntChars];
  out.push_back('*');
  out.append(num, format_u64(args.size(), num));
  out.append("\r\n");
  for (const std::string_view arg : args) {
    out.push_back('$');
    out.append(num, format_u64(arg.size(), num));
    out.append("\r\n");
    out.append(arg);
    out.append("\r\n");
  }
}

}  // namespace codis::resp
