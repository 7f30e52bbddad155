#include "rt/net.h"

#include <charconv>

namespace codis::rt {

std::string Endpoint::to_string() const {
  return host + ":" + std::to_string(port);
}

Result<Endpoint> Endpoint::parse(std::string_view s) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) {
    return Errc::kInvalidArgument;
  }
  unsigned port = 0;
  auto ps = s.substr(colon + 1);
  auto [p, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
  if (ec != std::errc() || p != ps.data() + ps.size() || port > 65535) {
    return Errc::kInvalidArgument;
  }
  return Endpoint{std::string(s.substr(0, colon)), static_cast<uint16_t>(port)};
}

}  // namespace codis::rt
