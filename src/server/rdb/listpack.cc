// Listpack writing and validated reading. Entry encodings and the backlen thresholds (note 16383, not
// 16384, takes three bytes) follow listpack.c.
#include "server/rdb/listpack.h"

#include "server/rdb/number.h"

namespace codis::server::rdb {
namespace {

constexpr size_t kHeaderSize = 6;
constexpr uint8_t kEof = 0xff;
constexpr uint64_t kUnknownCount = 65535;

size_t backlen_size(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

// Encoding-header size (encoding byte plus length bytes) and whole encoded size (header plus data) of
// the entry starting with p[0]; header 0 for an invalid encoding. Needs up to 5 readable bytes for the
// 32-bit string length, which the caller checks with the header size first.
size_t header_size(uint8_t b) {
  if ((b & 0x80) == 0) return 1;     // 7-bit uint
  if ((b & 0xc0) == 0x80) return 1;  // 6-bit string
  if ((b & 0xe0) == 0xc0) return 1;  // 13-bit int
  if ((b & 0xf0) == 0xe0) return 2;  // 12-bit string
  switch (b) {
    case 0xf0:
      return 5;  // 32-bit string
    case 0xf1:
    case 0xf2:
    case 0xf3:
    case 0xf4:
      return 1;
    default:
      return 0;
  }
}

uint64_t encoded_size(const unsigned char* p) {
  const uint8_t b = p[0];
  if ((b & 0x80) == 0) return 1;
  if ((b & 0xc0) == 0x80) return 1 + (b & 0x3f);
  if ((b & 0xe0) == 0xc0) return 2;
  if ((b & 0xf0) == 0xe0) return 2 + ((uint64_t{b & 0x0fu} << 8) | p[1]);
  switch (b) {
    case 0xf0:
      return 5 + load_le(p + 1, 4);
    case 0xf1:
      return 3;
    case 0xf2:
      return 4;
    case 0xf3:
      return 5;
    default:
      return 9;  // 0xf4
  }
}

int64_t sign_extend(uint64_t v, int bits) {
  const int shift = 64 - bits;
  return static_cast<int64_t>(v << shift) >> shift;
}

// The element at p (already bounds-checked) as text.
void entry_text(const unsigned char* p, std::string* out) {
  const uint8_t b = p[0];
  out->clear();
  if ((b & 0x80) == 0) return append_i64(b, out);
  if ((b & 0xc0) == 0x80) {
    out->assign(reinterpret_cast<const char*>(p + 1), b & 0x3f);
    return;
  }
  if ((b & 0xe0) == 0xc0) return append_i64(sign_extend((uint64_t{b & 0x1fu} << 8) | p[1], 13), out);
  if ((b & 0xf0) == 0xe0) {
    out->assign(reinterpret_cast<const char*>(p + 2), (size_t{b & 0x0fu} << 8) | p[1]);
    return;
  }
  switch (b) {
    case 0xf0:
      out->assign(reinterpret_cast<const char*>(p + 5), load_le(p + 1, 4));
      return;
    case 0xf1:
      return append_i64(sign_extend(load_le(p + 1, 2), 16), out);
    case 0xf2:
      return append_i64(sign_extend(load_le(p + 1, 3), 24), out);
    case 0xf3:
      return append_i64(sign_extend(load_le(p + 1, 4), 32), out);
    default:
      return append_i64(static_cast<int64_t>(load_le(p + 1, 8)), out);
  }
}

}  // namespace

void ListpackBuilder::reset() {
  buf_.assign(kHeaderSize, '\0');
  count_ = 0;
}

void ListpackBuilder::append_backlen(uint64_t l) {
  const size_t n = backlen_size(l);
  // Most significant group first; every byte but the first carries the continuation bit, so the length
  // can be read backwards from the entry's last byte.
  for (size_t i = 0; i < n; ++i) {
    const unsigned shift = static_cast<unsigned>(7 * (n - 1 - i));
    auto byte = static_cast<uint8_t>((l >> shift) & 127);
    if (i > 0) byte |= 128;
    buf_.push_back(static_cast<char>(byte));
  }
}

void ListpackBuilder::append_int(int64_t v) {
  const size_t start = buf_.size();
  if (v >= 0 && v <= 127) {
    buf_.push_back(static_cast<char>(v));
  } else if (v >= -4096 && v <= 4095) {
    const auto u = static_cast<uint64_t>(v < 0 ? v + 8192 : v);
    buf_.push_back(static_cast<char>(0xc0 | (u >> 8)));
    buf_.push_back(static_cast<char>(u & 0xff));
  } else if (v >= -32768 && v <= 32767) {
    buf_.push_back(static_cast<char>(0xf1));
    append_le(static_cast<uint64_t>(v), 2, &buf_);
  } else if (v >= -8388608 && v <= 8388607) {
    buf_.push_back(static_cast<char>(0xf2));
    append_le(static_cast<uint64_t>(v), 3, &buf_);
  } else if (v >= -2147483648LL && v <= 2147483647LL) {
    buf_.push_back(static_cast<char>(0xf3));
    append_le(static_cast<uint64_t>(v), 4, &buf_);
  } else {
    buf_.push_back(static_cast<char>(0xf4));
    append_le(static_cast<uint64_t>(v), 8, &buf_);
  }
  append_backlen(buf_.size() - start);
  ++count_;
}

void ListpackBuilder::append(std::string_view s) {
  int64_t v = 0;
  if (parse_canonical_i64(s, &v)) return append_int(v);
  const size_t start = buf_.size();
  const uint64_t n = s.size();
  if (n < 64) {
    buf_.push_back(static_cast<char>(0x80 | n));
  } else if (n < 4096) {
    buf_.push_back(static_cast<char>(0xe0 | (n >> 8)));
    buf_.push_back(static_cast<char>(n & 0xff));
  } else {
    buf_.push_back(static_cast<char>(0xf0));
    append_le(n, 4, &buf_);
  }
  buf_.append(s);
  append_backlen(buf_.size() - start);
  ++count_;
}

bool ListpackBuilder::finish(std::string* out) {
  const uint64_t total = bytes();
  if (total > 0xffffffffULL) {
    reset();
    return false;
  }
  const size_t at = out->size();
  out->append(buf_);
  out->push_back(static_cast<char>(kEof));
  std::string header;
  append_le(total, 4, &header);
  append_le(count_ < kUnknownCount ? count_ : kUnknownCount, 2, &header);
  out->replace(at, kHeaderSize, header);
  reset();
  return true;
}

DumpStatus decode_listpack(std::string_view lp_view, Budget& budget, std::vector<std::string>* out) {
  const auto* lp = reinterpret_cast<const unsigned char*>(lp_view.data());
  const size_t size = lp_view.size();
  if (size < kHeaderSize + 1) return bad_format("listpack shorter than its header");
  if (load_le(lp, 4) != size) return bad_format("listpack size mismatch");
  if (lp[size - 1] != kEof) return bad_format("listpack without terminator");
  const uint64_t header_count = load_le(lp + 4, 2);
  const size_t last = size - 1;  // index of the terminator
  uint64_t count = 0;
  size_t p = kHeaderSize;
  std::string text;
  while (p != last) {
    const size_t hdr = header_size(lp[p]);
    if (hdr == 0) return bad_format("listpack entry with an unknown encoding");
    if (hdr > last - p) return bad_format("listpack entry header past the end");
    const uint64_t enc = encoded_size(lp + p);
    const uint64_t blen = backlen_size(enc);
    if (enc > last - p || blen > last - p - enc) return bad_format("listpack entry past the end");
    // Read the backward length from the entry's last byte, as lpDecodeBacklen does.
    const size_t end = p + static_cast<size_t>(enc + blen);
    uint64_t back = 0;
    unsigned shift = 0;
    size_t q = end - 1;
    for (;;) {
      back |= uint64_t{lp[q] & 127u} << shift;
      if ((lp[q] & 128) == 0) break;
      shift += 7;
      if (shift > 28 || q == 0) return bad_format("listpack backlen too long");
      --q;
    }
    if (back != enc) return bad_format("listpack backlen mismatch");
    if (!budget.charge(enc)) return bad_format("value exceeds the decode budget");
    entry_text(lp + p, &text);
    out->push_back(text);
    ++count;
    p = end;
  }
  if (header_count != kUnknownCount && header_count != count) return bad_format("listpack count mismatch");
  return {};
}

}  // namespace codis::server::rdb
