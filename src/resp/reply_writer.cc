// RESP2/RESP3 reply writer; see reply_writer.h for what each protocol version gets.
#include "resp/reply_writer.h"

#include <cstring>

namespace codis::resp {

void ReplyWriter::header(char type, size_t n) {
  char buf[kMaxIntChars + 4];
  buf[0] = type;
  size_t len = 1 + format_u64(n, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->append(buf, len);
}

void ReplyWriter::line(char type, std::string_view s) {
  std::string& out = *out_;
  const size_t start = out.size() + 1;
  out.push_back(type);
  out.append(s);
  // Rare, and scanning a short status line is cheaper than branching per byte while copying.
  if (std::memchr(s.data(), '\r', s.size()) != nullptr || std::memchr(s.data(), '\n', s.size()) != nullptr) {
    for (size_t i = start; i < out.size(); ++i) {
      if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
    }
  }
  out.append("\r\n", 2);
}

void ReplyWriter::simple(std::string_view s) {
  line('+', s);
}

void ReplyWriter::error(std::string_view s) {
  line('-', s);
}

void ReplyWriter::blob_error(std::string_view s) {
  if (protocol_ != 3) {
    line('-', s);
    return;
  }
  header('!', s.size());
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::integer(int64_t v) {
  char buf[kMaxIntChars + 4];
  buf[0] = ':';
  size_t len = 1 + format_i64(v, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->append(buf, len);
}

void ReplyWriter::bulk(std::string_view s) {
  // Header, payload and trailer in one append for small payloads; big ones are dominated by the copy.
  char buf[96];
  buf[0] = '$';
  size_t len = 1 + format_u64(s.size(), buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  if (s.size() <= sizeof(buf) - len - 2) {
    if (!s.empty()) {  // an empty view may have no data pointer, which memcpy must not see
      std::memcpy(buf + len, s.data(), s.size());
    }
    len += s.size();
    buf[len++] = '\r';
    buf[len++] = '\n';
    out_->append(buf, len);
    return;
  }
  std::string& out = *out_;
  out.append(buf, len);
  out.append(s);
  out.append("\r\n", 2);
}

void ReplyWriter::bulk_integer(int64_t v) {
  char num[kMaxIntChars];
  bulk(std::string_view(num, format_i64(v, num)));
}

void ReplyWriter::null() {
  if (protocol_ == 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::null_array() {
  if (protocol_ == 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

bool ReplyWriter::attribute(size_t n) {
  if (protocol_ != 3) return false;
  header('|', n);
  return true;
}

void ReplyWriter::double_value(double d) {
  char num[kMaxDoubleChars];
  const size_t len = format_double(d, num, double_format_);
  if (protocol_ != 3) {
    bulk(std::string_view(num, len));
    return;
  }
  char buf[kMaxDoubleChars + 4];
  buf[0] = ',';
  std::memcpy(buf + 1, num, len);
  buf[len + 1] = '\r';
  buf[len + 2] = '\n';
  out_->append(buf, len + 3);
}

void ReplyWriter::boolean(bool b) {
  if (protocol_ == 3) {
    out_->append(b ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(b ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyWriter::big_number(std::string_view digits) {
  if (protocol_ != 3) {
    bulk(digits);
    return;
  }
  std::string& out = *out_;
  out.push_back('(');
  out.append(digits);
  out.append("\r\n", 2);
}

void ReplyWriter::verbatim(std::string_view text, std::string_view format) {
  if (protocol_ != 3) {
    bulk(text);
    return;
  }
  header('=', text.size() + 4);
  std::string& out = *out_;
  // The format is exactly three bytes on the wire; pad or cut what the caller gave.
  char fmt[4] = {' ', ' ', ' ', ':'};
  std::memcpy(fmt, format.data(), format.size() < 3 ? format.size() : 3);
  out.append(fmt, 4);
  out.append(text);
  out.append("\r\n", 2);
}

std::string error_reply(std::string_view s) {
  std::string out;
  ReplyWriter(&out).error(s);
  return out;
}

std::string bulk_reply(std::string_view s) {
  std::string out;
  ReplyWriter(&out).bulk(s);
  return out;
}

}  // namespace codis::resp
