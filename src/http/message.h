// HTTP messages as our own small structs (no Beast types), shared by the server, its handlers and the client:
// a Request with its target split into a decoded path and query parameters, and a Response.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace codis::http {

// Header fields or query parameters in arrival order; names may repeat.
using Fields = std::vector<std::pair<std::string, std::string>>;

// ASCII case-insensitive comparison (header names, methods are compared exactly).
bool iequals(std::string_view a, std::string_view b);
// The first header called `name` (case-insensitive), if any.
std::optional<std::string_view> find_header(const Fields& headers, std::string_view name);

struct Request {
  std::string method;  // as sent: methods are case-sensitive ("GET")
  std::string target;  // the raw request target, "/a%20b?x=1"
  std::string path;    // the target's path, percent-decoded: "/a b"
  Fields query;        // the target's query parameters, decoded ('+' is a space): {{"x", "1"}}
  Fields path_params;  // what a route's ":name" segments matched (router.h)
  Fields headers;
  std::string body;  // chunked bodies arrive de-chunked
  int version = 11;  // 10 or 11

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
  // The first query parameter called `name` (case-sensitive).
  std::optional<std::string_view> param(std::string_view name) const;
  // The value a ":name" route segment matched.
  std::optional<std::string_view> path_param(std::string_view name) const;
};

struct Response {
  int status = 200;                                        // 200..599; anything else is answered as 500
  std::string content_type = "text/plain; charset=utf-8";  // empty: no Content-Type field
  std::string body;
  // Extra header fields. The server sets Content-Length and Connection itself and drops those given here,
  // except that "Connection: close" closes the connection after this response.
  Fields headers;

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }

  static Response text(int status, std::string body);
  static Response json(int status, std::string body);
};

// Splits a request target into its decoded path and query parameters. An absolute-form target
// ("http://host/p?q") yields its path; "*" and authority-form targets yield themselves as the path.
void split_target(std::string_view target, std::string& path, Fields& query);

// Percent-decodes s ("%41" -> "A"); with plus_is_space, '+' decodes to ' ' (query strings). A '%' not
// followed by two hex digits stays as it is.
std::string percent_decode(std::string_view s, bool plus_is_space);

// The reason phrase of a status code ("Not Found"), "Unknown" for codes without one.
std::string_view reason_phrase(int status);

}  // namespace codis::http
