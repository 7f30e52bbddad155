// libFuzzer target for resp::ReplyParser and resp::ReplyScanner (server bytes as the proxy and clients
// see them). Input: byte 0 picks the fragment sizes, byte 1 the limits, the rest is the stream.
// Oracles: fragmented parsing equals one-shot parsing; the scanner agrees with the parser on every
// status, length and error; each reply's bytes alone parse to the same value; every parsed value
// re-encodes to bytes that parse back to it (RESP3) or to its downgrade (RESP2).
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "resp/encoder.h"
#include "resp/reply_parser.h"

namespace {

using codis::resp::ParseResult;
using codis::resp::ReplyError;
using codis::resp::ReplyLimits;
using codis::resp::ReplyParser;
using codis::resp::ReplyScanner;
using codis::resp::Value;

struct Outcome {
  std::vector<Value> values;
  std::vector<size_t> lengths;
  ReplyError error = ReplyError::kNone;
  bool pending = false;
  bool operator==(const Outcome&) const = default;
};

Outcome run(std::string_view input, const std::vector<size_t>& pieces, bool move, const ReplyLimits& limits) {
  ReplyParser parser(limits);
  ReplyScanner scanner(limits);
  Outcome out;
  codis::fuzz::feed(input, pieces, move, [&](std::string_view buf, size_t* drop) {
    size_t start = 0;
    for (;;) {
      const std::string_view rest = buf.substr(start);
      Value v;
      const ParseResult r = parser.parse(rest, v);
      const ParseResult s = scanner.scan(rest);
      FUZZ_CHECK(r.status == s.status);
      FUZZ_CHECK(r.consumed == s.consumed);
      if (r.ok()) {
        FUZZ_CHECK(r.consumed > 0 && r.consumed <= rest.size());
        out.values.push_back(std::move(v));
        out.lengths.push_back(r.consumed);
        start += r.consumed;
        continue;
      }
      *drop = start;
      if (r.error()) {
        FUZZ_CHECK(parser.error() == scanner.error());
        out.error = parser.error();
        return false;
      }
      FUZZ_CHECK(parser.want() >= 1 && parser.want() == scanner.want());
      return true;
    }
  });
  out.pending = out.error == ReplyError::kNone && parser.in_progress();
  return out;
}

Value parse_one(const std::string& wire) {
  ReplyParser p;
  Value v;
  const ParseResult r = p.parse(wire, v);
  FUZZ_CHECK(r.ok());
  FUZZ_CHECK(r.consumed == wire.size());
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > (1 << 18)) return 0;
  const uint8_t frag_knob = data[0];
  const uint8_t limit_knob = data[1];
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  ReplyLimits limits;
  static constexpr size_t kDepth[] = {1, 3, 16, 128};
  static constexpr size_t kLine[] = {4, 64, 1024, 64 << 20};
  limits.max_depth = kDepth[limit_knob & 3];
  limits.max_line_len = kLine[(limit_knob >> 2) & 3];
  limits.max_bulk_len = (limit_knob & 16) ? 8 : 512LL << 20;
  limits.max_aggregate_len = (limit_knob & 32) ? 3 : 1024;  // bounded, so a header cannot ask for much

  const Outcome whole = run(input, {}, false, limits);
  const Outcome split =
      run(input, codis::fuzz::fragments(frag_knob, input.size()), (limit_knob & 64) != 0, limits);
  FUZZ_CHECK(split == whole);

  size_t offset = 0;
  for (size_t i = 0; i < whole.values.size(); ++i) {
    const Value& v = whole.values[i];
    // The reply's own bytes, cut out of the stream, are exactly one reply.
    FUZZ_CHECK(parse_one(std::string(input.substr(offset, whole.lengths[i]))) == v);
    offset += whole.lengths[i];
    FUZZ_CHECK(parse_one(codis::resp::encode(v, 3)) == v);
    FUZZ_CHECK(parse_one(codis::resp::encode(v, 2)) == codis::resp::to_resp2(v));
  }
  return 0;
}
