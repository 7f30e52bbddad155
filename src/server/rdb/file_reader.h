// RDB file loading, incrementally: the caller feeds bytes as it reads them (any piece sizes) and pulls
// events, so a file far larger than memory streams through while only the record being read is buffered.
// Accepts what redis-server 7.0 loads: RDB versions 1 to 10, every opcode (AUX, RESIZEDB, SELECTDB,
// EXPIRETIME_MS, EXPIRETIME, IDLE, FREQ, FUNCTION2, EOF) and every object encoding decode_value knows.
// Refuses, as errors naming the byte offset: a newer version, streams, module values and module aux data,
// pre-release functions, truncation, corruption of any kind and a checksum mismatch. Memory per record is
// capped by DecodeOptions::max_decoded_bytes.
//
//   FileReader r;
//   for (;;) {
//     auto ev = r.next();
//     if (!ev) fail(ev.error().describe());
//     if (std::holds_alternative<NeedInput>(*ev)) { read a piece; r.feed(piece) or r.finish_input(); }
//     else if (auto* k = std::get_if<KeyRecord>(&*ev)) { ... }
//     else if (std::holds_alternative<EndOfFile>(*ev)) break;
//   }
//
// What the reader leaves to its caller, as Redis does it in rdbLoad: dropping keys already expired,
// refusing duplicate keys, and what to do with function libraries and aux fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "server/rdb/file_error.h"
#include "server/rdb/object_frame.h"
#include "server/rdb/types.h"

namespace codis::server::rdb {

struct FileReaderOptions {
  // Caps every key, aux field and value (see DecodeOptions).
  DecodeOptions decode;
  // rdbchecksum on load: when false the stored checksum is read but not compared.
  bool verify_checksum = true;
  // `databases`: a SELECTDB of this or more is refused, as Redis refuses it.
  uint64_t databases = 16;
};

// More bytes are needed: feed() some, or finish_input() if there are none.
struct NeedInput {
  friend bool operator==(const NeedInput&, const NeedInput&) = default;
};
struct AuxField {
  std::string field;
  std::string value;
};
// RESIZEDB: how many keys (and keys with an expiry) the file says `db` holds; a sizing hint only.
struct ResizeDbHint {
  uint64_t db = 0;
  uint64_t keys = 0;
  uint64_t expires = 0;
};
// FUNCTION2: a function library's source code (the caller loads it or refuses it).
struct FunctionLibrary {
  std::string code;
};
struct KeyRecord {
  uint64_t db = 0;
  std::string key;
  DecodedObject object;
  std::optional<int64_t> expire_ms;  // absolute unix milliseconds (EXPIRETIME seconds are scaled)
  std::optional<uint64_t> lru_idle;  // seconds
  std::optional<uint8_t> lfu_freq;
};
struct EndOfFile {
  uint64_t size = 0;  // bytes of the RDB, checksum included; bytes fed after them are ignored
  int version = 0;
  // The stored checksum (0 for files before version 5 or saved with rdbchecksum no) and whether it was
  // compared with the computed one.
  uint64_t checksum = 0;
  bool checksum_verified = false;
};

using FileEvent = std::variant<NeedInput, AuxField, ResizeDbHint, FunctionLibrary, KeyRecord, EndOfFile>;

class FileReader {
 public:
  explicit FileReader(const FileReaderOptions& options = {});

  // Appends the next bytes of the file.
  void feed(std::string_view bytes);
  // Says no more bytes will come: a record still incomplete is then a truncation error.
  void finish_input();

  // The next event. After an error or EndOfFile, the same again.
  FileResult<FileEvent> next();

  // The RDB version from the header (0 before it is read).
  int version() const { return version_; }
  // Bytes consumed so far (the start of the record being read).
  uint64_t offset() const { return base_ + pos_; }
  // Keys stored as empty collections, skipped as Redis 7.0 skips them.
  uint64_t empty_keys_skipped() const { return empty_skipped_; }
  // The largest number of bytes buffered at once: the biggest record, plus one piece.
  size_t peak_buffered() const { return peak_; }

 private:
  enum class Stage : uint8_t { kHeader, kRecords, kKeyValue, kChecksum, kDone, kFailed };

  FileResult<FileEvent> step();
  FileResult<FileEvent> read_header();
  FileResult<FileEvent> read_opcode_record(uint8_t op);
  FileResult<FileEvent> read_key_value();
  FileResult<FileEvent> read_checksum();
  // After a record that yields no event (SELECTDB, EXPIRETIME...): tells next() to go on reading.
  FileResult<FileEvent> next_record();
  // Either NeedInput or, once the input has ended, the truncation error for the current record.
  FileResult<FileEvent> short_input(std::string_view what);
  FileError error(FileErrc code, uint64_t offset, std::string message);
  FileError corrupt(std::string_view what, std::string_view why);
  // Marks `n` more bytes of the buffer consumed, folding them into the checksum.
  void consume(size_t n);
  std::string_view pending() const { return std::string_view(buf_).substr(pos_); }

  FileReaderOptions options_;
  Stage stage_ = Stage::kHeader;
  std::string buf_;
  size_t pos_ = 0;     // start of the unconsumed bytes in buf_
  uint64_t base_ = 0;  // file offset of buf_[0]
  bool input_done_ = false;
  int version_ = 0;
  uint64_t crc_ = 0;
  uint64_t db_ = 0;
  uint64_t empty_skipped_ = 0;
  size_t peak_ = 0;
  // The key being read: its metadata from the opcodes before it, and how far its value is framed.
  KeyRecord next_key_;
  RdbType key_type_ = RdbType::kString;
  size_t value_at_ = 0;  // where the value starts in pending(); 0 until the key is framed
  ObjectFrame frame_;
  bool continue_ = false;
  std::optional<FileResult<FileEvent>> final_;
};

}  // namespace codis::server::rdb
