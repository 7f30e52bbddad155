// libFuzzer target for the DUMP payload decoder (server/rdb), which RESTORE and SLOTSRESTORE feed with
// bytes from the network. Input: byte 0 picks the mode; bit 0 set means the rest is an object and gets
// a correct footer (version 10, CRC-64) appended, so mutations reach the object parser instead of dying
// at the checksum; clear means the rest is a whole payload as RESTORE receives it. At most 256 KiB.
// Oracles: no crash, leak or runaway allocation (decode budget 64 MiB); a refusal carries a known code;
// whatever decodes re-encodes in the encoding it came in, and that payload decodes to the same value.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "server/rdb/crc64.h"
#include "server/rdb/decoder.h"
#include "server/rdb/encoder.h"

namespace {

using codis::server::rdb::DecodeOptions;
using codis::server::rdb::DumpEncoder;
using codis::server::rdb::DumpErrc;
using codis::server::rdb::DumpValue;
using codis::server::rdb::ValueType;

std::string with_footer(std::string_view object) {
  std::string out(object);
  out.push_back(static_cast<char>(codis::server::rdb::kRdbVersion));
  out.push_back('\0');
  const uint64_t crc = codis::server::rdb::crc64(0, out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

DumpValue canonical(DumpValue v) {
  std::sort(v.zmembers.begin(), v.zmembers.end());
  if (v.type == ValueType::kSet) std::sort(v.elems.begin(), v.elems.end());
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1 << 18)) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string payload = (data[0] & 1) ? with_footer(rest) : std::string(rest);

  DecodeOptions options;
  options.max_decoded_bytes = uint64_t{64} << 20;
  auto r = codis::server::rdb::decode_dump_payload(payload, options);
  if (!r.ok()) {
    const DumpErrc code = r.error().code;
    FUZZ_CHECK(code == DumpErrc::kVersionOrChecksum || code == DumpErrc::kBadFormat ||
               code == DumpErrc::kUnsupported);
    FUZZ_CHECK(!r.error().detail.empty());
    if (data[0] & 1) FUZZ_CHECK(code != DumpErrc::kVersionOrChecksum);
    return 0;
  }
  DumpEncoder encoder;
  std::string again;
  FUZZ_CHECK(encoder.encode_payload(r->value, r->rdb_type, &again).ok());
  auto back = codis::server::rdb::decode_dump_payload(again);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->rdb_type == r->rdb_type);
  FUZZ_CHECK(canonical(back->value) == canonical(r->value));
  return 0;
}
