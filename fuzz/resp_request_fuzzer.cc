// libFuzzer target for resp::RequestParser (client bytes as codis-server and codis-proxy see them).
// Input: byte 0 picks the fragment sizes, byte 1 the limits and authentication, the rest is the stream.
// Oracles: fragmented parsing equals one-shot parsing (commands, error code and text, pending state);
// every parsed command re-encodes (multibulk and inline) to bytes that parse back to the same
// arguments; errors carry one of Redis's texts.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "resp/inline_split.h"
#include "resp/request_parser.h"

namespace {

using codis::resp::ParseResult;
using codis::resp::RequestError;
using codis::resp::RequestLimits;
using codis::resp::RequestParser;

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  RequestError error = RequestError::kNone;
  std::string message;
  bool pending = false;
  bool operator==(const Outcome&) const = default;
};

Outcome run(std::string_view input, const std::vector<size_t>& pieces, bool move, const RequestLimits& limits,
            bool authenticated) {
  RequestParser parser(limits);
  parser.set_authenticated(authenticated);
  Outcome out;
  codis::fuzz::feed(input, pieces, move, [&](std::string_view buf, size_t* drop) {
    size_t start = 0;
    for (;;) {
      const ParseResult r = parser.parse(buf.substr(start));
      FUZZ_CHECK(r.consumed <= buf.size() - start);
      start += r.consumed;
      if (r.ok()) {
        FUZZ_CHECK(!parser.args().empty());
        out.commands.emplace_back(parser.args().begin(), parser.args().end());
        continue;
      }
      *drop = start;
      if (r.error()) {
        out.error = parser.error();
        out.message = std::string(parser.error_message());
        return false;
      }
      FUZZ_CHECK(parser.want() >= 1);
      return true;
    }
  });
  out.pending = out.error == RequestError::kNone && parser.in_progress();
  return out;
}

void check_round_trip(const std::vector<std::string>& args) {
  const std::vector<std::string_view> views(args.begin(), args.end());
  for (const bool inline_form : {false, true}) {
    std::string wire;
    if (inline_form) {
      codis::resp::append_inline_command(views, wire);
    } else {
      codis::resp::append_command(views, wire);
    }
    RequestLimits roomy;
    roomy.max_inline_len = wire.size() + 1;
    RequestParser p(roomy);
    const ParseResult r = p.parse(wire);
    FUZZ_CHECK(r.ok());
    FUZZ_CHECK(r.consumed == wire.size());
    FUZZ_CHECK(std::vector<std::string>(p.args().begin(), p.args().end()) == args);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > (1 << 18)) return 0;
  const uint8_t frag_knob = data[0];
  const uint8_t limit_knob = data[1];
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  // Small limits let short inputs reach every limit path.
  RequestLimits limits;
  static constexpr size_t kInline[] = {8, 64, 1024, 64 * 1024};
  static constexpr int64_t kBulk[] = {4, 100, 512LL << 20, 512LL << 20};
  limits.max_inline_len = kInline[limit_knob & 3];
  limits.max_bulk_len = kBulk[(limit_knob >> 2) & 3];
  limits.max_multibulk_len = (limit_knob & 16) ? 3 : 2147483647;
  const bool authenticated = (limit_knob & 32) == 0;

  const Outcome whole = run(input, {}, false, limits, authenticated);
  const Outcome split = run(input, codis::fuzz::fragments(frag_knob, input.size()), (limit_knob & 64) != 0,
                            limits, authenticated);
  FUZZ_CHECK(split == whole);

  if (whole.error != RequestError::kNone) {
    const std::string_view text = codis::resp::request_error_text(whole.error);
    FUZZ_CHECK(whole.message.compare(0, text.size(), text) == 0);
  }
  for (const auto& args : whole.commands) check_round_trip(args);
  return 0;
}
