// Properties of the request side: multibulk and inline encodings round-trip through RequestParser, and
// any split of any byte stream (valid or corrupted) parses exactly as the whole stream does.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "props/resp/feed.h"
#include "props/resp/generators.h"
#include "resp/inline_split.h"
#include "resp/request_parser.h"

namespace codis::resp::props {
namespace {

std::vector<std::string_view> views(const std::vector<std::string>& args) {
  return std::vector<std::string_view>(args.begin(), args.end());
}

std::string encode_pipeline(const std::vector<std::vector<std::string>>& commands,
                            const std::vector<bool>& inline_form) {
  std::string out;
  for (size_t i = 0; i < commands.size(); ++i) {
    if (inline_form[i % inline_form.size()]) {
      append_inline_command(views(commands[i]), out);
    } else {
      append_command(views(commands[i]), out);
    }
  }
  return out;
}

RC_GTEST_PROP(RequestProps, MultibulkRoundTrip, ()) {
  const auto args = *gen_args();
  std::string wire;
  append_command(views(args), wire);
  const RequestOutcome got = run_requests(wire, {});
  RC_ASSERT(got.error == RequestError::kNone);
  RC_ASSERT(got.commands == std::vector<std::vector<std::string>>{args});
}

RC_GTEST_PROP(RequestProps, InlineRoundTrip, ()) {
  const auto args = *gen_args();
  std::string wire;
  append_inline_command(views(args), wire);
  const RequestOutcome got = run_requests(wire, {});
  RC_ASSERT(got.error == RequestError::kNone);
  RC_ASSERT(got.commands == std::vector<std::vector<std::string>>{args});
}

RC_GTEST_PROP(RequestProps, PipelineSplitAnywhereEqualsWhole, ()) {
  const auto commands = *rc::gen::resize(
      20, rc::gen::nonEmpty(rc::gen::container<std::vector<std::vector<std::string>>>(gen_args())));
  const auto inline_form =
      *rc::gen::nonEmpty(rc::gen::container<std::vector<bool>>(rc::gen::arbitrary<bool>()));
  const std::string wire = encode_pipeline(commands, inline_form);
  const RequestOutcome whole = run_requests(wire, {});
  RC_ASSERT(whole.error == RequestError::kNone);
  RC_ASSERT(whole.commands == commands);
  RC_ASSERT(!whole.pending);
  RC_ASSERT(run_requests(wire, *gen_fragments()) == whole);
  // Every single cut point.
  const size_t cut = *rc::gen::inRange<size_t>(0, wire.size() + 1);
  RC_ASSERT(run_requests(wire, {cut == 0 ? wire.size() : cut, wire.size()}) == whole);
}

RC_GTEST_PROP(RequestProps, CorruptedStreamSplitEqualsWhole, ()) {
  const auto commands = *rc::gen::resize(
      10, rc::gen::nonEmpty(rc::gen::container<std::vector<std::vector<std::string>>>(gen_args())));
  const auto inline_form =
      *rc::gen::nonEmpty(rc::gen::container<std::vector<bool>>(rc::gen::arbitrary<bool>()));
  std::string wire = encode_pipeline(commands, inline_form);
  // Overwrite, insert or truncate a few bytes, so every error path gets split too.
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits && !wire.empty(); ++i) {
    const size_t at = *rc::gen::inRange<size_t>(0, wire.size());
    const char c = *gen_byte();
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        wire[at] = c;
        break;
      case 1:
        wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(at), c);
        break;
      default:
        wire.resize(at);
        break;
    }
  }
  RequestLimits limits;
  limits.max_inline_len = *rc::gen::elementOf(std::vector<size_t>{16, 64 * 1024});
  limits.max_bulk_len = *rc::gen::elementOf(std::vector<int64_t>{8, 512LL << 20});
  const RequestOutcome whole = run_requests(wire, {}, limits);
  RC_ASSERT(run_requests(wire, *gen_fragments(), limits) == whole);
}

RC_GTEST_PROP(RequestProps, UnauthenticatedLimitsDependOnlyOnSizes, ()) {
  const auto args = *gen_args();
  std::string wire;
  append_command(views(args), wire);
  RequestParser p;
  p.set_authenticated(false);
  const ParseResult r = p.parse(wire);
  bool big = args.size() > 10;
  for (const auto& a : args) big = big || a.size() > 16384;
  RC_ASSERT(r.error() == big);
}

}  // namespace
}  // namespace codis::resp::props
