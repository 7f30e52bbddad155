// Helpers for the RDB file tests: a file built from a list of keys, and a whole file read back through
// FileReader in pieces of chosen sizes.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "server/rdb/file_reader.h"
#include "server/rdb/file_writer.h"

namespace codis::server::rdb::testing {

struct FileKey {
  uint64_t db = 0;
  std::string key;
  DumpValue value;
  RdbType type = RdbType::kString;
  KeyMeta meta;
};

// Keys grouped by db in the order given; each db's RESIZEDB counts are computed.
inline std::string write_file(const std::vector<FileKey>& keys, const FileWriterOptions& options = {},
                              const AuxInfo& aux = {}) {
  FileWriter w(options);
  std::string out;
  w.begin(aux, &out);
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    uint64_t expires = 0;
    while (j < keys.size() && keys[j].db == keys[i].db) expires += keys[j++].meta.expire_ms.has_value();
    w.select_db(keys[i].db, j - i, expires, &out);
    for (; i < j; ++i) {
      if (!w.key(keys[i].key, keys[i].value, keys[i].type, keys[i].meta, &out).ok()) return {};
    }
  }
  w.finish(&out);
  return out;
}

struct ReadResult {
  std::vector<AuxField> aux;
  std::vector<ResizeDbHint> resize;
  std::vector<FunctionLibrary> functions;
  std::vector<KeyRecord> keys;
  EndOfFile end;
  std::optional<FileError> error;
  size_t peak_buffered = 0;
};

// Feeds `file` in pieces: piece i has sizes[i % sizes.size()] bytes (0 means all that is left).
inline ReadResult read_file(std::string_view file, const std::vector<size_t>& sizes = {0},
                            const FileReaderOptions& options = {}) {
  ReadResult out;
  FileReader r(options);
  size_t at = 0;
  size_t piece = 0;
  for (;;) {
    auto ev = r.next();
    if (!ev.ok()) {
      out.error = ev.error();
      break;
    }
    if (std::holds_alternative<NeedInput>(*ev)) {
      if (at == file.size()) {
        r.finish_input();
        continue;
      }
      size_t n = sizes[piece++ % sizes.size()];
      if (n == 0 || n > file.size() - at) n = file.size() - at;
      r.feed(file.substr(at, n));
      at += n;
    } else if (auto* a = std::get_if<AuxField>(&*ev)) {
      out.aux.push_back(*a);
    } else if (auto* h = std::get_if<ResizeDbHint>(&*ev)) {
      out.resize.push_back(*h);
    } else if (auto* f = std::get_if<FunctionLibrary>(&*ev)) {
      out.functions.push_back(*f);
    } else if (auto* k = std::get_if<KeyRecord>(&*ev)) {
      out.keys.push_back(std::move(*k));
    } else {
      out.end = std::get<EndOfFile>(*ev);
      break;
    }
  }
  out.peak_buffered = r.peak_buffered();
  return out;
}

}  // namespace codis::server::rdb::testing
