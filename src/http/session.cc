#include "http/session.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/wire.h"

namespace codis::http {

namespace bhttp = boost::beast::http;
using Parser = bhttp::request_parser<bhttp::string_body>;

struct Session::Impl {
  Impl(const Router& r, Limits l) : router(r), limits(l) {}

  void feed(std::string_view bytes);
  void start_message();
  // Checks a header that just completed; false if the request was refused.
  bool accept_header();
  void answer();
  void refuse(int status, std::string_view why);

  // Counts the sizes chunk headers declare against max_body. We keep the body limit ourselves because
  // Beast 1.81 takes a chunk's size off its own limit before it has parsed the chunk's extensions, and
  // again each time it retries a chunk header it needed more bytes for, so that header could be
  // refused as too large where it is merely incomplete or malformed.
  struct ChunkSizes {
    void operator()(uint64_t size, boost::beast::string_view, boost::beast::error_code& ec) {
      if (size > max_body - declared) {
        ec = bhttp::error::body_limit;
        return;
      }
      declared += size;
    }
    uint64_t max_body = 0;
    uint64_t declared = 0;
  };

  const Router& router;
  const Limits limits;
  std::optional<Parser> parser;  // the message being read; a Beast parser reads one message only
  std::string in;                // received bytes the parser has not consumed
  size_t header_bytes = 0;       // bytes of the current message's header consumed so far
  size_t body_bytes = 0;         // bytes after the header consumed so far
  bool continue_sent = false;
  bool closing = false;
  uint64_t answered = 0;
  std::string out;
  Observer observer;
  ChunkSizes chunk_sizes;  // the parser keeps a reference to it
};

void Session::Impl::start_message() {
  parser.emplace();
  parser->header_limit(static_cast<uint32_t>(std::min<size_t>(limits.max_header, UINT32_MAX)));
  parser->body_limit(boost::none);  // see ChunkSizes; accept_header checks a Content-Length
  chunk_sizes.max_body = limits.max_body;
  chunk_sizes.declared = 0;
  parser->on_chunk_header(chunk_sizes);
  // put() returns right after the header, so header_bytes is the header's size, and a Content-Length can
  // be checked before the body is set up for it.
  parser->eager(false);
  header_bytes = 0;
  body_bytes = 0;
  continue_sent = false;
}

void Session::Impl::refuse(int status, std::string_view why) {
  Response r = Response::text(status, std::string(why) + "\n");
  ResponseFraming framing;
  framing.keep_alive = false;
  append_response(r, framing, out);
  ++answered;
  closing = true;
  parser.reset();
}

bool Session::Impl::accept_header() {
  if (header_bytes > limits.max_header) {
    refuse(431, "request header too large");
    return false;
  }
  const auto& m = parser->get();
  if (m.version() >= 11 && m.find(bhttp::field::host) == m.end()) {
    refuse(400, "missing Host header");
    return false;
  }
  if (const auto length = parser->content_length(); length && *length > limits.max_body) {
    refuse(413, "request body too large");
    return false;
  }
  return true;
}

void Session::Impl::answer() {
  auto& m = parser->get();
  Request req;
  req.method.assign(m.method_string());
  req.target.assign(m.target());
  split_target(req.target, req.path, req.query);
  req.version = static_cast<int>(m.version());
  for (const auto& f : m) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  req.body = std::move(m.body());

  ResponseFraming framing;
  framing.version = req.version;
  framing.keep_alive = parser->keep_alive();
  framing.head = req.method == "HEAD";
  parser.reset();
  const Response resp = router.dispatch(req);
  ++answered;
  if (observer) observer(req, resp);
  if (!append_response(resp, framing, out)) closing = true;
}

void Session::Impl::feed(std::string_view bytes) {
  if (closing) return;
  in.append(bytes);
  size_t pos = 0;
  while (!closing && pos < in.size()) {
    if (!parser) start_message();
    const bool had_header = parser->is_header_done();
    boost::beast::error_code ec;
    const size_t n = parser->put(boost::beast::net::const_buffer(in.data() + pos, in.size() - pos), ec);
    pos += n;
    (had_header ? body_bytes : header_bytes) += n;
    if (ec == bhttp::error::need_more) break;
    if (ec == bhttp::error::header_limit) {
      refuse(431, "request header too large");
    } else if (ec == bhttp::error::body_limit) {
      refuse(413, "request body too large");
    } else if (ec) {
      refuse(400, "malformed request: " + ec.message());
    } else if (!had_header && parser->is_header_done() && !accept_header()) {
      // refused
    } else if (parser->is_done()) {
      answer();
    } else if (n == 0) {
      break;  // no progress: wait for more input
    }
  }
  in.erase(0, pos);
  if (closing) in.clear();  // what followed the last answered request is never read
  if (closing || !parser) return;
  if (!parser->is_header_done()) {
    // The header is not complete within the bytes we have, so it is at least this long.
    if (header_bytes + in.size() >= limits.max_header) refuse(431, "request header too large");
    return;
  }
  if (in.size() > limits.max_header) {
    refuse(400, "malformed request: chunk header too long");  // only a chunk-size line leaves bytes behind
    return;
  }
  const auto& m = parser->get();
  const auto expect = m.find(bhttp::field::expect);
  if (!continue_sent && body_bytes == 0 && in.empty() && m.version() >= 11 && expect != m.end() &&
      iequals(expect->value(), "100-continue")) {
    append_continue(out);
    continue_sent = true;
  }
}

Session::Session(const Router& router, Limits limits) : impl_(std::make_unique<Impl>(router, limits)) {}
Session::~Session() = default;

void Session::feed(std::string_view bytes) {
  impl_->feed(bytes);
}
void Session::set_observer(Observer observer) {
  impl_->observer = std::move(observer);
}
std::string& Session::output() {
  return impl_->out;
}
bool Session::closing() const {
  return impl_->closing;
}
uint64_t Session::answered() const {
  return impl_->answered;
}

}  // namespace codis::http
