// Redis's glob matching (stringmatchlen): * ? [abc] [^a-z] and \ escapes, optionally case-insensitive.
// Used by KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE and PUBSUB CHANNELS.
#pragma once

#include <string_view>

namespace codis::server {

bool glob_match(std::string_view pattern, std::string_view s, bool nocase = false);

}  // namespace codis::server
