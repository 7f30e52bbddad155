// The byte-level server core: requests in any segmentation, pipelining, limits at their edges, closing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/response_reader.h"
#include "http/session.h"

namespace codis::http {
namespace {

Router routes() {
  Router r;
  r.get("/hello", [](const Request&) { return Response::text(200, "hello"); });
  r.post("/echo", [](const Request& q) { return Response::text(200, q.body); });
  r.get("/close", [](const Request&) {
    Response resp = Response::text(200, "bye");
    resp.headers.emplace_back("Connection", "close");
    return resp;
  });
  return r;
}

// Every response in out (HEAD answers at the positions in heads); fails the test on leftovers.
std::vector<Response> parse_all(std::string out, const std::vector<bool>& heads = {}) {
  ResponseReader reader;
  std::vector<Response> all;
  size_t final_count = 0;
  while (!out.empty()) {
    const bool head = final_count < heads.size() && heads[final_count];
    auto r = reader.read(out, head);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || !r->has_value()) {
      ADD_FAILURE() << "incomplete response: " << out;
      break;
    }
    if ((*r)->status >= 200) ++final_count;
    all.push_back(std::move(**r));
  }
  return all;
}

std::string feed_all(Session& s, std::string_view input, size_t piece) {
  for (size_t at = 0; at < input.size(); at += piece) s.feed(input.substr(at, piece));
  return s.output();
}

TEST(Session, AnySegmentationGivesTheSameResponses) {
  const Router r = routes();
  const std::string input =
      "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "GET /missing?x HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
      "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";
  Session whole(r);
  const std::string expected = feed_all(whole, input, input.size());
  EXPECT_TRUE(whole.closing());
  EXPECT_EQ(whole.answered(), 5u);
  const auto responses = parse_all(expected);
  ASSERT_EQ(responses.size(), 5u);
  EXPECT_EQ(responses[1].body, "hello");
  EXPECT_EQ(responses[2].body, "abc");
  EXPECT_EQ(responses[3].status, 404);
  EXPECT_EQ(responses[4].header("Connection").value_or(""), "close");
  for (size_t piece : {1, 2, 3, 7, 64}) {
    Session s(r);
    EXPECT_EQ(feed_all(s, input, piece), expected) << piece;
  }
}

TEST(Session, HandlerCanCloseAndLaterInputIsIgnored) {
  const Router r = routes();
  Session s(r);
  s.feed("GET /close HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_TRUE(s.closing());
  const std::string out = s.output();
  s.feed("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(s.output(), out);
  ASSERT_EQ(parse_all(out).size(), 1u);
}

TEST(Session, HeaderLimitIsExact) {
  const Router r = routes();
  Limits limits;
  limits.max_header = 100;
  const std::string start = "GET /hello HTTP/1.1\r\nHost: a\r\nX: ";
  const size_t fill = 100 - start.size() - 4;  // the value, then "\r\n\r\n"
  for (size_t piece : {1, 1000}) {
    Session at(r, limits);
    feed_all(at, start + std::string(fill, 'v') + "\r\n\r\n", piece);
    auto ok = parse_all(at.output());
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(ok[0].status, 200);

    Session over(r, limits);
    feed_all(over, start + std::string(fill + 1, 'v') + "\r\n\r\n", piece);
    auto refused = parse_all(over.output());
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].status, 431);
    EXPECT_TRUE(over.closing());
  }
  // An endless header is refused once it passes the limit, without waiting for its end.
  Session endless(r, limits);
  endless.feed("GET /hello HTTP/1.1\r\nHost: a\r\n");
  EXPECT_EQ(endless.output(), "");
  endless.feed(std::string(80, 'x'));
  EXPECT_TRUE(endless.closing());
  EXPECT_EQ(parse_all(endless.output())[0].status, 431);
}

TEST(Session, BodyLimitIsExact) {
  const Router r = routes();
  Limits limits;
  limits.max_body = 10;
  Session at(r, limits);
  at.feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789");
  EXPECT_EQ(parse_all(at.output()).at(0).body, "0123456789");
  Session over(r, limits);
  over.feed("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n");
  EXPECT_EQ(parse_all(over.output()).at(0).status, 413);
  Session chunked(r, limits);
  chunked.feed("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n");
  EXPECT_EQ(chunked.output(), "");
  chunked.feed("5\r\n01234\r\n");
  EXPECT_EQ(parse_all(chunked.output()).at(0).status, 413);
}

TEST(Session, AChunkHeaderRetriedByteByByteIsNotCountedTwice) {
  // Beast 1.81 charges a chunk's size to its body limit on every retry of a chunk header it needs more
  // bytes for (here a quoted extension running past the line end); the session keeps its own count.
  const Router r = routes();
  Limits limits;
  limits.max_body = 100;
  limits.max_header = 200;
  Session s(r, limits);
  s.feed("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "5;ext=\"HTTP/1.1\r\nHost: h\r\nX: yyyyyyyyyyyyyyyy";
  for (char c : chunk) s.feed(std::string(1, c));
  EXPECT_FALSE(s.closing());
  EXPECT_EQ(s.output(), "");
  // It is still bounded: a chunk line longer than max_header is refused.
  s.feed(std::string(200, 'z'));
  EXPECT_TRUE(s.closing());
  EXPECT_EQ(parse_all(s.output()).at(0).status, 400);
}

TEST(Session, EndlessChunkLineIs400) {
  const Router r = routes();
  Limits limits;
  limits.max_header = 100;
  Session s(r, limits);
  s.feed("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;");
  for (int i = 0; i < 10 && !s.closing(); ++i) s.feed(std::string(20, 'e'));
  EXPECT_TRUE(s.closing());
  auto out = parse_all(s.output());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, 400);
}

TEST(Session, ExpectContinueOnlyBeforeTheBody) {
  const Router r = routes();
  const std::string header =
      "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n";
  Session waiting(r);
  waiting.feed(header);
  EXPECT_EQ(waiting.output(), "HTTP/1.1 100 Continue\r\n\r\n");
  waiting.feed("ok");
  auto both = parse_all(waiting.output());
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].body, "ok");
  // The body came with the header: no interim response.
  Session eager(r);
  eager.feed(header + "ok");
  auto one = parse_all(eager.output());
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].status, 200);
}

TEST(Session, HeadGetsNoBody) {
  const Router r = routes();
  Session s(r);
  s.feed(
      "HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\nHEAD /nowhere HTTP/1.1\r\nHost: a\r\n\r\nGET /hello "
      "HTTP/1.1\r\nHost: a\r\n\r\n");
  auto out = parse_all(s.output(), {true, true, false});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].body, "");
  EXPECT_EQ(out[0].header("Content-Length").value_or(""), "5");
  EXPECT_EQ(out[1].status, 404);
  EXPECT_EQ(out[1].body, "");
  EXPECT_EQ(out[2].body, "hello");
}

TEST(Session, Http10AndHost) {
  const Router r = routes();
  Session s10(r);
  s10.feed("GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(s10.closing());
  EXPECT_EQ(s10.output().rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  Session nohost(r);
  nohost.feed("GET /hello HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(nohost.closing());
  EXPECT_EQ(parse_all(nohost.output()).at(0).status, 400);
}

TEST(Session, ObserverSeesEveryRoutedRequest) {
  const Router r = routes();
  Session s(r);
  std::vector<std::string> seen;
  s.set_observer([&](const Request& q, const Response& resp) {
    seen.push_back(q.method + " " + q.target + " " + std::to_string(resp.status));
  });
  s.feed("GET /hello HTTP/1.1\r\nHost: a\r\n\r\nPUT /x?y HTTP/1.1\r\nHost: a\r\n\r\nBAD\r\n\r\n");
  EXPECT_EQ(seen, (std::vector<std::string>{"GET /hello 200", "PUT /x?y 404"}));
  EXPECT_EQ(s.answered(), 3u);
  EXPECT_EQ(parse_all(s.output()).at(2).status, 400);
}

}  // namespace
}  // namespace codis::http
