// ReplyParser (builds Value trees) and ReplyScanner (measures replies) over the shared ReplyReader.
#include "resp/reply_parser.h"

#include <algorithm>
#include <utility>

namespace codis::resp {

std::string_view reply_error_text(ReplyError error) {
  switch (error) {
    case ReplyError::kNone:
      return "";
    case ReplyError::kBadType:
      return "Protocol error: unknown reply type";
    case ReplyError::kBadLength:
      return "Protocol error: invalid length";
    case ReplyError::kBadInteger:
      return "Protocol error: invalid integer";
    case ReplyError::kBadDouble:
      return "Protocol error: invalid double";
    case ReplyError::kBadBoolean:
      return "Protocol error: invalid boolean";
    case ReplyError::kBadNull:
      return "Protocol error: invalid null";
    case ReplyError::kBadBigNumber:
      return "Protocol error: invalid big number";
    case ReplyError::kBadVerbatim:
      return "Protocol error: invalid verbatim string";
    case ReplyError::kMissingCrlf:
      return "Protocol error: expected CRLF";
    case ReplyError::kLineTooLong:
      return "Protocol error: line too long";
    case ReplyError::kBulkTooLong:
      return "Protocol error: bulk string too long";
    case ReplyError::kTooManyElements:
      return "Protocol error: aggregate too long";
    case ReplyError::kTooDeep:
      return "Protocol error: nesting too deep";
    case ReplyError::kStreamed:
      return "Protocol error: streamed types are not supported";
  }
  return "Protocol error";
}

void ReplyReader::reset() {
  frames_.clear();
  pos_ = scan_ = 0;
  bulk_type_ = 0;
  bulk_len_ = 0;
  want_ = 1;
  error_ = ReplyError::kNone;
}

ParseResult ReplyReader::fail(ReplyError error) {
  error_ = error;
  return {ParseStatus::kError, 0};
}

ParseResult ReplyReader::need_more(size_t pos, size_t want) {
  pos_ = pos;
  want_ = want;
  return {ParseStatus::kNeedMore, 0};
}

// Builds the tree as the reader walks it. Open containers are addressed by pointer: a container's own
// slot never moves while it is open, because its parent only grows after it closes, and the root and
// attribute maps live on the heap so moving the parser keeps them in place.
class ReplyParser::Builder {
 public:
  Value* root() { return root_.get(); }

  void on_string(Kind kind, std::string_view s) {
    Value& v = add(kind);
    v.str.assign(s);
  }
  void on_integer(int64_t n) { add(Kind::kInteger).num = n; }
  void on_double(double d) { add(Kind::kDouble).dbl = d; }
  void on_boolean(bool b) { add(Kind::kBoolean).num = b ? 1 : 0; }
  void on_null(Kind kind) { add(kind); }
  void on_aggregate_begin(Kind kind, int64_t count) {
    Value& v = add(kind);
    const int64_t elements = kind == Kind::kMap ? 2 * count : count;
    // Trust the announced size only so far: a hostile header must not reserve gigabytes.
    v.elems.reserve(static_cast<size_t>(std::min<int64_t>(elements, 1024)));
    open_.push_back(&v);
  }
  void on_aggregate_end() { open_.pop_back(); }
  void on_attribute_begin(int64_t) {
    // The attribute map is collected in its own Value; attributes already pending (two attribute maps
    // in a row) are set aside so the map's first key does not take them.
    attr_maps_.push_back(AttrMap{std::make_unique<Value>(), std::move(pending_attrs_)});
    pending_attrs_.clear();
    attr_maps_.back().map->kind = Kind::kMap;
    open_.push_back(attr_maps_.back().map.get());
  }
  void on_attribute_end() {
    open_.pop_back();
    AttrMap done = std::move(attr_maps_.back());
    attr_maps_.pop_back();
    pending_attrs_ = std::move(done.saved);
    for (Value& e : done.map->elems) pending_attrs_.push_back(std::move(e));
  }

  void clear() {
    *root_ = Value();
    open_.clear();
    attr_maps_.clear();
    pending_attrs_.clear();
  }

 private:
  struct AttrMap {
    std::unique_ptr<Value> map;
    std::vector<Value> saved;
  };

  Value& add(Kind kind) {
    Value* v = root_.get();
    if (!open_.empty()) {
      Value* parent = open_.back();
      parent->elems.emplace_back();
      v = &parent->elems.back();
    }
    v->kind = kind;
    if (!pending_attrs_.empty()) {
      v->attrs = std::move(pending_attrs_);
      pending_attrs_.clear();
    }
    return *v;
  }

  std::unique_ptr<Value> root_ = std::make_unique<Value>();
  std::vector<Value*> open_;
  std::vector<AttrMap> attr_maps_;
  std::vector<Value> pending_attrs_;
};

ReplyParser::ReplyParser(const ReplyLimits& limits)
    : reader_(limits), builder_(std::make_unique<Builder>()) {}
ReplyParser::~ReplyParser() = default;
ReplyParser::ReplyParser(ReplyParser&&) noexcept = default;
ReplyParser& ReplyParser::operator=(ReplyParser&&) noexcept = default;

ParseResult ReplyParser::parse(std::string_view buf, Value& out) {
  const ParseResult r = reader_.read(buf, *builder_);
  if (r.ok()) {
    out = std::move(*builder_->root());
    builder_->clear();
  }
  return r;
}

void ReplyParser::reset() {
  reader_.reset();
  builder_->clear();
}

namespace {

// The scanner's sink does nothing; the compiler removes every call.
struct NullSink {
  void on_string(Kind, std::string_view) {}
  void on_integer(int64_t) {}
  void on_double(double) {}
  void on_boolean(bool) {}
  void on_null(Kind) {}
  void on_aggregate_begin(Kind, int64_t) {}
  void on_aggregate_end() {}
  void on_attribute_begin(int64_t) {}
  void on_attribute_end() {}
};

}  // namespace

ParseResult ReplyScanner::scan(std::string_view buf) {
  NullSink sink;
  return reader_.read(buf, sink);
}

}  // namespace codis::resp
