// RDB file loading after rdbLoadRioWithLoadingCtx of Redis 7.0: the same opcodes, the same acceptance
// rules and, where Redis has them, the same messages. Each record is framed (object_frame.h) before it is
// decoded, so incomplete input is told from malformed input without buffering more than the record.
#include "server/rdb/file_reader.h"

#include <cinttypes>
#include <cstdio>

#include "server/rdb/byte_io.h"
#include "server/rdb/crc64.h"
#include "server/rdb/decoder.h"
#include "server/rdb/file_format.h"
#include "server/rdb/rdb_string.h"

namespace codis::server::rdb {
namespace {

// A key for a message: printable ASCII as is, other bytes as \xHH, at most 64 bytes of it.
std::string printable(std::string_view key) {
  std::string out;
  for (size_t i = 0; i < key.size() && i < 64; ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (key.size() > 64) out += "...";
  return out;
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%" PRIx64, v);
  return buf;
}

// Decodes the string that spans `bytes` (already framed).
DumpStatus decode_string(std::string_view bytes, uint64_t budget, std::string* out) {
  Reader in(bytes);
  Budget b(budget);
  return read_rdb_string(in, b, out);
}

}  // namespace

FileReader::FileReader(const FileReaderOptions& options) : options_(options) {}

void FileReader::feed(std::string_view bytes) {
  // Drop what is consumed once it is at least half the buffer: each byte is moved at most once more.
  if (pos_ > 0 && pos_ >= buf_.size() - pos_) {
    buf_.erase(0, pos_);
    base_ += pos_;
    pos_ = 0;
  }
  buf_.append(bytes);
  if (buf_.size() > peak_) peak_ = buf_.size();
}

void FileReader::finish_input() {
  input_done_ = true;
}

void FileReader::consume(size_t n) {
  crc_ = crc64(crc_, std::string_view(buf_).substr(pos_, n));
  pos_ += n;
}

FileError FileReader::error(FileErrc code, uint64_t offset, std::string message) {
  return FileError{code, offset, std::move(message)};
}

FileError FileReader::corrupt(std::string_view what, std::string_view why) {
  return error(FileErrc::kCorrupt, offset(), std::string(what) + ": " + std::string(why));
}

FileResult<FileEvent> FileReader::short_input(std::string_view what) {
  if (!input_done_) return FileEvent{NeedInput{}};
  return error(FileErrc::kTruncated, offset(),
               "Unexpected EOF reading RDB file: " + std::string(what) + " is cut off at byte " +
                   std::to_string(base_ + buf_.size()));
}

FileResult<FileEvent> FileReader::next() {
  if (final_) return *final_;
  for (;;) {
    FileResult<FileEvent> r = step();
    if (!r.ok()) {
      stage_ = Stage::kFailed;
      final_ = r;
      return r;
    }
    if (std::holds_alternative<EndOfFile>(*r)) {
      stage_ = Stage::kDone;
      final_ = r;
      return r;
    }
    // A record that only sets state for the next key (SELECTDB, EXPIRETIME...) yields no event.
    if (continue_) {
      continue_ = false;
      continue;
    }
    return r;
  }
}

FileResult<FileEvent> FileReader::step() {
  switch (stage_) {
    case Stage::kHeader:
      return read_header();
    case Stage::kRecords: {
      if (pending().empty()) return short_input("the record after the last one (no EOF opcode)");
      return read_opcode_record(static_cast<uint8_t>(pending()[0]));
    }
    case Stage::kKeyValue:
      return read_key_value();
    case Stage::kChecksum:
      return read_checksum();
    case Stage::kDone:
    case Stage::kFailed:
      break;
  }
  return error(FileErrc::kCorrupt, offset(), "reader used after it stopped");
}

FileResult<FileEvent> FileReader::read_header() {
  const std::string_view in = pending();
  const size_t have = in.size() < kRdbSignature.size() ? in.size() : kRdbSignature.size();
  if (in.substr(0, have) != kRdbSignature.substr(0, have)) {
    return error(FileErrc::kSignature, 0, "Wrong signature trying to load DB from file");
  }
  if (in.size() < kRdbHeaderSize) return short_input("the header");
  // Redis reads the version with atoi, so "001x" would be version 1; we want the four digits it writes.
  int version = 0;
  for (size_t i = kRdbSignature.size(); i < kRdbHeaderSize; ++i) {
    if (in[i] < '0' || in[i] > '9') {
      return error(FileErrc::kVersion, kRdbSignature.size(),
                   "Can't handle RDB format version '" + printable(in.substr(5, 4)) + "'");
    }
    version = version * 10 + (in[i] - '0');
  }
  if (version < 1 || version > kRdbVersion) {
    return error(FileErrc::kVersion, kRdbSignature.size(),
                 "Can't handle RDB format version " + std::to_string(version));
  }
  version_ = version;
  consume(kRdbHeaderSize);
  stage_ = Stage::kRecords;
  return next_record();
}

FileResult<FileEvent> FileReader::next_record() {
  continue_ = true;
  return FileEvent{NeedInput{}};
}

FileResult<FileEvent> FileReader::read_opcode_record(uint8_t op) {
  const uint64_t max = options_.decode.max_decoded_bytes;
  FrameCursor c{pending(), 1, {}};
  auto framed = [&](Scan s, std::string_view what) -> std::optional<FileResult<FileEvent>> {
    if (s == Scan::kShort) return short_input(what);
    if (s == Scan::kBad) return FileResult<FileEvent>(corrupt(what, c.bad));
    return std::nullopt;
  };
  switch (static_cast<RdbOpcode>(op)) {
    case RdbOpcode::kEof:
      consume(1);
      if (version_ >= kFirstChecksummedVersion) {
        stage_ = Stage::kChecksum;
        return next_record();
      }
      return FileEvent{EndOfFile{offset(), version_, 0, false}};
    case RdbOpcode::kSelectDb: {
      uint64_t db = 0;
      if (auto r = framed(c.len(&db), "SELECTDB")) return *r;
      if (db >= options_.databases) {
        return error(FileErrc::kTooManyDatabases, offset(),
                     "Data file was created with a Redis server configured to handle more than " +
                         std::to_string(options_.databases) + " databases (SELECTDB " + std::to_string(db) +
                         ")");
      }
      db_ = db;
      consume(c.pos);
      return next_record();
    }
    case RdbOpcode::kResizeDb: {
      ResizeDbHint hint{db_, 0, 0};
      if (auto r = framed(c.len(&hint.keys), "RESIZEDB")) return *r;
      if (auto r = framed(c.len(&hint.expires), "RESIZEDB")) return *r;
      consume(c.pos);
      return FileEvent{hint};
    }
    case RdbOpcode::kExpireTimeMs: {
      if (auto r = framed(c.fixed(8), "EXPIRETIME_MS")) return *r;
      next_key_.expire_ms =
          static_cast<int64_t>(load_le(reinterpret_cast<const unsigned char*>(&pending()[1]), 8));
      consume(c.pos);
      return next_record();
    }
    case RdbOpcode::kExpireTime: {
      if (auto r = framed(c.fixed(4), "EXPIRETIME")) return *r;
      const auto secs =
          static_cast<int32_t>(load_le(reinterpret_cast<const unsigned char*>(&pending()[1]), 4));
      next_key_.expire_ms = int64_t{secs} * 1000;
      consume(c.pos);
      return next_record();
    }
    case RdbOpcode::kIdle: {
      uint64_t idle = 0;
      if (auto r = framed(c.len(&idle), "IDLE")) return *r;
      next_key_.lru_idle = idle;
      consume(c.pos);
      return next_record();
    }
    case RdbOpcode::kFreq: {
      uint8_t freq = 0;
      if (auto r = framed(c.byte(&freq), "FREQ")) return *r;
      next_key_.lfu_freq = freq;
      consume(c.pos);
      return next_record();
    }
    case RdbOpcode::kAux: {
      if (auto r = framed(c.string(max), "an AUX field")) return *r;
      const size_t field_end = c.pos;
      if (auto r = framed(c.string(max), "an AUX field")) return *r;
      AuxField aux;
      const std::string_view in = pending();
      if (auto st = decode_string(in.substr(1, field_end - 1), max, &aux.field); !st) {
        return corrupt("AUX field name", st.error().detail);
      }
      if (auto st = decode_string(in.substr(field_end, c.pos - field_end), max, &aux.value); !st) {
        return corrupt("AUX field '" + printable(aux.field) + "'", st.error().detail);
      }
      consume(c.pos);
      return FileEvent{std::move(aux)};
    }
    case RdbOpcode::kFunction2: {
      if (auto r = framed(c.string(max), "a function library")) return *r;
      FunctionLibrary lib;
      if (auto st = decode_string(pending().substr(1, c.pos - 1), max, &lib.code); !st) {
        return corrupt("function library", st.error().detail);
      }
      consume(c.pos);
      return FileEvent{std::move(lib)};
    }
    case RdbOpcode::kFunctionPreGa:
      return error(FileErrc::kUnsupported, offset(), "Pre-release function format not supported.");
    case RdbOpcode::kModuleAux: {
      uint64_t id = 0;
      if (auto r = framed(c.len(&id), "MODULE_AUX")) return *r;
      char name[10];
      module_type_name(id, name);
      return error(FileErrc::kUnsupported, offset(),
                   std::string("The RDB file contains AUX module data I can't load: no matching module '") +
                       name + "'");
    }
  }
  const auto type = static_cast<RdbType>(op);
  ValueType vt{};
  const bool stream_or_module = type == RdbType::kModule || type == RdbType::kModule2 ||
                                type == RdbType::kStreamListpacks || type == RdbType::kStreamListpacks2;
  if (!value_type_of(type, &vt) && !stream_or_module) {
    return corrupt("record", "Unknown RDB encoding type " + std::to_string(op));
  }
  key_type_ = type;
  value_at_ = 0;
  stage_ = Stage::kKeyValue;
  return read_key_value();
}

FileResult<FileEvent> FileReader::read_key_value() {
  const uint64_t max = options_.decode.max_decoded_bytes;
  const std::string type_name(rdb_type_name(static_cast<uint8_t>(key_type_)));
  if (value_at_ == 0) {
    FrameCursor c{pending(), 1, {}};
    if (Scan s = c.string(max); s != Scan::kDone) {
      if (s == Scan::kShort) return short_input("a key (type " + type_name + ")");
      return corrupt("key (type " + type_name + ")", c.bad);
    }
    value_at_ = c.pos;
    frame_.start(key_type_, value_at_, max);
  }
  const std::string_view in = pending();
  const bool module = key_type_ == RdbType::kModule || key_type_ == RdbType::kModule2;
  const bool stream = key_type_ == RdbType::kStreamListpacks || key_type_ == RdbType::kStreamListpacks2;
  // The key is decoded once its value is framed (or to name it in an error), not on every piece.
  std::string key;
  auto decode_key = [&]() -> DumpStatus { return decode_string(in.substr(1, value_at_ - 1), max, &key); };
  if (!module && !stream) {
    const Scan s = frame_.advance(in);
    if (s == Scan::kShort && !input_done_) return FileEvent{NeedInput{}};
    if (s != Scan::kDone) {
      (void)decode_key();
      const std::string what = "the value of key '" + printable(key) + "' (type " + type_name + ")";
      if (s == Scan::kShort) return short_input(what);
      return corrupt(what, frame_.bad());
    }
  }
  if (auto st = decode_key(); !st) return corrupt("key (type " + type_name + ")", st.error().detail);
  if (module) {
    FrameCursor c{in, value_at_, {}};
    uint64_t id = 0;
    if (Scan s = c.len(&id); s != Scan::kDone) {
      if (s == Scan::kShort) return short_input("key '" + printable(key) + "' (module type)");
      return corrupt("key '" + printable(key) + "' (module type)", c.bad);
    }
    char name[10];
    module_type_name(id, name);
    return error(FileErrc::kUnsupported, offset(),
                 "The RDB file contains module data I can't load: no matching module type '" +
                     std::string(name) + "' (key '" + printable(key) + "')");
  }
  if (stream) {
    return error(
        FileErrc::kUnsupported, offset(),
        "The RDB file contains a stream (key '" + printable(key) + "'), and streams are not supported");
  }
  KeyRecord rec = std::move(next_key_);
  next_key_ = KeyRecord{};
  stage_ = Stage::kRecords;
  const size_t end = frame_.end();
  if (frame_.empty()) {
    ++empty_skipped_;
    consume(end);
    return next_record();
  }
  auto obj = decode_value(key_type_, in.substr(value_at_, end - value_at_), options_.decode);
  if (!obj.ok()) {
    const FileErrc code =
        obj.error().code == DumpErrc::kUnsupported ? FileErrc::kUnsupported : FileErrc::kCorrupt;
    return error(
        code, offset() + value_at_,
        "bad " + type_name + " value of key '" + printable(key) + "': " + std::string(obj.error().detail));
  }
  rec.db = db_;
  rec.key = std::move(key);
  rec.object = std::move(*obj);
  consume(end);
  return FileEvent{std::move(rec)};
}

FileResult<FileEvent> FileReader::read_checksum() {
  if (pending().size() < 8) return short_input("the checksum");
  const uint64_t stored = load_le(reinterpret_cast<const unsigned char*>(pending().data()), 8);
  const uint64_t computed = crc_;
  const uint64_t at = offset();
  pos_ += 8;
  const bool verify = options_.verify_checksum && stored != 0;
  if (verify && stored != computed) {
    return error(FileErrc::kChecksum, at,
                 "Wrong RDB checksum expected: (" + hex64(computed) + ") but got (" + hex64(stored) + ")");
  }
  return FileEvent{EndOfFile{offset(), version_, stored, verify}};
}

}  // namespace codis::server::rdb
