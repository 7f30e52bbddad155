// RDB file writing: the bytes redis-server 7.0's SAVE produces (rdbSaveRio), one piece at a time, so a
// snapshot can be streamed to disk without holding the file in memory. Every call appends to a buffer the
// caller owns and may drain (write out and clear) between calls; the writer keeps the running CRC-64
// itself, so draining never loses checksum state.
//
// Call order, as Redis writes a file: begin (header and aux fields), optionally function, then per
// non-empty db select_db followed by its keys, then finish (EOF opcode and checksum). Objects are encoded
// by DumpEncoder, so a key's bytes equal what DUMP gives for it, minus the DUMP footer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/rdb/encoder.h"
#include "server/rdb/error.h"
#include "server/rdb/rdb_string.h"
#include "server/rdb/types.h"

namespace codis::server::rdb {

struct FileWriterOptions {
  // rdbcompression: LZF for strings over 20 bytes, as in DUMP.
  bool compress = true;
  // rdbchecksum: when off the file ends with eight zero bytes, which loaders take as "not checked".
  bool checksum = true;
  // How lists are cut into quicklist nodes (see EncodeOptions).
  int list_max_listpack_size = -2;
  uint64_t packed_threshold = uint64_t{1} << 30;
};

// The aux fields Redis 7.0 writes after the header (rdbSaveInfoAuxFields), in its order. Integers are
// written as Redis writes them: as decimal strings, which the string encoding stores as int8/16/32.
struct AuxInfo {
  std::string redis_ver = "7.0.15";
  int redis_bits = 64;
  int64_t ctime = 0;      // unix seconds when the save began (the caller reads the seam's wall clock)
  uint64_t used_mem = 0;  // bytes
  // Replication fields: Redis writes them only when it has replication info to save (a replica or a
  // master with replicas), between used-mem and aof-base.
  struct Repl {
    int64_t stream_db = 0;
    std::string id;  // 40 hex characters
    int64_t offset = 0;
  };
  std::optional<Repl> repl;
  // 1 when the file is the preamble of an AOF.
  bool aof_base = false;
};

// What precedes a key in the file: its expiry and, under an LRU or LFU maxmemory-policy, its access info
// (Redis writes one of the two, never both).
struct KeyMeta {
  std::optional<int64_t> expire_ms;  // absolute unix milliseconds
  std::optional<uint64_t> lru_idle;  // seconds since last access (IDLE opcode)
  std::optional<uint8_t> lfu_freq;   // the LFU counter (FREQ opcode)
};

class FileWriter {
 public:
  explicit FileWriter(const FileWriterOptions& options = {});

  // "REDIS0010" and the aux fields.
  void begin(const AuxInfo& aux, std::string* out);
  // One more aux field (AUX opcode, two strings).
  void aux(std::string_view field, std::string_view value, std::string* out);
  // A function library (FUNCTION2 opcode and its source code), as Redis writes them before the dbs.
  void function(std::string_view code, std::string* out);
  // SELECTDB and RESIZEDB: the keys written next belong to `db`, which holds `keys` keys of which
  // `expires` have an expiry. Redis writes nothing for an empty db.
  void select_db(uint64_t db, uint64_t keys, uint64_t expires, std::string* out);
  // SELECTDB alone: back to `db` after keys of another db (a snapshot saving a key out of its walk's
  // order). Redis loads any sequence of SELECTDB, and RESIZEDB is only a sizing hint.
  void reselect_db(uint64_t db, std::string* out);
  // One key: expiry, IDLE/FREQ, type byte, key, value. kInvalidValue (and *out unchanged) when the
  // value cannot be written in `type`.
  DumpStatus key(std::string_view key, const DumpValue& value, RdbType type, const KeyMeta& meta,
                 std::string* out);
  // The same in the encoding Redis 7.0 would give the value (choose_rdb_type with default limits).
  DumpStatus key(std::string_view key, const DumpValue& value, const KeyMeta& meta, std::string* out);
  // The EOF opcode and the checksum (zero when checksums are off). Nothing may follow.
  void finish(std::string* out);

  // Everything appended so far, drained or not.
  uint64_t bytes_written() const { return bytes_; }
  // The CRC-64 of everything appended so far.
  uint64_t crc() const { return crc_; }

 private:
  // Folds what was appended to *out since `start` into the checksum and the byte count.
  void account(const std::string& out, size_t start);

  FileWriterOptions options_;
  DumpEncoder encoder_;
  StringWriter strings_;
  uint64_t crc_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace codis::server::rdb
