// Template body of ReplyReader::read (included by reply_reader.h only).
#pragma once

#include <cstring>
#include <limits>

#include "resp/number.h"

namespace codis::resp {

template <class Sink>
bool ReplyReader::complete(Sink& sink) {
  while (!frames_.empty()) {
    Frame& top = frames_.back();
    if (--top.remaining > 0) return false;
    const bool attribute = top.attribute;
    frames_.pop_back();
    if (attribute) {
      // Attributes describe the element that follows; they do not count as an element themselves.
      sink.on_attribute_end();
      return false;
    }
    sink.on_aggregate_end();
  }
  return true;
}

template <class Sink>
ParseResult ReplyReader::read(std::string_view buf, Sink& sink) {
  if (error_ != ReplyError::kNone) return {ParseStatus::kError, 0};
  const char* const p = buf.data();
  const size_t n = buf.size();
  size_t pos = pos_;
  for (;;) {
    if (bulk_type_ != 0) {
      const size_t need = pos + static_cast<size_t>(bulk_len_) + 2;
      if (n < need) return need_more(pos, need - n);
      if (p[need - 2] != '\r' || p[need - 1] != '\n') return fail(ReplyError::kMissingCrlf);
      const std::string_view body(p + pos, static_cast<size_t>(bulk_len_));
      Kind kind = Kind::kBulkString;
      if (bulk_type_ == '!') {
        kind = Kind::kBlobError;
      } else if (bulk_type_ == '=') {
        if (body.size() < 4 || body[3] != ':') return fail(ReplyError::kBadVerbatim);
        kind = Kind::kVerbatim;
      }
      sink.on_string(kind, body);
      bulk_type_ = 0;
      pos = need;
      scan_ = pos;
      if (complete(sink)) break;
      continue;
    }

    // A line: type byte, text, "\r\n".
    if (pos >= n) return need_more(pos, 1);
    const size_t max_line = limits_.max_line_len;
    // Text may be max_line bytes, so its '\r' is at most at pos + 1 + max_line.
    const bool past_limit = n - pos - 1 > max_line;
    const size_t search_end = past_limit ? pos + max_line + 2 : n;
    const size_t from = scan_ > pos ? scan_ : pos;
    const void* hit = from < search_end ? std::memchr(p + from, '\r', search_end - from) : nullptr;
    if (hit == nullptr) {
      if (past_limit) return fail(ReplyError::kLineTooLong);
      scan_ = n;
      return need_more(pos, 1);
    }
    const size_t cr = static_cast<size_t>(static_cast<const char*>(hit) - p);
    if (cr + 1 >= n) {
      scan_ = cr;
      return need_more(pos, 1);
    }
    if (p[cr + 1] != '\n') return fail(ReplyError::kMissingCrlf);
    const char type = p[pos];
    const std::string_view text(p + pos + 1, cr - pos - 1);
    const size_t next = cr + 2;

    switch (type) {
      case '+':
        sink.on_string(Kind::kSimpleString, text);
        break;
      case '-':
        sink.on_string(Kind::kError, text);
        break;
      case ':': {
        int64_t v = 0;
        if (!parse_ll(text, &v)) return fail(ReplyError::kBadInteger);
        sink.on_integer(v);
        break;
      }
      case ',': {
        double d = 0;
        if (!parse_double(text, &d)) return fail(ReplyError::kBadDouble);
        sink.on_double(d);
        break;
      }
      case '#':
        if (text != "t" && text != "f") return fail(ReplyError::kBadBoolean);
        sink.on_boolean(text[0] == 't');
        break;
      case '_':
        if (!text.empty()) return fail(ReplyError::kBadNull);
        sink.on_null(Kind::kNull);
        break;
      case '(': {
        size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
        if (i == text.size()) return fail(ReplyError::kBadBigNumber);
        for (; i < text.size(); ++i) {
          if (text[i] < '0' || text[i] > '9') return fail(ReplyError::kBadBigNumber);
        }
        sink.on_string(Kind::kBigNumber, text);
        break;
      }
      case '$':
      case '!':
      case '=': {
        if (text == "?") return fail(ReplyError::kStreamed);
        int64_t len = 0;
        if (!parse_ll(text, &len)) return fail(ReplyError::kBadLength);
        if (len == -1 && type == '$') {
          sink.on_null(Kind::kNullBulk);
          break;
        }
        if (len < 0) return fail(ReplyError::kBadLength);
        if (len > limits_.max_bulk_len) return fail(ReplyError::kBulkTooLong);
        bulk_type_ = type;
        bulk_len_ = len;
        pos = next;
        scan_ = pos;
        continue;
      }
      case '*':
      case '%':
      case '~':
      case '>':
      case '|': {
        if (text == "?") return fail(ReplyError::kStreamed);
        int64_t count = 0;
        if (!parse_ll(text, &count)) return fail(ReplyError::kBadLength);
        if (count == -1 && type == '*') {
          sink.on_null(Kind::kNullArray);
          break;
        }
        if (count < 0) return fail(ReplyError::kBadLength);
        const bool pairs = type == '%' || type == '|';
        if (count > limits_.max_aggregate_len || (pairs && count > std::numeric_limits<int64_t>::max() / 2)) {
          return fail(ReplyError::kTooManyElements);
        }
        if (frames_.size() >= limits_.max_depth) return fail(ReplyError::kTooDeep);
        const int64_t elements = pairs ? 2 * count : count;
        pos = next;
        scan_ = pos;
        if (type == '|') {
          sink.on_attribute_begin(count);
          if (elements == 0) {
            sink.on_attribute_end();
          } else {
            frames_.push_back(Frame{true, elements});
          }
          continue;  // the attributed element follows
        }
        const Kind kind = type == '*'   ? Kind::kArray
                          : type == '%' ? Kind::kMap
                          : type == '~' ? Kind::kSet
                                        : Kind::kPush;
        sink.on_aggregate_begin(kind, count);
        if (elements > 0) {
          frames_.push_back(Frame{false, elements});
          continue;
        }
        sink.on_aggregate_end();  // an empty aggregate is complete at once
        break;
      }
      default:
        return fail(ReplyError::kBadType);
    }
    // A one-line element completed.
    pos = next;
    scan_ = pos;
    if (complete(sink)) break;
  }
  const size_t length = pos;
  reset();
  return {ParseStatus::kOk, length};
}

}  // namespace codis::resp
