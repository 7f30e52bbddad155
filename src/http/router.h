// Router: maps (method, path pattern) to synchronous handlers and answers unknown paths (404) and known
// paths asked with a method they do not serve (405 with Allow) itself.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"

namespace codis::http {

using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  // pattern: "/a/b" matches that path exactly (after percent-decoding, so "%2F" counts as a '/'); a
  // ":name" segment matches any one non-empty segment and is passed as Request::path_params.
  // Routes are tried in the order added; the first match wins.
  void add(std::string method, std::string_view pattern, Handler handler);
  void get(std::string_view pattern, Handler h) { add("GET", pattern, std::move(h)); }
  void post(std::string_view pattern, Handler h) { add("POST", pattern, std::move(h)); }
  void put(std::string_view pattern, Handler h) { add("PUT", pattern, std::move(h)); }
  void del(std::string_view pattern, Handler h) { add("DELETE", pattern, std::move(h)); }

  // Runs the matching handler (setting req.path_params), or answers 404 / 405. A HEAD request without a
  // HEAD route runs the GET route (the server then sends the headers only).
  Response dispatch(Request& req) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  static bool match(const Route& r, const std::vector<std::string_view>& segments, Fields* params);
  const Route* find(std::string_view method, const std::vector<std::string_view>& segments,
                    Fields* params) const;

  std::vector<Route> routes_;
};

}  // namespace codis::http
