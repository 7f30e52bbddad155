// Renders one RESP reply compactly, the way the transcripts in data/ spell replies:
//   +OK   -ERR text   :42   'bulk'   (nil)   (nilarr)   (null)   [a, b]   (maps and sets as arrays)
// Bulk strings are quoted like Python's repr with single quotes (\x00, \n, \\ escaped), so a transcript
// captured from redis-server with tests/server/tools/rc.py compares byte for byte.
#pragma once

#include <string>
#include <string_view>

#include "resp/value.h"

namespace codis::server::testing {

std::string render(const resp::Value& v);

// Parses every complete reply in `bytes` and renders them joined by "\n"; "<bad RESP>" on a parse error,
// "<incomplete>" when bytes end mid-reply.
std::string render_all(std::string_view bytes);

}  // namespace codis::server::testing
