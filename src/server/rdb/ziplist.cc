// Ziplist writing and validated reading, after ziplist.c's zipStoreEntryEncoding, zipTryEncoding and
// zipEntrySafe.
#include "server/rdb/ziplist.h"

#include "server/rdb/number.h"

namespace codis::server::rdb {
namespace {

constexpr size_t kHeaderSize = 10;
constexpr uint8_t kEnd = 0xff;
constexpr uint8_t kBigPrevlen = 254;
constexpr uint8_t kInt16 = 0xc0;
constexpr uint8_t kInt32 = 0xd0;
constexpr uint8_t kInt64 = 0xe0;
constexpr uint8_t kInt24 = 0xf0;
constexpr uint8_t kInt8 = 0xfe;
constexpr uint8_t kImmMin = 0xf1;
constexpr uint8_t kImmMax = 0xfd;

// Bytes of the encoding field for encoding byte e (strings are classified by their top two bits), or 0.
size_t encoding_size(uint8_t e) {
  if (e < 0xc0) {
    switch (e & 0xc0) {
      case 0x00:
        return 1;
      case 0x40:
        return 2;
      default:
        return 5;  // 0x80; the low six bits are ignored, as ZIP_ENTRY_ENCODING masks them
    }
  }
  if (e == kInt16 || e == kInt32 || e == kInt64 || e == kInt24 || e == kInt8) return 1;
  if (e >= kImmMin && e <= kImmMax) return 1;
  return 0;
}

int int_width(uint8_t e) {
  switch (e) {
    case kInt8:
      return 1;
    case kInt16:
      return 2;
    case kInt24:
      return 3;
    case kInt32:
      return 4;
    case kInt64:
      return 8;
    default:
      return 0;  // immediate
  }
}

}  // namespace

void ZiplistBuilder::reset() {
  buf_.assign(kHeaderSize, '\0');
  count_ = 0;
  prev_len_ = 0;
  tail_ = kHeaderSize;
}

void ZiplistBuilder::append(std::string_view s) {
  const size_t start = buf_.size();
  if (prev_len_ < kBigPrevlen) {
    buf_.push_back(static_cast<char>(prev_len_));
  } else {
    buf_.push_back(static_cast<char>(kBigPrevlen));
    append_le(prev_len_, 4, &buf_);
  }
  int64_t v = 0;
  if (s.size() < 32 && parse_canonical_i64(s, &v)) {
    if (v >= 0 && v <= 12) {
      buf_.push_back(static_cast<char>(kImmMin + v));
    } else if (v >= -128 && v <= 127) {
      buf_.push_back(static_cast<char>(kInt8));
      append_le(static_cast<uint64_t>(v), 1, &buf_);
    } else if (v >= -32768 && v <= 32767) {
      buf_.push_back(static_cast<char>(kInt16));
      append_le(static_cast<uint64_t>(v), 2, &buf_);
    } else if (v >= -8388608 && v <= 8388607) {
      buf_.push_back(static_cast<char>(kInt24));
      append_le(static_cast<uint64_t>(v), 3, &buf_);
    } else if (v >= -2147483648LL && v <= 2147483647LL) {
      buf_.push_back(static_cast<char>(kInt32));
      append_le(static_cast<uint64_t>(v), 4, &buf_);
    } else {
      buf_.push_back(static_cast<char>(kInt64));
      append_le(static_cast<uint64_t>(v), 8, &buf_);
    }
  } else {
    const uint64_t n = s.size();
    if (n <= 0x3f) {
      buf_.push_back(static_cast<char>(n));
    } else if (n <= 0x3fff) {
      buf_.push_back(static_cast<char>(0x40 | (n >> 8)));
      buf_.push_back(static_cast<char>(n & 0xff));
    } else {
      buf_.push_back(static_cast<char>(0x80));
      append_be(n, 4, &buf_);
    }
    buf_.append(s);
  }
  tail_ = start;
  prev_len_ = buf_.size() - start;
  ++count_;
}

bool ZiplistBuilder::finish(std::string* out) {
  const uint64_t total = bytes();
  if (total > 0xffffffffULL) {
    reset();
    return false;
  }
  std::string header;
  append_le(total, 4, &header);
  append_le(tail_, 4, &header);
  append_le(count_ < 65535 ? count_ : 65535, 2, &header);
  out->append(header);
  out->append(buf_, kHeaderSize);
  out->push_back(static_cast<char>(kEnd));
  reset();
  return true;
}

DumpStatus decode_ziplist(std::string_view zl_view, Budget& budget, std::vector<std::string>* out) {
  const auto* zl = reinterpret_cast<const unsigned char*>(zl_view.data());
  const size_t size = zl_view.size();
  if (size < kHeaderSize + 1) return bad_format("ziplist shorter than its header");
  if (load_le(zl, 4) != size) return bad_format("ziplist size mismatch");
  if (zl[size - 1] != kEnd) return bad_format("ziplist without terminator");
  const uint64_t tail = load_le(zl + 4, 4);
  if (tail > size - 1) return bad_format("ziplist tail offset past the end");
  const uint64_t header_count = load_le(zl + 8, 2);
  const size_t last = size - 1;
  size_t p = kHeaderSize;
  size_t prev = 0;
  bool have_prev = false;
  uint64_t prev_raw = 0;
  uint64_t count = 0;
  while (zl[p] != kEnd) {
    const size_t prevlen_size = zl[p] < kBigPrevlen ? 1 : 5;
    if (prevlen_size >= last - p) return bad_format("ziplist entry header past the end");
    const uint8_t e = zl[p + prevlen_size];
    const size_t enc_size = encoding_size(e);
    if (enc_size == 0) return bad_format("ziplist entry with an unknown encoding");
    if (enc_size > last - p - prevlen_size) return bad_format("ziplist entry header past the end");
    const uint64_t prevlen = prevlen_size == 1 ? zl[p] : load_le(zl + p + 1, 4);
    const unsigned char* enc = zl + p + prevlen_size;
    uint64_t len = 0;
    if (e < 0xc0) {
      if (enc_size == 1) len = e & 0x3f;
      if (enc_size == 2) len = (uint64_t{e & 0x3fu} << 8) | enc[1];
      if (enc_size == 5) len = load_be(enc + 1, 4);
    } else {
      len = static_cast<uint64_t>(int_width(e));
    }
    const uint64_t header = prevlen_size + enc_size;
    if (len > last - p - header) return bad_format("ziplist entry past the end");
    if (prevlen != prev_raw) return bad_format("ziplist prevlen mismatch");
    if (!budget.charge(len)) return bad_format("value exceeds the decode budget");
    const unsigned char* data = enc + enc_size;
    if (e < 0xc0) {
      out->emplace_back(reinterpret_cast<const char*>(data), len);
    } else if (e >= kImmMin && e <= kImmMax) {
      out->push_back(i64_to_string((e & 0x0f) - 1));
    } else {
      const int width = int_width(e);
      const int shift = 64 - 8 * width;
      out->push_back(i64_to_string(static_cast<int64_t>(load_le(data, width) << shift) >> shift));
    }
    prev = p;
    have_prev = true;
    prev_raw = header + len;
    p += static_cast<size_t>(prev_raw);
    ++count;
  }
  if (p != last) return bad_format("ziplist terminator before the end");
  if (!have_prev || prev != tail) return bad_format("ziplist tail offset mismatch");
  if (header_count != 65535 && header_count != count) return bad_format("ziplist count mismatch");
  return {};
}

}  // namespace codis::server::rdb
