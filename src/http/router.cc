#include "http/router.h"

#include <algorithm>
#include <utility>

namespace codis::http {

namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}; a path not starting with '/' ("*") -> no segments (matches nothing).
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  size_t start = 1;
  for (;;) {
    const size_t slash = path.find('/', start);
    out.push_back(
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

}  // namespace

void Router::add(std::string method, std::string_view pattern, Handler handler) {
  Route r;
  r.method = std::move(method);
  for (std::string_view s : split_path(pattern)) r.segments.emplace_back(s);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

bool Router::match(const Route& r, const std::vector<std::string_view>& segments, Fields* params) {
  if (r.segments.size() != segments.size() || segments.empty()) return false;
  Fields found;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = r.segments[i];
    if (want.size() > 1 && want[0] == ':') {
      if (segments[i].empty()) return false;
      found.emplace_back(want.substr(1), std::string(segments[i]));
    } else if (want != segments[i]) {
      return false;
    }
  }
  if (params != nullptr) *params = std::move(found);
  return true;
}

const Router::Route* Router::find(std::string_view method, const std::vector<std::string_view>& segments,
                                  Fields* params) const {
  for (const Route& r : routes_) {
    if (r.method == method && match(r, segments, params)) return &r;
  }
  return nullptr;
}

Response Router::dispatch(Request& req) const {
  const std::vector<std::string_view> segments = split_path(req.path);
  const Route* route = find(req.method, segments, &req.path_params);
  if (route == nullptr && req.method == "HEAD") route = find("GET", segments, &req.path_params);
  if (route != nullptr) return route->handler(req);

  std::vector<std::string_view> allowed;
  for (const Route& r : routes_) {
    if (match(r, segments, nullptr) && std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) {
      allowed.push_back(r.method);
    }
  }
  if (allowed.empty()) return Response::text(404, "not found\n");
  if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end() &&
      std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end()) {
    allowed.push_back("HEAD");
  }
  std::string allow;
  for (std::string_view m : allowed) {
    if (!allow.empty()) allow += ", ";
    allow += m;
  }
  Response r = Response::text(405, "method not allowed\n");
  r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

}  // namespace codis::http
