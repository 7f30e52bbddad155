#include "http/response_reader.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace codis::http {

namespace bhttp = boost::beast::http;
using Parser = bhttp::response_parser<bhttp::string_body>;

struct ResponseReader::Impl {
  explicit Impl(size_t m) : max_body(m) {}

  void start(bool head) {
    parser.emplace();
    parser->body_limit(static_cast<uint64_t>(max_body));
    parser->eager(true);
    if (head) parser->skip(true);
  }

  Response take() {
    auto& m = parser->get();
    Response r;
    r.status = static_cast<int>(m.result_int());
    r.content_type.clear();
    for (const auto& f : m) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    if (auto ct = find_header(r.headers, "Content-Type")) r.content_type.assign(*ct);
    r.body = std::move(m.body());
    parser.reset();
    return r;
  }

  size_t max_body;
  std::optional<Parser> parser;
  bool failed = false;
};

ResponseReader::ResponseReader(size_t max_body) : impl_(std::make_unique<Impl>(max_body)) {}
ResponseReader::~ResponseReader() = default;

rt::Result<std::optional<Response>> ResponseReader::read(std::string& in, bool head) {
  Impl& d = *impl_;
  if (d.failed) return rt::Errc::kIoError;
  if (in.empty()) return std::optional<Response>();
  if (!d.parser) d.start(head);
  size_t pos = 0;
  std::optional<Response> out;
  while (pos < in.size()) {
    boost::beast::error_code ec;
    const size_t n = d.parser->put(boost::beast::net::const_buffer(in.data() + pos, in.size() - pos), ec);
    pos += n;
    if (ec == bhttp::error::need_more) break;
    if (ec) {
      d.failed = true;
      d.parser.reset();
      return rt::Errc::kIoError;
    }
    if (d.parser->is_done()) {
      out = d.take();
      break;
    }
    if (n == 0) break;
  }
  in.erase(0, pos);
  return out;
}

rt::Result<std::optional<Response>> ResponseReader::finish() {
  Impl& d = *impl_;
  if (d.failed) return rt::Errc::kIoError;
  if (!d.parser || !d.parser->got_some()) return std::optional<Response>();
  boost::beast::error_code ec;
  d.parser->put_eof(ec);
  if (ec || !d.parser->is_done()) {
    d.parser.reset();
    return rt::Errc::kEof;
  }
  return std::optional<Response>(d.take());
}

}  // namespace codis::http
