// codis-proxy's admin port (HTTP, JSON): status, the routing table, counters, Prometheus /metrics, and a
// new routing table (PUT) or a reload of the routing file (POST). Served by loop 0's Proxy.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "http/router.h"

namespace codis::proxy {

class Proxy;

struct AdminHooks {
  // Reads the routing file again and gives every loop the table: "" when done, else why not.
  std::function<std::string()> reload;
  // Gives every loop the routing table in `json` (the routing file's format): "" when done, else why not.
  std::function<std::string(std::string_view json)> set_table;
  // When not empty, PUT and POST need "Authorization: Bearer <token>".
  std::string token;
  size_t loops = 1;
};

// GET /api/v1/status, GET /api/v1/slots, PUT /api/v1/slots, POST /api/v1/reload, GET /metrics.
void add_admin_routes(http::Router& router, Proxy& proxy, AdminHooks hooks);

}  // namespace codis::proxy
