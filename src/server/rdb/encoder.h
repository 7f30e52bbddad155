// DUMP encoding: a DumpValue in a chosen RDB encoding to the bytes Redis 7.0's DUMP produces for the
// same value in the same encoding (rdbSaveObjectType + rdbSaveObject + footer).
//
// Orders Redis's own data structures impose are applied here: intset members ascending, listpack zsets
// ascending by (score, member), skiplist zsets descending. Orders that depend on history are taken as
// given: list order, hash field order (a listpack hash keeps insertion order), and the iteration order
// of hash-table sets and hashes (random in Redis). Lists are split into quicklist nodes as a list built
// by RPUSH of its elements is. Precondition: set members, hash fields and zset members are unique.
#pragma once

#include <string>

#include "server/rdb/error.h"
#include "server/rdb/listpack.h"
#include "server/rdb/rdb_string.h"
#include "server/rdb/types.h"
#include "server/rdb/ziplist.h"

namespace codis::server::rdb {

// The encoding Redis 7.0 gives a value created in one go under `limits`: quicklist2 for lists, intset
// for all-integer sets within set_max_intset_entries, listpack for small hashes and zsets.
RdbType choose_rdb_type(const DumpValue& value, const EncodingLimits& limits = {});

// Reusable encoder: keeps the LZF table and scratch buffers between values (one per connection or
// migration task; not shared between threads).
class DumpEncoder {
 public:
  explicit DumpEncoder(const EncodeOptions& options = {});

  // Appends the object (type byte and value) to *out. Every RdbType whose value type matches can be
  // written, the legacy ones included (for tests and older targets); streams and modules cannot.
  // kInvalidValue when the type does not fit the value or the value cannot be stored in it.
  DumpStatus encode_object(const DumpValue& value, RdbType type, std::string* out);

  // Appends only the value part of the object (no type byte): an RDB file puts the key between the two.
  DumpStatus encode_value(const DumpValue& value, RdbType type, std::string* out);

  // Appends a whole DUMP payload: the object, the RDB version (2 bytes LE) and the CRC-64 (8 bytes LE).
  DumpStatus encode_payload(const DumpValue& value, RdbType type, std::string* out);

 private:
  DumpStatus encode_list(const DumpValue& v, RdbType type, std::string* out);
  DumpStatus encode_set(const DumpValue& v, RdbType type, std::string* out);
  DumpStatus encode_zset(const DumpValue& v, RdbType type, std::string* out);
  DumpStatus encode_hash(const DumpValue& v, RdbType type, std::string* out);
  DumpStatus append_listpack(std::string* out);
  DumpStatus append_ziplist(std::string* out);

  EncodeOptions options_;
  StringWriter strings_;
  ListpackBuilder listpack_;
  ZiplistBuilder ziplist_;
  std::string blob_;
};

// One-off convenience: DumpEncoder(options).encode_payload(value, choose_rdb_type(value), ...).
DumpResult<std::string> make_dump_payload(const DumpValue& value, const EncodeOptions& options = {});

}  // namespace codis::server::rdb
