// RDB file writing after rdbSaveRio, rdbSaveInfoAuxFields, rdbSaveDb and rdbSaveKeyValuePair of Redis 7.0.
#include "server/rdb/file_writer.h"

#include "server/rdb/byte_io.h"
#include "server/rdb/crc64.h"
#include "server/rdb/file_format.h"
#include "server/rdb/number.h"

namespace codis::server::rdb {
namespace {

EncodeOptions encode_options(const FileWriterOptions& o) {
  EncodeOptions e;
  e.compress = o.compress;
  e.list_max_listpack_size = o.list_max_listpack_size;
  e.packed_threshold = o.packed_threshold;
  return e;
}

void put_opcode(RdbOpcode op, std::string* out) {
  out->push_back(static_cast<char>(op));
}

}  // namespace

FileWriter::FileWriter(const FileWriterOptions& options)
    : options_(options), encoder_(encode_options(options)), strings_(options.compress) {}

void FileWriter::account(const std::string& out, size_t start) {
  const std::string_view added = std::string_view(out).substr(start);
  if (options_.checksum) crc_ = crc64(crc_, added);
  bytes_ += added.size();
}

void FileWriter::begin(const AuxInfo& a, std::string* out) {
  const size_t start = out->size();
  out->append(kRdbSignature);
  const std::string version = std::to_string(kRdbVersion);
  out->append(4 - version.size(), '0');
  out->append(version);
  account(*out, start);
  aux("redis-ver", a.redis_ver, out);
  aux("redis-bits", i64_to_string(a.redis_bits), out);
  aux("ctime", i64_to_string(a.ctime), out);
  aux("used-mem", std::to_string(a.used_mem), out);
  if (a.repl) {
    aux("repl-stream-db", i64_to_string(a.repl->stream_db), out);
    aux("repl-id", a.repl->id, out);
    aux("repl-offset", i64_to_string(a.repl->offset), out);
  }
  aux("aof-base", a.aof_base ? "1" : "0", out);
}

void FileWriter::aux(std::string_view field, std::string_view value, std::string* out) {
  const size_t start = out->size();
  put_opcode(RdbOpcode::kAux, out);
  strings_.append(field, out);
  strings_.append(value, out);
  account(*out, start);
}

void FileWriter::function(std::string_view code, std::string* out) {
  const size_t start = out->size();
  put_opcode(RdbOpcode::kFunction2, out);
  strings_.append(code, out);
  account(*out, start);
}

void FileWriter::select_db(uint64_t db, uint64_t keys, uint64_t expires, std::string* out) {
  const size_t start = out->size();
  put_opcode(RdbOpcode::kSelectDb, out);
  append_rdb_len(db, out);
  put_opcode(RdbOpcode::kResizeDb, out);
  append_rdb_len(keys, out);
  append_rdb_len(expires, out);
  account(*out, start);
}

void FileWriter::reselect_db(uint64_t db, std::string* out) {
  const size_t start = out->size();
  put_opcode(RdbOpcode::kSelectDb, out);
  append_rdb_len(db, out);
  account(*out, start);
}

DumpStatus FileWriter::key(std::string_view key, const DumpValue& value, RdbType type, const KeyMeta& meta,
                           std::string* out) {
  const size_t start = out->size();
  if (meta.expire_ms) {
    put_opcode(RdbOpcode::kExpireTimeMs, out);
    append_le(static_cast<uint64_t>(*meta.expire_ms), 8, out);
  }
  if (meta.lru_idle) {
    put_opcode(RdbOpcode::kIdle, out);
    append_rdb_len(*meta.lru_idle, out);
  }
  if (meta.lfu_freq) {
    put_opcode(RdbOpcode::kFreq, out);
    out->push_back(static_cast<char>(*meta.lfu_freq));
  }
  out->push_back(static_cast<char>(type));
  strings_.append(key, out);
  if (auto st = encoder_.encode_value(value, type, out); !st) {
    out->resize(start);
    return st;
  }
  account(*out, start);
  return {};
}

DumpStatus FileWriter::key(std::string_view key, const DumpValue& value, const KeyMeta& meta,
                           std::string* out) {
  return this->key(key, value, choose_rdb_type(value), meta, out);
}

void FileWriter::finish(std::string* out) {
  const size_t start = out->size();
  put_opcode(RdbOpcode::kEof, out);
  account(*out, start);
  // The checksum covers everything up to and including the EOF opcode, not itself.
  const size_t tail = out->size();
  append_le(options_.checksum ? crc_ : 0, 8, out);
  bytes_ += out->size() - tail;
}

}  // namespace codis::server::rdb
