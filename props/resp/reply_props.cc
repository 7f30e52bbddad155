// Properties of the reply side: encode/parse round trips for every Value kind in RESP3 and RESP2, the
// scanner agrees with the parser, and any split of any stream parses as the whole stream does.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "props/resp/feed.h"
#include "props/resp/generators.h"
#include "resp/encoder.h"
#include "resp/reply_parser.h"

namespace codis::resp::props {
namespace {

RC_GTEST_PROP(ReplyProps, Resp3RoundTrip, ()) {
  const Value v = *gen_value(true, 3);
  RC_TAG(kind_name(v.kind));
  bool agree = true;
  const ReplyOutcome got = run_replies(encode(v, 3), {}, &agree);
  RC_ASSERT(agree);
  RC_ASSERT(got.error == ReplyError::kNone);
  RC_ASSERT(got.values.size() == 1u);
  RC_ASSERT(got.values[0] == v);
}

RC_GTEST_PROP(ReplyProps, Resp2RoundTrip, ()) {
  const Value v = *gen_value(false, 3);
  RC_TAG(kind_name(v.kind));
  const std::string wire = encode(v, 2);
  bool agree = true;
  const ReplyOutcome got = run_replies(wire, {}, &agree);
  RC_ASSERT(agree);
  RC_ASSERT(got.values == std::vector<Value>{v});
  RC_ASSERT(got.lengths == std::vector<size_t>{wire.size()});
}

RC_GTEST_PROP(ReplyProps, Resp3ValuesOnResp2ConnectionsReadAsTheirDowngrade, ()) {
  const Value v = *gen_value(true, 3);
  bool agree = true;
  const ReplyOutcome got = run_replies(encode(v, 2), {}, &agree);
  RC_ASSERT(got.values == std::vector<Value>{to_resp2(v)});
}

RC_GTEST_PROP(ReplyProps, StreamSplitAnywhereEqualsWhole, ()) {
  const auto values =
      *rc::gen::resize(8, rc::gen::nonEmpty(rc::gen::container<std::vector<Value>>(gen_value(true, 3))));
  std::string wire;
  for (const Value& v : values) encode(v, wire, 3);
  bool agree = true;
  const ReplyOutcome whole = run_replies(wire, {}, &agree);
  RC_ASSERT(whole.values == values);
  RC_ASSERT(run_replies(wire, *gen_fragments(), &agree) == whole);
  const size_t cut = *rc::gen::inRange<size_t>(1, wire.size() + 1);
  RC_ASSERT(run_replies(wire, {cut, wire.size()}, &agree) == whole);
  RC_ASSERT(agree);
}

RC_GTEST_PROP(ReplyProps, CorruptedStreamSplitEqualsWhole, ()) {
  const auto values =
      *rc::gen::resize(6, rc::gen::nonEmpty(rc::gen::container<std::vector<Value>>(gen_value(true, 3))));
  std::string wire;
  for (const Value& v : values) encode(v, wire, 3);
  const int edits = *codis::props::uniform(1, 4);
  for (int i = 0; i < edits && !wire.empty(); ++i) {
    const size_t at = *rc::gen::inRange<size_t>(0, wire.size());
    const char c = *gen_byte();
    switch (codis::props::choice(3)) {
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
  ReplyLimits limits;
  limits.max_depth = *rc::gen::inRange<size_t>(1, 5);
  limits.max_line_len = *rc::gen::elementOf(std::vector<size_t>{4, 1 << 20});
  bool agree = true;
  const ReplyOutcome whole = run_replies(wire, {}, &agree, limits);
  RC_TAG(whole.error == ReplyError::kNone ? (whole.pending ? "incomplete" : "no error") : "error");
  RC_ASSERT(run_replies(wire, *gen_fragments(), &agree, limits) == whole);
  RC_ASSERT(agree);
  // Whatever parsed re-encodes to bytes that parse to the same values.
  for (const Value& v : whole.values) {
    const ReplyOutcome again = run_replies(encode(v, 3), {}, &agree);
    RC_ASSERT(again.values == std::vector<Value>{v});
  }
}

}  // namespace
}  // namespace codis::resp::props
