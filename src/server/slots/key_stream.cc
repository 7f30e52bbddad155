#include "server/slots/key_stream.h"

#include <algorithm>

#include "resp/number.h"
#include "server/families/dump_value.h"
#include "server/lfu.h"
#include "server/value_length.h"

namespace codis::server {
namespace {

std::string_view chunk_kind(ObjType t) {
  switch (t) {
    case ObjType::kList:
      return "list";
    case ObjType::kHash:
      return "hash";
    case ObjType::kSet:
      return "dict";
    default:
      return "zset";
  }
}

std::string ttl_left(const Db& db, const Entry& e, int64_t now_ms) {
  const int64_t at = db.expire_of(e);
  return std::to_string(at < 0 ? 0 : std::max<int64_t>(1, at - now_ms));
}

}  // namespace

std::string_view KeyStream::stage_name(Stage s) {
  switch (s) {
    case Stage::kPrepare:
      return "prepare";
    case Stage::kPayload:
      return "payload";
    case Stage::kChunked:
      return "chunked";
    case Stage::kFillTtl:
      return "fillttl";
    default:
      return "done";
  }
}

bool KeyStream::next(const Db& db, int64_t now_ms, uint32_t lru_clock, const StreamLimits& limits,
                     std::vector<std::string>* out) {
  if (stage_ == Stage::kDone) {
    return false;
  }
  const Entry* e = db.peek(key_, now_ms);
  if (stage_ == Stage::kPrepare) {
    if (e == nullptr) {
      stage_ = Stage::kDone;  // not here: nothing to send, nothing moved
      return false;
    }
    found_ = true;
    type_ = e->value.type();
    chunked_ = type_ != ObjType::kString && value_length(e->value) > 2 * limits.maxbulks;
    stage_ = chunked_ ? Stage::kChunked : Stage::kPayload;
    *out = {"SLOTSRESTORE-ASYNC", "del", key_};
    return true;
  }
  if (e == nullptr || e->value.type() != type_) {
    // Expired or evicted half way (a write cannot have changed it): the target drops its copy too.
    vanished_ = true;
    stage_ = Stage::kDone;
    *out = {"SLOTSRESTORE-ASYNC", "del", key_};
    return true;
  }
  switch (stage_) {
    case Stage::kPayload: {
      std::string payload;
      if (auto st = dump_payload(e->value, &payload, /*compress=*/false); !st.ok()) {
        // Nothing this server holds fails to serialize; if it ever did, the target must not keep a copy.
        vanished_ = true;
        stage_ = Stage::kDone;
        *out = {"SLOTSRESTORE-ASYNC", "del", key_};
        return true;
      }
      *out = {"SLOTSRESTORE-ASYNC", "object", key_, ttl_left(db, *e, now_ms), std::move(payload)};
      stamp(*e, now_ms, lru_clock, limits, out);
      stage_ = Stage::kDone;
      return true;
    }
    case Stage::kChunked:
      chunk(e->value, limits, out);
      ++chunks_;
      return true;
    case Stage::kFillTtl:
      *out = {"SLOTSRESTORE-ASYNC", "expire", key_, ttl_left(db, *e, now_ms)};
      stamp(*e, now_ms, lru_clock, limits, out);
      stage_ = Stage::kDone;
      return true;
    default:
      return false;
  }
}

void KeyStream::chunk(const Object& o, const StreamLimits& limits, std::vector<std::string>* out) {
  *out = {"SLOTSRESTORE-ASYNC", std::string(chunk_kind(type_)), key_, std::to_string(3 * limits.timeout_ms),
          std::to_string(value_length(o))};
  size_t bytes = 0;
  size_t taken = 0;
  auto room = [&] { return taken < limits.maxbulks && bytes < limits.maxbytes; };
  bool more = true;
  switch (type_) {
    case ObjType::kList: {
      const ListValue& l = o.list_value();
      while (index_ < l.size() && room()) {
        out->push_back(l[index_++]);
        bytes += out->back().size();
        ++taken;
      }
      more = index_ < l.size();
      break;
    }
    case ObjType::kHash: {
      // A bounded number of bucket steps per chunk once it holds an element, so a sparse table cannot
      // make one chunk slow. Not before: the target creates a key only from a chunk with elements, and a
      // table whose first buckets in scan order are empty would otherwise start every retry of the key
      // with an empty chunk that the target refuses.
      size_t steps = std::max<size_t>(128, 10 * limits.maxbulks);
      do {
        cursor_ = o.hash_value().scan(cursor_, [&](const auto& kv) {
          out->push_back(kv.first);
          out->push_back(kv.second);
          bytes += kv.first.size() + kv.second.size();
          ++taken;
        });
      } while (cursor_ != 0 && room() && (taken == 0 || --steps != 0));
      more = cursor_ != 0;
      break;
    }
    case ObjType::kSet: {
      size_t steps = std::max<size_t>(128, 10 * limits.maxbulks);
      do {
        cursor_ = o.set_value().scan(cursor_, [&](const std::string& m) {
          out->push_back(m);
          bytes += m.size();
          ++taken;
        });
      } while (cursor_ != 0 && room() && (taken == 0 || --steps != 0));  // as for a hash
      more = cursor_ != 0;
      break;
    }
    default: {
      const ZSetValue& z = o.zset_value();
      if (index_ < z.size()) {
        const size_t last = std::min(z.size(), index_ + limits.maxbulks) - 1;
        z.range_by_rank(index_, last, false, [&](std::string_view member, double score) {
          char buf[resp::kMaxDoubleChars];
          out->emplace_back(member);
          out->emplace_back(buf, resp::format_double(score, buf));
        });
        index_ = last + 1;
      }
      more = index_ < z.size();
      break;
    }
  }
  if (!more) {
    stage_ = Stage::kFillTtl;
  }
}

void KeyStream::stamp(const Entry& e, int64_t now_ms, uint32_t lru_clock, const StreamLimits& limits,
                      std::vector<std::string>* out) const {
  if (!limits.stamps) {
    return;
  }
  if (limits.lfu) {
    out->push_back("FREQ");
    out->push_back(std::to_string(lfu::counter(e.lru, now_ms, limits.lfu_decay_minutes)));
  } else {
    out->push_back("IDLETIME");
    out->push_back(std::to_string(lru_clock >= e.lru ? lru_clock - e.lru : 0));
  }
}

}  // namespace codis::server
