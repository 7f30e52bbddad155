// libFuzzer target for http::Session: arbitrary bytes as one connection's input to the HTTP server core.
// Input: byte 0 picks the fragment sizes, byte 1 the header and body limits, the rest is what the client
// sends. Handlers echo the request and may return what a careless handler would (any status, a header
// value taken from the query, "Connection: close").
// Oracles: the output is a sequence of well-formed responses (Beast's response parser reads it to the last
// byte; HEAD answers without bodies) with one final response per answered request, only "100 Continue" as
// an interim one, statuses in 200..599, no header a handler smuggled in through CR/LF, "Connection: close"
// exactly on the last response when the session closes, and a refusal (400/413/431) only as that last
// response; fragmented input gives the same responses as the whole input, except that the whole input may
// be refused where the fragments still wait for more (see the end of LLVMFuzzerTestOneInput).
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "http/response_reader.h"
#include "http/session.h"

namespace {

using codis::http::Limits;
using codis::http::Request;
using codis::http::Response;
using codis::http::Router;
using codis::http::Session;

std::string describe(const Request& q) {
  std::string out = q.method + " " + q.path + " v" + std::to_string(q.version);
  for (const auto& [k, v] : q.query) out += " q[" + k + "=" + v + "]";
  for (const auto& [k, v] : q.path_params) out += " p[" + k + "=" + v + "]";
  out += " h" + std::to_string(q.headers.size()) + " b" + std::to_string(q.body.size()) + ":" + q.body;
  return out;
}

Router make_router() {
  Router r;
  for (const char* m : {"GET", "POST", "PUT", "DELETE"}) {
    r.add(m, "/", [](const Request& q) { return Response::text(200, describe(q)); });
    r.add(m, "/a/:x", [](const Request& q) { return Response::json(200, describe(q)); });
  }
  r.post("/echo", [](const Request& q) { return Response::text(200, q.body); });
  r.get("/status/:code", [](const Request& q) {
    Response resp = Response::text(0, "status");
    const std::string code(q.path_param("code").value_or(""));
    for (char c : code.substr(0, 4)) resp.status = resp.status * 10 + (c - '0');
    return resp;
  });
  r.get("/header", [](const Request& q) {
    Response resp = Response::text(200, "header");
    // A name and value from the client: the only way "X-Injected" gets out is through CR/LF in them.
    resp.headers.emplace_back("X-N-" + std::string(q.param("name").value_or("")),
                              std::string(q.param("value").value_or("")));
    resp.content_type = std::string(q.param("type").value_or("text/plain"));
    return resp;
  });
  r.add("HEAD", "/h", [](const Request&) { return Response::text(200, "head body"); });
  r.get("/close", [](const Request&) {
    Response resp = Response::text(200, "bye");
    resp.headers.emplace_back("Connection", "close");
    return resp;
  });
  return r;
}

struct Outcome {
  std::vector<Response> routed;  // the final responses to requests the router answered
  int refusal = 0;               // the status of the 400/413/431 that ended the connection, if one did
  size_t interims = 0;
  bool closing = false;
};

Outcome run(const Router& router, const Limits& limits, std::string_view input,
            const std::vector<size_t>& pieces) {
  Session session(router, limits);
  std::vector<bool> heads;  // per routed request: was it a HEAD
  session.set_observer([&](const Request& q, const Response&) { heads.push_back(q.method == "HEAD"); });
  std::string output;
  size_t fed = 0;
  for (size_t i = 0; fed < input.size(); ++i) {
    const size_t take =
        pieces.empty() ? input.size() : std::min(pieces[i % pieces.size()], input.size() - fed);
    const bool was_closing = session.closing();
    session.feed(input.substr(fed, take));
    fed += take;
    if (was_closing) FUZZ_CHECK(session.output().empty());  // nothing after the last response
    output += session.output();
    session.output().clear();
  }

  Outcome out;
  out.closing = session.closing();
  const uint64_t answered = session.answered();
  FUZZ_CHECK(heads.size() == answered || heads.size() + 1 == answered);
  std::vector<Response> finals;
  codis::http::ResponseReader reader(limits.max_body + (1 << 20));
  while (!output.empty()) {
    const size_t k = finals.size();
    auto r = reader.read(output, k < heads.size() && heads[k]);
    FUZZ_CHECK(r.ok());
    FUZZ_CHECK(r->has_value());  // every response is complete
    Response resp = std::move(**r);
    if (resp.status < 200) {
      FUZZ_CHECK(resp.status == 100);
      FUZZ_CHECK(resp.headers.empty() && resp.body.empty());
      ++out.interims;
      continue;
    }
    FUZZ_CHECK(resp.status <= 599);
    FUZZ_CHECK(!resp.header("X-Injected").has_value());
    FUZZ_CHECK(k >= heads.size() || !heads[k] || resp.body.empty());
    finals.push_back(std::move(resp));
  }
  FUZZ_CHECK(finals.size() == answered);
  for (size_t k = 0; k < finals.size(); ++k) {
    Response& resp = finals[k];
    const bool last = k + 1 == finals.size();
    const bool says_close = resp.header("Connection").value_or("") == "close";
    FUZZ_CHECK(says_close == (last && out.closing));
    if (k >= heads.size()) {  // the refusal of a request that could not be read
      FUZZ_CHECK(last && out.closing);
      FUZZ_CHECK(resp.status == 400 || resp.status == 413 || resp.status == 431);
      out.refusal = resp.status;
    } else {
      out.routed.push_back(std::move(resp));
    }
  }
  return out;
}

bool same(const Response& a, const Response& b) {
  return a.status == b.status && a.headers == b.headers && a.body == b.body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > (1 << 18)) return 0;
  const uint8_t frag_knob = data[0];
  const uint8_t limit_knob = data[1];
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  // Small limits let short inputs reach every limit path.
  static constexpr size_t kHeader[] = {32, 128, 1024, 8 * 1024};
  static constexpr size_t kBody[] = {0, 8, 100, 1 << 20};
  Limits limits;
  limits.max_header = kHeader[limit_knob & 3];
  limits.max_body = kBody[(limit_knob >> 2) & 3];
  static const Router router = make_router();

  const Outcome whole = run(router, limits, input, {});
  const Outcome split = run(router, limits, input, codis::fuzz::fragments(frag_knob, input.size()));
  // Beast spots a malformed header early when it parses it in one go, but once it has asked for more
  // bytes it waits for the header's end (or the limit) before looking again; so the whole input may be
  // refused where its pieces still wait for more. Everything else is the same.
  FUZZ_CHECK(whole.routed.size() == split.routed.size());
  for (size_t k = 0; k < whole.routed.size(); ++k) FUZZ_CHECK(same(whole.routed[k], split.routed[k]));
  if (split.refusal != 0) FUZZ_CHECK(whole.refusal != 0);
  if (whole.refusal == 0) FUZZ_CHECK(whole.closing == split.closing && split.refusal == 0);
  if (whole.refusal != 0 && split.refusal == 0) FUZZ_CHECK(!split.closing);
  return 0;
}
