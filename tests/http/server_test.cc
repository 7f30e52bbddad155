// The HTTP server and client over real streams, run against every runtime registered in this binary (the
// real one and the simulator; see tests/rt/runtime_fixture.h): what a client sees on the wire.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/client.h"
#include "http/response_reader.h"
#include "http/server.h"
#include "rt/combinators.h"
#include "rt/scope.h"
#include "rt/sleep.h"
#include "tests/rt/runtime_fixture.h"

namespace codis::http {
namespace {

using rt::Endpoint;
using rt::Env;
using rt::Errc;
using rt::Result;
using rt::Task;
using rt::test::RegisteredRuntime;
using rt::test::RuntimeFixture;

class HttpServer : public rt::test::PerRuntimeTest {};
CODIS_INSTANTIATE_FOR_RUNTIMES(HttpServer);

// The routes every test serves.
Router test_router() {
  Router r;
  r.get("/hello", [](const Request&) { return Response::text(200, "hello"); });
  r.post("/echo", [](const Request& req) {
    Response resp = Response::text(200, req.body);
    resp.content_type = std::string(req.header("content-type").value_or("application/octet-stream"));
    return resp;
  });
  r.put("/echo", [](const Request& req) { return Response::text(200, "put:" + req.body); });
  r.get("/query", [](const Request& req) {
    std::string out;
    for (const auto& [k, v] : req.query) out += "[" + k + "=" + v + "]";
    return Response::text(200, out);
  });
  r.get("/group/:gid", [](const Request& req) {
    return Response::json(200, "{\"gid\":\"" + std::string(req.path_param("gid").value_or("")) + "\"}");
  });
  r.post("/created", [](const Request&) {
    Response resp = Response::text(201, "made");
    resp.headers.emplace_back("X-Codis-Thing", "42");
    resp.headers.emplace_back("Location", "/thing/42");
    return resp;
  });
  return r;
}

// A server on host:0 serving test_router() while it lives.
class TestServer {
 public:
  TestServer(Env& env, const std::string& host, ServerOptions options = {})
      : router_(test_router()), scope_(env.exec) {
    auto l = env.net.listen(Endpoint(host, 0));
    if (!l.ok()) {
      ADD_FAILURE() << "listen: " << rt::errc_name(l.error());
      return;
    }
    listener_ = std::move(*l);
    at_ = Endpoint(host, listener_->local().port);
    scope_.spawn(serve(env, *listener_, router_, options));
  }
  const Endpoint& at() const { return at_; }
  rt::Listener& listener() { return *listener_; }
  rt::Scope& scope() { return scope_; }

 private:
  Router router_;
  rt::ListenerPtr listener_;
  Endpoint at_;
  rt::Scope scope_;  // last: destroyed (cancelling the server) before the listener and router
};

// A raw client connection: writes bytes as given and reads responses with ResponseReader.
class RawConn {
 public:
  explicit RawConn(Env& env) : env_(env) {}

  Task<Result<void>> connect(Endpoint at) {
    auto c = co_await env_.net.connect(at, rt::seconds(5));
    if (!c.ok()) co_return c.error();
    s_ = std::move(*c);
    co_return rt::ok();
  }
  Task<Result<void>> send(std::string bytes) { co_return co_await rt::write_all(*s_, bytes); }

  // The next response; kEof if the server closed first.
  Task<Result<Response>> next(bool head = false) {
    for (;;) {
      auto got = reader_.read(in_, head);
      if (!got.ok()) co_return got.error();
      if (got->has_value()) co_return std::move(**got);
      char buf[4096];
      auto r = co_await s_->read(buf);
      if (!r.ok()) co_return r.error();
      if (*r == 0) co_return Errc::kEof;
      in_.append(buf, *r);
    }
  }

  // True when the server closes the connection (end of stream or reset) with no more bytes.
  Task<bool> closed_by_server() {
    if (!in_.empty()) co_return false;
    char buf[256];
    auto r = co_await s_->read(buf);
    co_return r.ok() ? *r == 0 : r.error() == Errc::kConnReset;
  }

  rt::Stream& stream() { return *s_; }

 private:
  Env& env_;
  rt::StreamPtr s_;
  ResponseReader reader_;
  std::string in_;
};

std::string get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) + "\r\n";
}

std::string post(std::string_view target, std::string_view body, std::string_view extra = "") {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra) + "\r\n" + std::string(body);
}

// CO_ASSERT_OK evaluates its argument twice: this one awaits once.
#define CO_AWAIT_OK(expr) \
  do {                    \
    auto r_ = (expr);     \
    CO_ASSERT_OK(r_);     \
  } while (0)

std::string header_or(const Response& r, std::string_view name) {
  return std::string(r.header(name).value_or("<none>"));
}

TEST_P(HttpServer, GetAndPostWithBodies) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    auto r = co_await request(env, server.at(), "GET", "/hello");
    CO_ASSERT_OK(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
    EXPECT_EQ(r->content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(header_or(*r, "content-length"), "5");

    Fields headers;
    headers.emplace_back("Content-Type", "application/json");
    auto p = co_await request(env, server.at(), "POST", "/echo", "{\"a\":1}", headers);
    CO_ASSERT_OK(p);
    EXPECT_EQ(p->status, 200);
    EXPECT_EQ(p->body, "{\"a\":1}");
    EXPECT_EQ(p->content_type, "application/json");

    auto u = co_await request(env, server.at(), "PUT", "/echo", "x");
    CO_ASSERT_OK(u);
    EXPECT_EQ(u->body, "put:x");

    // An empty POST still says Content-Length: 0.
    auto e = co_await request(env, server.at(), "POST", "/echo");
    CO_ASSERT_OK(e);
    EXPECT_EQ(e->status, 200);
    EXPECT_EQ(e->body, "");
  });
}

TEST_P(HttpServer, LargeBodiesCrossManySegments) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    std::string big(900 * 1024, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
    auto p = co_await request(env, server.at(), "POST", "/echo", big);
    CO_ASSERT_OK(p);
    EXPECT_EQ(p->status, 200);
    EXPECT_TRUE(p->body == big);
  });
}

TEST_P(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    RawConn c(env);
    CO_AWAIT_OK(co_await c.connect(server.at()));
    for (int i = 0; i < 5; ++i) {
      const std::string body = "round " + std::to_string(i);
      CO_AWAIT_OK(co_await c.send(post("/echo", body)));
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, body);
      EXPECT_EQ(header_or(*r, "Connection"), "<none>");
    }
    CO_AWAIT_OK(co_await c.send(get("/hello")));
    auto last = co_await c.next();
    CO_ASSERT_OK(last);
    EXPECT_EQ(last->body, "hello");
  });
}

TEST_P(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    RawConn c(env);
    CO_AWAIT_OK(co_await c.connect(server.at()));
    std::string all;
    for (int i = 0; i < 20; ++i) all += post("/echo", "p" + std::to_string(i));
    all += get("/nope") + get("/hello");
    // One write with all of them, then the same again cut at awkward places.
    CO_AWAIT_OK(co_await c.send(all));
    for (size_t at = 0; at < all.size(); at += 37) {
      CO_AWAIT_OK(co_await c.send(all.substr(at, 37)));
    }
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 20; ++i) {
        auto r = co_await c.next();
        CO_ASSERT_OK(r);
        EXPECT_EQ(r->body, "p" + std::to_string(i));
      }
      auto nf = co_await c.next();
      CO_ASSERT_OK(nf);
      EXPECT_EQ(nf->status, 404);
      auto h = co_await c.next();
      CO_ASSERT_OK(h);
      EXPECT_EQ(h->body, "hello");
    }
  });
}

TEST_P(HttpServer, ConnectionCloseAndHttp10CloseAfterTheResponse) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    {
      RawConn c(env);
      CO_AWAIT_OK(co_await c.connect(server.at()));
      // The request after the closing one is never answered.
      CO_AWAIT_OK(co_await c.send(get("/hello", "Connection: close\r\n") + get("/hello")));
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->body, "hello");
      EXPECT_EQ(header_or(*r, "Connection"), "close");
      EXPECT_TRUE(co_await c.closed_by_server());
    }
    {
      RawConn c(env);
      CO_AWAIT_OK(co_await c.connect(server.at()));
      CO_AWAIT_OK(co_await c.send("GET /hello HTTP/1.0\r\n\r\n"));
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->body, "hello");
      EXPECT_EQ(header_or(*r, "Connection"), "close");
      EXPECT_TRUE(co_await c.closed_by_server());
    }
    {
      // HTTP/1.0 asking for keep-alive gets it.
      RawConn c(env);
      CO_AWAIT_OK(co_await c.connect(server.at()));
      for (int i = 0; i < 2; ++i) {
        CO_AWAIT_OK(co_await c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        auto r = co_await c.next();
        CO_ASSERT_OK(r);
        EXPECT_EQ(r->body, "hello");
        EXPECT_EQ(header_or(*r, "Connection"), "keep-alive");
      }
    }
  });
}

TEST_P(HttpServer, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    auto nf = co_await request(env, server.at(), "GET", "/no/such/path");
    CO_ASSERT_OK(nf);
    EXPECT_EQ(nf->status, 404);
    auto na = co_await request(env, server.at(), "DELETE", "/echo");
    CO_ASSERT_OK(na);
    EXPECT_EQ(na->status, 405);
    EXPECT_EQ(header_or(*na, "allow"), "POST, PUT");
    auto nh = co_await request(env, server.at(), "POST", "/hello", "x");
    CO_ASSERT_OK(nh);
    EXPECT_EQ(nh->status, 405);
    EXPECT_EQ(header_or(*nh, "Allow"), "GET, HEAD");
    // HEAD runs the GET route and gets its headers without the body.
    auto head = co_await request(env, server.at(), "HEAD", "/hello");
    CO_ASSERT_OK(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->body, "");
    EXPECT_EQ(header_or(*head, "Content-Length"), "5");
  });
}

TEST_P(HttpServer, GarbageIs400AndCloses) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    std::vector<std::string> bad_requests;
    bad_requests.push_back("\x01\x02garbage\r\n\r\n");
    bad_requests.push_back("GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    bad_requests.push_back("GET / HTTP/9.9\r\n\r\n");
    bad_requests.push_back("GET /hello HTTP/1.1\r\n\r\n");  // HTTP/1.1 without Host
    bad_requests.push_back(post("/echo", "abc", "Content-Length: 4\r\n"));
    for (const std::string& bad : bad_requests) {
      RawConn c(env);
      CO_AWAIT_OK(co_await c.connect(server.at()));
      CO_AWAIT_OK(co_await c.send(bad + get("/hello")));
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->status, 400) << bad;
      EXPECT_EQ(header_or(*r, "Connection"), "close");
      EXPECT_TRUE(co_await c.closed_by_server());
    }
  });
}

TEST_P(HttpServer, TooBigBodyIs413) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    ServerOptions options;
    options.limits.max_body = 1000;
    TestServer server(env, host, options);
    {
      // Refused from the Content-Length alone, before the body is sent.
      RawConn c(env);
      CO_AWAIT_OK(co_await c.connect(server.at()));
      CO_AWAIT_OK(co_await c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n"));
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->status, 413);
      EXPECT_TRUE(co_await c.closed_by_server());
    }
    {
      // A chunked body that grows past the limit.
      RawConn c(env);
      CO_AWAIT_OK(co_await c.connect(server.at()));
      std::string req = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (int i = 0; i < 3; ++i) req += "190\r\n" + std::string(400, 'c') + "\r\n";
      CO_AWAIT_OK(co_await c.send(req));
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->status, 413);
    }
    // Exactly at the limit is fine.
    auto ok = co_await request(env, server.at(), "POST", "/echo", std::string(1000, 'x'));
    CO_ASSERT_OK(ok);
    EXPECT_EQ(ok->status, 200);
    auto big = co_await request(env, server.at(), "POST", "/echo", std::string(1001, 'x'));
    CO_ASSERT_OK(big);
    EXPECT_EQ(big->status, 413);
  });
}

TEST_P(HttpServer, TooBigHeaderIs431) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    {
      RawConn c(env);
      CO_AWAIT_OK(co_await c.connect(server.at()));
      CO_AWAIT_OK(co_await c.send(get("/hello", "X-Big: " + std::string(9000, 'h') + "\r\n")));
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->status, 431);
      EXPECT_TRUE(co_await c.closed_by_server());
    }
    {
      // Many small fields add up; and a request line alone can be too long.
      RawConn c(env);
      CO_AWAIT_OK(co_await c.connect(server.at()));
      std::string fields;
      for (int i = 0; i < 400; ++i) fields += "X-F" + std::to_string(i) + ": vvvvvvvvvvvvvvvv\r\n";
      CO_AWAIT_OK(co_await c.send(get("/hello", fields)));
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->status, 431);
    }
    auto longline = co_await request(env, server.at(), "GET", "/hello?" + std::string(9000, 'q'));
    CO_ASSERT_OK(longline);
    EXPECT_EQ(longline->status, 431);
    // Just under the limit is fine.
    Fields headers;
    headers.emplace_back("X-Fill", std::string(7000, 'f'));
    auto fine = co_await request(env, server.at(), "GET", "/hello", "", headers);
    CO_ASSERT_OK(fine);
    EXPECT_EQ(fine->status, 200);
  });
}

TEST_P(HttpServer, QueryAndPathParameters) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    auto q = co_await request(env, server.at(), "GET", "/query?a=1&b=x%20y&c=+z+&flag&&e=%3D%26");
    CO_ASSERT_OK(q);
    EXPECT_EQ(q->body, "[a=1][b=x y][c= z ][flag=][e==&]");
    auto g = co_await request(env, server.at(), "GET", "/group/17?x=1");
    CO_ASSERT_OK(g);
    EXPECT_EQ(g->status, 200);
    EXPECT_EQ(g->content_type, "application/json");
    EXPECT_EQ(g->body, "{\"gid\":\"17\"}");
    auto none = co_await request(env, server.at(), "GET", "/group/");
    CO_ASSERT_OK(none);
    EXPECT_EQ(none->status, 404);
  });
}

TEST_P(HttpServer, HandlerSetsStatusAndHeaders) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    auto r = co_await request(env, server.at(), "POST", "/created", "");
    CO_ASSERT_OK(r);
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, "made");
    EXPECT_EQ(header_or(*r, "x-codis-thing"), "42");
    EXPECT_EQ(header_or(*r, "LOCATION"), "/thing/42");
  });
}

TEST_P(HttpServer, ChunkedRequestBodyIsAccepted) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    RawConn c(env);
    CO_AWAIT_OK(co_await c.connect(server.at()));
    const std::string req =
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    // Sent twice: whole, then a byte at a time.
    CO_AWAIT_OK(co_await c.send(req));
    for (char ch : req) CO_AWAIT_OK(co_await c.send(std::string(1, ch)));
    for (int i = 0; i < 2; ++i) {
      auto r = co_await c.next();
      CO_ASSERT_OK(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, "hello, world");
    }
  });
}

TEST_P(HttpServer, ExpectContinueGetsAnInterimResponse) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    RawConn c(env);
    CO_AWAIT_OK(co_await c.connect(server.at()));
    CO_AWAIT_OK(co_await c.send(
        "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
    auto interim = co_await c.next();
    CO_ASSERT_OK(interim);
    EXPECT_EQ(interim->status, 100);
    CO_AWAIT_OK(co_await c.send("abc"));
    auto r = co_await c.next();
    CO_ASSERT_OK(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "abc");
  });
}

TEST_P(HttpServer, IdleConnectionsAreClosed) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    ServerOptions options;
    options.idle_timeout = rt::milliseconds(200);
    TestServer server(env, host, options);
    RawConn c(env);
    CO_AWAIT_OK(co_await c.connect(server.at()));
    CO_AWAIT_OK(co_await c.send(get("/hello")));
    auto r = co_await c.next();
    CO_ASSERT_OK(r);
    // Then silence (and a half-sent request): the server hangs up.
    CO_AWAIT_OK(co_await c.send("GET /hel"));
    auto closed = co_await rt::with_timeout(env.exec, rt::seconds(5), c.closed_by_server());
    CO_ASSERT_OK(closed);
    EXPECT_TRUE(*closed);
  });
}

TEST_P(HttpServer, ServeEndsWhenTheListenerCloses) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    TestServer server(env, host);
    RawConn c(env);
    CO_AWAIT_OK(co_await c.connect(server.at()));
    CO_AWAIT_OK(co_await c.send(get("/hello")));
    CO_AWAIT_OK(co_await c.next());
    server.listener().close();
    auto joined = co_await rt::with_timeout(
        env.exec, rt::seconds(5), [](rt::Scope& s) -> Task<void> { co_await s.join(); }(server.scope()));
    EXPECT_TRUE(joined.ok());
    // Its open connection went with it.
    EXPECT_TRUE(co_await c.closed_by_server());
  });
}

TEST_P(HttpServer, ClientReportsErrors) {
  const std::string host = fx().host();
  fx().run([&](Env& env) -> Task<void> {
    // Nothing listens: refused.
    Endpoint nowhere;
    {
      auto l = env.net.listen(Endpoint(host, 0));
      CO_ASSERT_OK(l);
      nowhere = Endpoint(host, (*l)->local().port);
    }
    auto refused = co_await request(env, nowhere, "GET", "/");
    EXPECT_FALSE(refused.ok());
    if (!refused.ok()) {
      EXPECT_EQ(refused.error(), Errc::kConnRefused);
    }

    // A listener that never answers: the exchange times out.
    auto l = env.net.listen(Endpoint(host, 0));
    CO_ASSERT_OK(l);
    auto silent = co_await request(env, Endpoint(host, (*l)->local().port), "GET", "/", "", Fields(),
                                   rt::milliseconds(300));
    EXPECT_FALSE(silent.ok());
    if (!silent.ok()) {
      EXPECT_EQ(silent.error(), Errc::kTimeout);
    }

    // A request that cannot be written.
    auto bad = co_await request(env, nowhere, "GET", "/a b");
    EXPECT_FALSE(bad.ok());
    if (!bad.ok()) {
      EXPECT_EQ(bad.error(), Errc::kInvalidArgument);
    }
  });
}

}  // namespace
}  // namespace codis::http
