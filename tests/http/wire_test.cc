// Responses and requests as written on the wire: framing fields, and nothing malformed ever sent.
#include <gtest/gtest.h>

#include "http/wire.h"

namespace codis::http {
namespace {

std::string write(const Response& r, ResponseFraming f = {}, bool* open = nullptr) {
  std::string out;
  const bool o = append_response(r, f, out);
  if (open != nullptr) *open = o;
  return out;
}

TEST(Wire, WritesContentLengthAndExtraHeaders) {
  Response r = Response::json(201, "{}");
  r.headers.emplace_back("X-A", "b");
  bool open = false;
  EXPECT_EQ(
      write(r, {}, &open),
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-A: b\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_TRUE(open);
}

TEST(Wire, ConnectionFields) {
  const Response r = Response::text(200, "x");
  ResponseFraming f;
  f.keep_alive = false;
  bool open = true;
  EXPECT_NE(write(r, f, &open).find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_FALSE(open);
  f.keep_alive = true;
  f.version = 10;
  const std::string ka = write(r, f, &open);
  EXPECT_EQ(ka.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(ka.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  EXPECT_TRUE(open);

  // A handler may close; its framing fields are replaced by ours.
  Response closing = Response::text(200, "x");
  closing.headers.emplace_back("connection", "Keep-Alive, Close");
  closing.headers.emplace_back("Content-Length", "99");
  closing.headers.emplace_back("Transfer-Encoding", "chunked");
  const std::string c = write(closing, {}, &open);
  EXPECT_FALSE(open);
  EXPECT_EQ(c,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n"
            "Connection: close\r\n\r\nx");
}

TEST(Wire, HeadAndBodylessStatuses) {
  ResponseFraming head;
  head.head = true;
  EXPECT_EQ(write(Response::text(200, "hello"), head),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(write(Response::text(204, "ignored")), "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(write(Response::text(304, "")), "HTTP/1.1 304 Not Modified\r\n\r\n");
}

TEST(Wire, InvalidResponsesBecome500) {
  Response crlf = Response::text(200, "x");
  crlf.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: b");
  Response name = Response::text(200, "x");
  name.headers.emplace_back("Bad Name", "v");
  Response type = Response::text(200, "x");
  type.content_type = "text/plain\n";
  for (const Response& r :
       {crlf, name, type, Response::text(100, ""), Response::text(600, ""), Response::text(-1, "")}) {
    const std::string out = write(r);
    EXPECT_EQ(out.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u) << out;
    EXPECT_EQ(out.find("Evil"), std::string::npos);
  }
}

TEST(Wire, WritesRequests) {
  std::string out;
  Fields h;
  h.emplace_back("Accept", "*/*");
  ASSERT_TRUE(append_request("POST", "/x?y=1", "h:1", h, "body", out).ok());
  EXPECT_EQ(out, "POST /x?y=1 HTTP/1.1\r\nHost: h:1\r\nAccept: */*\r\nContent-Length: 4\r\n\r\nbody");
  out.clear();
  ASSERT_TRUE(append_request("GET", "/", "h", {}, "", out).ok());
  EXPECT_EQ(out, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  out.clear();
  Fields host;
  host.emplace_back("host", "other");
  ASSERT_TRUE(append_request("GET", "/", "h", host, "", out).ok());
  EXPECT_EQ(out, "GET / HTTP/1.1\r\nhost: other\r\n\r\n");
}

TEST(Wire, RefusesMalformedRequests) {
  std::string out;
  EXPECT_FALSE(append_request("G ET", "/", "h", {}, "", out).ok());
  EXPECT_FALSE(append_request("", "/", "h", {}, "", out).ok());
  EXPECT_FALSE(append_request("GET", "", "h", {}, "", out).ok());
  EXPECT_FALSE(append_request("GET", "/a b", "h", {}, "", out).ok());
  EXPECT_FALSE(append_request("GET", "/a\r\n", "h", {}, "", out).ok());
  EXPECT_FALSE(append_request("GET", "/", "h\r\n", {}, "", out).ok());
  Fields bad;
  bad.emplace_back("X", "a\nb");
  EXPECT_FALSE(append_request("GET", "/", "h", bad, "", out).ok());
  Fields cl;
  cl.emplace_back("content-length", "3");
  EXPECT_FALSE(append_request("GET", "/", "h", cl, "", out).ok());
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace codis::http
