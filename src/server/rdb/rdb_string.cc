// RDB length and string encodings; the integer and LZF choices follow rdbSaveRawString so that our
// bytes equal Redis's.
#include "server/rdb/rdb_string.h"

#include "server/rdb/number.h"

namespace codis::server::rdb {
namespace {

constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;

// Reads the length-or-encoding prefix; *encoded tells which.
DumpStatus read_len_or_enc(Reader& in, uint64_t* len, bool* encoded) {
  uint8_t b = 0;
  if (!in.read_u8(&b)) return bad_format("truncated length");
  *encoded = false;
  switch (b >> 6) {
    case 0:
      *len = b & 0x3f;
      return {};
    case 1: {
      uint8_t lo = 0;
      if (!in.read_u8(&lo)) return bad_format("truncated length");
      *len = (uint64_t{b & 0x3fu} << 8) | lo;
      return {};
    }
    case 2:
      if (b == 0x80) {
        if (!in.read_be(4, len)) return bad_format("truncated length");
        return {};
      }
      if (b == 0x81) {
        if (!in.read_be(8, len)) return bad_format("truncated length");
        return {};
      }
      return bad_format("unknown length encoding");
    default:
      *encoded = true;
      *len = b & 0x3f;
      return {};
  }
}

}  // namespace

void append_rdb_len(uint64_t len, std::string* out) {
  if (len < (1u << 6)) {
    out->push_back(static_cast<char>(len));
  } else if (len < (1u << 14)) {
    out->push_back(static_cast<char>(0x40 | (len >> 8)));
    out->push_back(static_cast<char>(len & 0xff));
  } else if (len <= 0xffffffffULL) {
    out->push_back(static_cast<char>(0x80));
    append_be(len, 4, out);
  } else {
    out->push_back(static_cast<char>(0x81));
    append_be(len, 8, out);
  }
}

void StringWriter::append(std::string_view s, std::string* out) {
  int64_t v = 0;
  if (s.size() <= 11 && parse_canonical_i64(s, &v)) {
    if (v >= -128 && v <= 127) {
      out->push_back(static_cast<char>(0xc0 | kEncInt8));
      append_le(static_cast<uint64_t>(v), 1, out);
      return;
    }
    if (v >= -32768 && v <= 32767) {
      out->push_back(static_cast<char>(0xc0 | kEncInt16));
      append_le(static_cast<uint64_t>(v), 2, out);
      return;
    }
    if (v >= -2147483648LL && v <= 2147483647LL) {
      out->push_back(static_cast<char>(0xc0 | kEncInt32));
      append_le(static_cast<uint64_t>(v), 4, out);
      return;
    }
  }
  // "under 20 bytes it's unable to compress even aaaaaaaaaaaaaaaaaa", and compression must save 4 bytes.
  if (compress_ && s.size() > 20 && lzf_.compress(s, s.size() - 4, &scratch_)) {
    out->push_back(static_cast<char>(0xc0 | kEncLzf));
    append_rdb_len(scratch_.size(), out);
    append_rdb_len(s.size(), out);
    out->append(scratch_);
    return;
  }
  append_rdb_len(s.size(), out);
  out->append(s);
}

DumpStatus read_rdb_len(Reader& in, uint64_t* len) {
  bool encoded = false;
  if (auto st = read_len_or_enc(in, len, &encoded); !st) return st;
  if (encoded) return bad_format("string encoding where a length belongs");
  return {};
}

DumpStatus read_rdb_string(Reader& in, Budget& budget, std::string* out) {
  uint64_t len = 0;
  bool encoded = false;
  if (auto st = read_len_or_enc(in, &len, &encoded); !st) return st;
  if (!encoded) {
    if (len > in.remaining()) return bad_format("string longer than the payload");
    if (!budget.charge(len)) return bad_format("value exceeds the decode budget");
    std::string_view bytes;
    in.read(len, &bytes);
    out->assign(bytes);
    return {};
  }
  if (len == kEncInt8 || len == kEncInt16 || len == kEncInt32) {
    const int width = len == kEncInt8 ? 1 : len == kEncInt16 ? 2 : 4;
    uint64_t raw = 0;
    if (!in.read_le(width, &raw)) return bad_format("truncated integer string");
    const int shift = 64 - 8 * width;
    const auto v = static_cast<int64_t>(raw << shift) >> shift;  // sign-extend
    if (!budget.charge(20)) return bad_format("value exceeds the decode budget");
    out->clear();
    append_i64(v, out);
    return {};
  }
  if (len != kEncLzf) return bad_format("unknown string encoding");
  uint64_t clen = 0;
  uint64_t ulen = 0;
  if (auto st = read_rdb_len(in, &clen); !st) return st;
  if (auto st = read_rdb_len(in, &ulen); !st) return st;
  if (clen == 0 || clen > in.remaining()) return bad_format("bad LZF compressed length");
  if (ulen == 0 || ulen > lzf_max_expansion(clen)) return bad_format("bad LZF uncompressed length");
  if (!budget.charge(ulen)) return bad_format("value exceeds the decode budget");
  std::string_view packed;
  in.read(clen, &packed);
  if (!lzf_decompress(packed, ulen, out)) return bad_format("invalid LZF compressed string");
  return {};
}

}  // namespace codis::server::rdb
