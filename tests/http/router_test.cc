// Routes by method and path pattern; 404 and 405 with Allow; HEAD falls back to GET.
#include <gtest/gtest.h>

#include "http/router.h"

namespace codis::http {
namespace {

Request make(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  split_target(r.target, r.path, r.query);
  return r;
}

Router routes() {
  Router r;
  r.get("/", [](const Request&) { return Response::text(200, "root"); });
  r.get("/a/b", [](const Request&) { return Response::text(200, "get a/b"); });
  r.post("/a/b", [](const Request&) { return Response::text(200, "post a/b"); });
  r.get("/g/:gid/s/:sid", [](const Request& q) {
    return Response::text(200, std::string(*q.path_param("gid")) + "," + std::string(*q.path_param("sid")));
  });
  r.get("/g/new/s/1", [](const Request&) { return Response::text(200, "shadowed"); });
  r.add("HEAD", "/h", [](const Request&) { return Response::text(200, "head"); });
  r.get("/h", [](const Request&) { return Response::text(200, "get h"); });
  return r;
}

TEST(Router, MatchesMethodAndPath) {
  const Router r = routes();
  Request q = make("GET", "/");
  EXPECT_EQ(r.dispatch(q).body, "root");
  q = make("GET", "/a/b?x=1");
  EXPECT_EQ(r.dispatch(q).body, "get a/b");
  q = make("POST", "/a/b");
  EXPECT_EQ(r.dispatch(q).body, "post a/b");
  q = make("GET", "/a%2Fb");  // decoded before matching
  EXPECT_EQ(r.dispatch(q).body, "get a/b");
}

TEST(Router, CapturesSegmentsInOrderOfRoutes) {
  const Router r = routes();
  Request q = make("GET", "/g/7/s/x%20y");
  EXPECT_EQ(r.dispatch(q).body, "7,x y");
  ASSERT_EQ(q.path_params.size(), 2u);
  q = make("GET", "/g/new/s/1");  // the pattern added first wins
  EXPECT_EQ(r.dispatch(q).body, "new,1");
  q = make("GET", "/g//s/1");  // a parameter never matches an empty segment
  EXPECT_EQ(r.dispatch(q).status, 404);
}

TEST(Router, UnknownPathIs404) {
  const Router r = routes();
  for (const char* t : {"/a", "/a/b/", "/a/b/c", "//", "*", "/A/B"}) {
    Request q = make("GET", t);
    EXPECT_EQ(r.dispatch(q).status, 404) << t;
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  const Router r = routes();
  Request q = make("DELETE", "/a/b");
  Response resp = r.dispatch(q);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(resp.header("Allow").value_or(""), "GET, POST, HEAD");
  q = make("get", "/");  // methods are case-sensitive
  resp = r.dispatch(q);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(resp.header("Allow").value_or(""), "GET, HEAD");
  q = make("POST", "/h");
  EXPECT_EQ(r.dispatch(q).header("Allow").value_or(""), "HEAD, GET");
}

TEST(Router, HeadRunsGetUnlessItHasItsOwnRoute) {
  const Router r = routes();
  Request q = make("HEAD", "/a/b");
  EXPECT_EQ(r.dispatch(q).body, "get a/b");
  q = make("HEAD", "/h");
  EXPECT_EQ(r.dispatch(q).body, "head");
}

}  // namespace
}  // namespace codis::http
