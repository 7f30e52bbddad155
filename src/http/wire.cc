#include "http/wire.h"

namespace codis::http {

namespace {

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

// Fields the framing code writes itself.
bool is_framing_field(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection");
}

// Whether a Connection field value lists the "close" option.
bool has_close(std::string_view v) {
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    if (comma == std::string_view::npos) comma = v.size();
    std::string_view opt = v.substr(start, comma - start);
    while (!opt.empty() && (opt.front() == ' ' || opt.front() == '\t')) opt.remove_prefix(1);
    while (!opt.empty() && (opt.back() == ' ' || opt.back() == '\t')) opt.remove_suffix(1);
    if (iequals(opt, "close")) return true;
    start = comma + 1;
  }
  return false;
}

bool sendable(const Response& r) {
  if (r.status < 200 || r.status > 599) return false;
  if (!is_field_value(r.content_type)) return false;
  for (const auto& [k, v] : r.headers) {
    if (!is_token(k) || !is_field_value(v)) return false;
  }
  return true;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

bool is_field_value(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

bool append_response(const Response& given, const ResponseFraming& framing, std::string& out) {
  const Response fallback = Response::text(500, "handler returned an invalid response\n");
  const Response& r = sendable(given) ? given : fallback;
  bool keep_alive = framing.keep_alive;
  for (const auto& [k, v] : r.headers) {
    if (iequals(k, "Connection") && has_close(v)) keep_alive = false;
  }

  out.append(framing.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  out.append(std::to_string(r.status));
  out.push_back(' ');
  out.append(reason_phrase(r.status));
  out.append("\r\n");
  const bool no_body = r.status == 204 || r.status == 304;
  if (!r.content_type.empty() && !no_body) append_field(out, "Content-Type", r.content_type);
  for (const auto& [k, v] : r.headers) {
    if (!is_framing_field(k)) append_field(out, k, v);
  }
  if (!no_body) append_field(out, "Content-Length", std::to_string(r.body.size()));
  if (!keep_alive) {
    append_field(out, "Connection", "close");
  } else if (framing.version == 10) {
    append_field(out, "Connection", "keep-alive");
  }
  out.append("\r\n");
  if (!no_body && !framing.head) out.append(r.body);
  return keep_alive;
}

void append_continue(std::string& out) {
  out.append("HTTP/1.1 100 Continue\r\n\r\n");
}

rt::Result<void> append_request(std::string_view method, std::string_view target, std::string_view host,
                                const Fields& headers, std::string_view body, std::string& out) {
  if (!is_token(method) || target.empty() || !is_field_value(host) || host.empty()) {
    return rt::Errc::kInvalidArgument;
  }
  for (char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return rt::Errc::kInvalidArgument;
  }
  for (const auto& [k, v] : headers) {
    if (!is_token(k) || !is_field_value(v) || iequals(k, "Content-Length") ||
        iequals(k, "Transfer-Encoding")) {
      return rt::Errc::kInvalidArgument;
    }
  }
  out.append(method);
  out.push_back(' ');
  out.append(target);
  out.append(" HTTP/1.1\r\n");
  if (!find_header(headers, "Host")) append_field(out, "Host", host);
  for (const auto& [k, v] : headers) append_field(out, k, v);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    append_field(out, "Content-Length", std::to_string(body.size()));
  }
  out.append("\r\n");
  out.append(body);
  return rt::ok();
}

}  // namespace codis::http
