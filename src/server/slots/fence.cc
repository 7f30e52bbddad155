#include "server/slots/fence.h"

#include <string>
#include <string_view>
#include <vector>

namespace codis::server {

rt::Task<rt::Result<std::optional<resp::Value>>> kill_fences(rt::Env& env, Migrations& m, MigrationLink& link,
                                                             rt::Duration timeout) {
  const rt::Endpoint to = link.peer();
  if (env.exec.planted("mgrt-skip-fence")) {
    co_return std::optional<resp::Value>();  // the planted bug mgrt-skip-fence (codis-sim --bug)
  }
  for (const std::string& addr : m.fences(to)) {
    const std::vector<std::string_view> kill = {"CLIENT", "KILL", "ADDR", addr};
    auto r = co_await link.call(kill, timeout);
    if (!r.ok()) {
      co_return r.error();
    }
    if (r->kind != resp::Kind::kInteger) {
      co_return std::optional<resp::Value>(std::move(*r));
    }
    m.clear_fence(to, addr);
  }
  co_return std::optional<resp::Value>();
}

}  // namespace codis::server
