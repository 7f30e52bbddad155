// A value's DUMP payload, shared by DUMP and DEBUG OBJECT (whose serializedlength is the payload's object
// bytes, Redis's rdbSavedObjectLen).
#pragma once

#include <string>
#include <string_view>

#include "server/context.h"
#include "server/object.h"
#include "server/rdb/error.h"

namespace codis::server {

// Appends the Redis 7.0 DUMP payload of `o` (type byte, object, RDB version, CRC-64) to *payload, in the
// encoding the value has (a sorted set's listpack or skip list) or the one Redis would give it. Strings are
// LZF-compressed as DUMP does unless `compress` is false (a migration: on a LAN compressing costs more than
// the bytes it saves).
rdb::DumpStatus dump_payload(const Object& o, std::string* payload, bool compress = true);

// Decodes a DUMP payload into the value RESTORE would store (encodings settled as loading settles them);
// "" on success, else the error reply (without '-').
std::string restore_value(CommandContext& ctx, std::string_view payload, Object* out);

// The footer after a DUMP payload's object: the RDB version (2 bytes) and the CRC-64 (8 bytes).
inline constexpr size_t kDumpFooterBytes = 10;

}  // namespace codis::server
