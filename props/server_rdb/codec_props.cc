// Properties of the DUMP codec: decode(encode(v)) == v for random values in every encoding and option
// set; encoding is deterministic and stable under a decode/encode cycle; the footer catches every
// single-bit change; corrupted, truncated or spliced objects (footer recomputed) are decoded or
// refused, never trusted: whatever decodes is a valid value that encodes again.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "props/pick.h"
#include "props/server_rdb/generators.h"
#include "server/rdb/crc64.h"
#include "server/rdb/decoder.h"
#include "server/rdb/encoder.h"
#include "server/rdb/listpack.h"
#include "server/rdb/lzf.h"

namespace codis::server::rdb {
namespace {

using props::Encoded;
using props::gen_encoded;
using props::gen_options;

DumpValue canonical(DumpValue v) {
  std::sort(v.zmembers.begin(), v.zmembers.end());
  if (v.type == ValueType::kSet) std::sort(v.elems.begin(), v.elems.end());
  return v;
}

std::string refooter(std::string object) {
  object.push_back(static_cast<char>(kRdbVersion));
  object.push_back('\0');
  const uint64_t crc = crc64(0, object);
  for (int i = 0; i < 8; ++i) object.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return object;
}

std::string encode(const Encoded& e, const EncodeOptions& o) {
  DumpEncoder enc(o);
  std::string out;
  const auto st = enc.encode_payload(e.value, e.type, &out);
  RC_ASSERT(st.ok());
  return out;
}

// A decoded value is valid if it can be written again in the encoding it came in.
void assert_reencodes(const DecodedObject& obj) {
  DumpEncoder enc;
  std::string out;
  RC_ASSERT(enc.encode_payload(obj.value, obj.rdb_type, &out).ok());
}

RC_GTEST_PROP(CodecProps, DecodeOfEncodeIsIdentity, ()) {
  const Encoded e = *gen_encoded();
  const EncodeOptions o = *gen_options();
  const std::string payload = encode(e, o);
  // Which encodings and length forms the run reached (RDB lengths of 16384 and up take 32 bits).
  size_t longest = e.value.str.size();
  for (const auto& x : e.value.elems) longest = std::max(longest, x.size());
  for (const auto& x : e.value.zmembers) longest = std::max(longest, x.first.size());
  for (const auto& [f, v] : e.value.fields) longest = std::max({longest, f.size(), v.size()});
  RC_TAG(rdb_type_name(static_cast<uint8_t>(e.type)));
  RC_CLASSIFY(longest >= 16384, "an element of 16384 bytes or more");
  auto r = decode_dump_payload(payload);
  RC_ASSERT(r.ok());
  RC_ASSERT(r->rdb_type == e.type);
  RC_ASSERT(canonical(r->value) == canonical(e.value));
  if (e.value.type == ValueType::kList || e.value.type == ValueType::kHash) RC_ASSERT(r->value == e.value);
}

RC_GTEST_PROP(CodecProps, EncodingIsDeterministicAndStable, ()) {
  const Encoded a = *gen_encoded();
  const Encoded b = *gen_encoded();
  const EncodeOptions o = *gen_options();
  // One encoder across values (its LZF table carries state) equals fresh encoders.
  DumpEncoder shared(o);
  std::string first, second;
  RC_ASSERT(shared.encode_payload(a.value, a.type, &first).ok());
  RC_ASSERT(shared.encode_payload(b.value, b.type, &second).ok());
  RC_ASSERT(first == encode(a, o));
  RC_ASSERT(second == encode(b, o));
  // Decoding yields the order the encoding imposes, so encoding again gives the same bytes.
  auto r = decode_dump_payload(first);
  RC_ASSERT(r.ok());
  RC_ASSERT(encode(Encoded{r->value, r->rdb_type}, o) == first);
}

RC_GTEST_PROP(CodecProps, FooterCatchesEveryBitFlip, ()) {
  const std::string payload = encode(*gen_encoded(), EncodeOptions{});
  const size_t pos = *rc::gen::inRange<size_t>(0, payload.size());
  const int bit = codis::props::choice(8);
  std::string bad = payload;
  bad[pos] = static_cast<char>(bad[pos] ^ (1 << bit));
  auto r = decode_dump_payload(bad);
  RC_ASSERT(!r.ok());
  RC_ASSERT(r.error().code == DumpErrc::kVersionOrChecksum);
}

RC_GTEST_PROP(CodecProps, CorruptObjectsAreDecodedOrRefused, ()) {
  const std::string payload = encode(*gen_encoded(), *gen_options());
  std::string object = payload.substr(0, payload.size() - 10);
  const int edits = *codis::props::uniform(1, 6);
  for (int i = 0; i < edits && !object.empty(); ++i) {
    const size_t pos = *rc::gen::inRange<size_t>(0, object.size());
    switch (codis::props::choice(4)) {
      case 0:
        object[pos] = *rc::gen::arbitrary<char>();
        break;
      case 1:
        object.resize(pos);
        break;
      case 2:
        object.insert(pos, *rc::gen::container<std::string>(rc::gen::arbitrary<char>()));
        break;
      default:
        object.erase(pos, *rc::gen::inRange<size_t>(1, 8));
        break;
    }
  }
  DecodeOptions small;
  small.max_decoded_bytes = 1 << 24;
  auto r = decode_dump_payload(refooter(object), small);
  if (r.ok()) {
    assert_reencodes(*r);
  } else {
    RC_ASSERT(r.error().code != DumpErrc::kVersionOrChecksum);
  }
}

RC_GTEST_PROP(CodecProps, RandomBytesAreDecodedOrRefused, ()) {
  const auto type = codis::props::choice(25);
  std::string object(1, static_cast<char>(type));
  object += *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  auto r = decode_dump_payload(refooter(object));
  if (r.ok()) assert_reencodes(*r);
}

RC_GTEST_PROP(CodecProps, LzfRoundTrip, ()) {
  const std::string in = *rc::gen::oneOf(rc::gen::container<std::string>(rc::gen::arbitrary<char>()),
                                         rc::gen::container<std::string>(rc::gen::inRange('a', 'd')));
  LzfCompressor lzf;
  std::string packed;
  if (in.size() > 4 && lzf.compress(in, in.size() - 4, &packed)) {
    RC_ASSERT(packed.size() <= in.size() - 4);
    std::string back;
    RC_ASSERT(lzf_decompress(packed, in.size(), &back));
    RC_ASSERT(back == in);
  }
}

RC_GTEST_PROP(CodecProps, ListpackRoundTrip, ()) {
  const auto items = *rc::gen::container<std::vector<std::string>>(props::gen_element());
  ListpackBuilder b;
  for (const auto& s : items) b.append(s);
  std::string lp;
  RC_ASSERT(b.finish(&lp));
  Budget budget(uint64_t{1} << 30);
  std::vector<std::string> back;
  RC_ASSERT(decode_listpack(lp, budget, &back).ok());
  RC_ASSERT(back == items);
}

}  // namespace
}  // namespace codis::server::rdb
