// A value's DUMP payload, shared by DUMP and DEBUG OBJECT (whose serializedlength is the payload's object
// bytes, Redis's rdbSavedObjectLen).
#pragma once

#include <string>
#include <string_view>

#include "server/context.h"
#include "server/object.h"
#include "server/rdb/error.h"
#include "server/rdb/object_frame.h"
#include "server/rdb/types.h"

namespace codis::server {

// Appends the Redis 7.0 DUMP payload of `o` (type byte, object, RDB version, CRC-64) to *payload, in the
// encoding the value has (a sorted set's listpack or skip list) or the one Redis would give it. Strings are
// LZF-compressed as DUMP does unless `compress` is false (a migration: on a LAN compressing costs more than
// the bytes it saves).
rdb::DumpStatus dump_payload(const Object& o, std::string* payload, bool compress = true);

// Decodes a DUMP payload into the value RESTORE would store (encodings settled as loading settles them);
// "" on success, else the error reply (without '-').
std::string restore_value(CommandContext& ctx, std::string_view payload, Object* out);

// The conversions DUMP, RESTORE and RDB files share. to_dump_value copies the value (a big one costs its
// size again while it is encoded); dump_type is the encoding Redis would write it in (a sorted set keeps
// its own); load_value stores a decoded value as Redis's rdbLoadObject does (encodings settled per the
// config's limits), false when the decoded value has no server type.
bool to_dump_value(const Object& o, rdb::DumpValue* out);
rdb::RdbType dump_type(const Object& o, const rdb::DumpValue& v);
bool load_value(rdb::DecodedObject d, const Config& c, Object* out);

// The footer after a DUMP payload's object: the RDB version (2 bytes) and the CRC-64 (8 bytes).
inline constexpr size_t kDumpFooterBytes = 10;

}  // namespace codis::server
