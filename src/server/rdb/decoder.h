// RESTORE decoding: a DUMP payload, or one object inside it, back to a DumpValue. Accepts every type and
// encoding Redis 7.0 loads (including ziplists, zipmaps, RDB_TYPE_LIST/ZSET and quicklist v1 from older
// servers); refuses streams and module values (kUnsupported) and anything malformed (kBadFormat). Checks
// what Redis's deep sanitization (sanitize-dump-payload yes) checks, and more: a payload is decoded or
// refused, never trusted. Memory is capped by DecodeOptions::max_decoded_bytes and by the payload size.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/rdb/error.h"
#include "server/rdb/types.h"

namespace codis::server::rdb {

// verifyDumpPayload: at least 10 bytes, footer version <= kRdbVersion, CRC-64 of everything before the
// checksum equal to the last 8 bytes (LE). kVersionOrChecksum otherwise. *version gets the footer's.
DumpStatus verify_dump_footer(std::string_view payload, uint16_t* version = nullptr);

// Decodes one object (type byte and value) that must span `object` exactly: unlike Redis, bytes left
// over after the value are refused.
DumpResult<DecodedObject> decode_object(std::string_view object, const DecodeOptions& options = {});

// decode_object for a value whose type byte is not in front of it (an RDB file puts the key between the
// two): `value` must span the value exactly.
DumpResult<DecodedObject> decode_value(RdbType type, std::string_view value,
                                       const DecodeOptions& options = {});

// What RESTORE does: verify_dump_footer, then decode_object over the bytes before the footer.
DumpResult<DecodedObject> decode_dump_payload(std::string_view payload, const DecodeOptions& options = {});

}  // namespace codis::server::rdb
