// Framing of RDB lengths, strings and values; the encodings are those rdb_string.cc and decoder.cc read.
#include "server/rdb/object_frame.h"

#include "server/rdb/byte_io.h"

namespace codis::server::rdb {

Scan FrameCursor::byte(uint8_t* out) {
  if (pos >= in.size()) return Scan::kShort;
  *out = static_cast<uint8_t>(in[pos++]);
  return Scan::kDone;
}

Scan FrameCursor::fixed(size_t n) {
  if (in.size() - pos < n) return Scan::kShort;
  pos += n;
  return Scan::kDone;
}

namespace {

// The length-or-encoding prefix: *encoded set for the 0xC0 forms, whose low six bits are then *out.
Scan len_or_enc(FrameCursor& c, uint64_t* out, bool* encoded) {
  const size_t start = c.pos;
  uint8_t b = 0;
  if (c.byte(&b) != Scan::kDone) return Scan::kShort;
  *encoded = false;
  int extra = 0;
  switch (b >> 6) {
    case 0:
      *out = b & 0x3f;
      return Scan::kDone;
    case 1:
      extra = 1;
      break;
    case 2:
      if (b != 0x80 && b != 0x81) {
        c.pos = start;
        c.bad = "unknown length encoding";
        return Scan::kBad;
      }
      extra = b == 0x80 ? 4 : 8;
      break;
    default:
      *encoded = true;
      *out = b & 0x3f;
      return Scan::kDone;
  }
  if (c.in.size() - c.pos < static_cast<size_t>(extra)) {
    c.pos = start;
    return Scan::kShort;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(c.in.data() + c.pos);
  *out = extra == 1 ? (uint64_t{b & 0x3fu} << 8) | p[0] : load_be(p, extra);
  c.pos += static_cast<size_t>(extra);
  return Scan::kDone;
}

}  // namespace

Scan FrameCursor::len(uint64_t* out) {
  const size_t start = pos;
  bool encoded = false;
  const Scan s = len_or_enc(*this, out, &encoded);
  if (s == Scan::kDone && encoded) {
    pos = start;
    bad = "string encoding where a length belongs";
    return Scan::kBad;
  }
  return s;
}

Scan FrameCursor::string(uint64_t max_len) {
  const size_t start = pos;
  uint64_t n = 0;
  bool encoded = false;
  if (Scan s = len_or_enc(*this, &n, &encoded); s != Scan::kDone) return s;
  auto fail = [&](std::string_view why) {
    pos = start;
    bad = why;
    return Scan::kBad;
  };
  if (encoded) {
    switch (n) {
      case 0:
      case 1:
      case 2:
        n = n == 2 ? 4 : n + 1;  // int8, int16, int32
        break;
      case 3: {
        uint64_t clen = 0;
        uint64_t ulen = 0;
        Scan s = len(&clen);
        if (s == Scan::kDone) s = len(&ulen);
        if (s != Scan::kDone) {
          pos = start;
          return s;
        }
        if (clen == 0 || ulen > max_len) return fail("LZF string longer than the decode budget");
        n = clen;
        break;
      }
      default:
        return fail("unknown string encoding");
    }
  } else if (n > max_len) {
    return fail("string longer than the decode budget");
  }
  if (in.size() - pos < n) {
    pos = start;
    return Scan::kShort;
  }
  pos += n;
  return Scan::kDone;
}

Scan FrameCursor::text_double() {
  const size_t start = pos;
  uint8_t n = 0;
  if (byte(&n) != Scan::kDone) return Scan::kShort;
  if (n >= 253) return Scan::kDone;
  if (in.size() - pos < n) {
    pos = start;
    return Scan::kShort;
  }
  pos += n;
  return Scan::kDone;
}

void ObjectFrame::start(RdbType type, size_t at, uint64_t max_bytes) {
  start_ = pos_ = at;
  max_bytes_ = max_bytes;
  have_count_ = false;
  next_unit_ = 0;
  items_left_ = 1;
  empty_ = false;
  bad_ = {};
  counted_ = true;
  n_units_ = 1;
  units_[0] = units_[1] = kStr;
  switch (type) {
    case RdbType::kList:
    case RdbType::kSet:
    case RdbType::kListQuicklist:
      break;
    case RdbType::kZSet:
      n_units_ = 2;
      units_[1] = kTextDouble;
      break;
    case RdbType::kZSet2:
      n_units_ = 2;
      units_[1] = kFixed8;
      break;
    case RdbType::kHash:
      n_units_ = 2;
      break;
    case RdbType::kListQuicklist2:
      n_units_ = 2;
      units_[0] = kLen;  // the node's container kind, then its bytes
      break;
    default:
      // A string, or one blob (ziplist, listpack, intset, zipmap).
      counted_ = false;
      break;
  }
}

Scan ObjectFrame::unit(FrameCursor& c, Unit u) {
  const uint64_t room = max_bytes_ - (c.pos - start_);
  switch (u) {
    case kStr:
      return c.string(room);
    case kLen: {
      uint64_t ignored = 0;
      return c.len(&ignored);
    }
    case kFixed8:
      return c.fixed(8);
    case kTextDouble:
      return c.text_double();
  }
  return Scan::kBad;
}

Scan ObjectFrame::advance(std::string_view record) {
  FrameCursor c{record, pos_, {}};
  if (counted_ && !have_count_) {
    if (Scan s = c.len(&items_left_); s != Scan::kDone) {
      bad_ = c.bad;
      return s;
    }
    have_count_ = true;
    pos_ = c.pos;
    if (items_left_ == 0) {
      empty_ = true;
      return Scan::kDone;
    }
  }
  while (items_left_ > 0) {
    if (Scan s = unit(c, units_[next_unit_]); s != Scan::kDone) {
      bad_ = c.bad;
      return s;
    }
    if (c.pos - start_ > max_bytes_) {
      bad_ = "value longer than the decode budget";
      return Scan::kBad;
    }
    pos_ = c.pos;
    if (++next_unit_ == n_units_) {
      next_unit_ = 0;
      --items_left_;
    }
  }
  return Scan::kDone;
}

}  // namespace codis::server::rdb
