// ZSet: construction, the two encodings and the conversions between them, single-member operations
// (ZADD semantics, ZREM, ZSCORE, ZRANK), memory accounting. Range operations are in zset_query.cc.
#include "server/ds/zset.h"

#include <cmath>
#include <utility>

#include "server/ds/zset_indexed.h"
#include "server/ds/zset_views.h"

namespace codis::server::ds {
namespace {

// Redis refuses to grow a listpack past 1 GiB (lpSafeToAdd) and converts instead; so do we.
constexpr size_t kListpackSafetyBytes = size_t{1} << 30;

}  // namespace

std::string_view encoding_name(ZEncoding e) {
  return e == ZEncoding::kListpack ? "listpack" : "skiplist";
}

ZSet::ZSet(ZEncoding encoding) {
  if (encoding == ZEncoding::kSkiplist) big_ = std::make_unique<ZIndexed>();
}
ZSet::~ZSet() = default;
ZSet::ZSet(ZSet&&) noexcept = default;
ZSet& ZSet::operator=(ZSet&&) noexcept = default;

ZSet ZSet::clone() const {
  if (!big_) {
    ZSet out;
    out.lp_ = ZListpack(lp_);
    return out;
  }
  ZSet out(ZEncoding::kSkiplist);
  out.big_->reserve(size());
  for_each([&](std::string_view m, double s) { out.big_->insert(m, s); });
  return out;
}

ZSet ZSet::for_zadd(const ZSetLimits& limits, size_t first_member_len) {
  const bool large = limits.max_listpack_entries == 0 || first_member_len > limits.max_listpack_value;
  return ZSet(large ? ZEncoding::kSkiplist : ZEncoding::kListpack);
}

ZSet ZSet::for_size(const ZSetLimits& limits, size_t size_hint, size_t max_len_hint) {
  if (size_hint <= limits.max_listpack_entries && max_len_hint <= limits.max_listpack_value) return ZSet();
  ZSet out(ZEncoding::kSkiplist);
  out.big_->reserve(size_hint);
  return out;
}

size_t ZSet::size() const {
  return big_ ? big_->size() : lp_.size();
}

std::optional<double> ZSet::score(std::string_view member) const {
  if (big_) {
    const Member* m = big_->find(member);
    if (m == nullptr) return std::nullopt;
    return m->score();
  }
  const auto f = lp_.find(member);
  if (!f) return std::nullopt;
  return f->score;
}

ZAddResult ZSet::add(std::string_view member, double score, ZAddFlags flags, const ZSetLimits& limits) {
  if (std::isnan(score)) return {ZAddOutcome::kNaN, score};
  // The existing score, if any.
  std::optional<double> cur;
  Member* m = nullptr;
  if (big_) {
    m = big_->find(member);
    if (m != nullptr) cur = m->score();
  } else if (const auto f = lp_.find(member)) {
    cur = f->score;
  }

  if (cur) {
    if (flags.nx) return {ZAddOutcome::kSkipped, *cur};
    if (flags.incr) {
      score += *cur;
      if (std::isnan(score)) return {ZAddOutcome::kNaN, score};
    }
    if ((flags.lt && score >= *cur) || (flags.gt && score <= *cur)) return {ZAddOutcome::kSkipped, *cur};
    // Equal scores (including -0.0 against 0.0) leave the member as it is.
    if (score == *cur) return {ZAddOutcome::kUnchanged, score};
    if (big_) {
      big_->update(m, score);
    } else {
      lp_.erase(member);
      lp_.insert(member, score);
    }
    return {ZAddOutcome::kUpdated, score};
  }

  if (flags.xx) return {ZAddOutcome::kSkipped, score};
  if (!big_ && (lp_.size() + 1 > limits.max_listpack_entries || member.size() > limits.max_listpack_value ||
                lp_.encoded_bytes() + member.size() + 20 > kListpackSafetyBytes)) {
    convert(ZEncoding::kSkiplist);
  }
  if (big_) {
    big_->insert(member, score);
  } else {
    lp_.insert(member, score);
  }
  return {ZAddOutcome::kAdded, score};
}

bool ZSet::erase(std::string_view member) {
  return big_ ? big_->erase(member) : lp_.erase(member);
}

std::optional<size_t> ZSet::rank(std::string_view member, bool reverse) const {
  size_t r;
  if (big_) {
    const Member* m = big_->find(member);
    if (m == nullptr) return std::nullopt;
    r = big_->tree().rank_of(m->score(), m->view());
  } else {
    const auto f = lp_.find(member);
    if (!f) return std::nullopt;
    r = f->rank;
  }
  return reverse ? size() - 1 - r : r;
}

ZSet::Entry ZSet::at_rank(size_t rank) const {
  if (big_) {
    const ZEntry& e = big_->tree().at(rank);
    return {e.member->view(), e.score};
  }
  const ZListpack::View v = lp_.at(rank);
  return {v.member, v.score};
}

void ZSet::for_each(Visitor fn) const {
  if (size() == 0) return;
  with_view([&](const auto& v) {
    v.visit(0, false, [&](std::string_view m, double s) {
      fn(m, s);
      return true;
    });
  });
}

void ZSet::erase_ranks(size_t from, size_t count) {
  if (count == 0) return;
  if (big_) {
    big_->erase_ranks(from, count);
  } else {
    lp_.erase_ranks(from, count);
  }
}

void ZSet::convert(ZEncoding to) {
  if (to == encoding()) return;
  if (to == ZEncoding::kSkiplist) {
    auto big = std::make_unique<ZIndexed>();
    big->reserve(lp_.size());
    if (lp_.size() > 0) {
      lp_.visit(0, false, [&](const ZListpack::View& v) {
        big->insert(v.member, v.score);
        return true;
      });
    }
    lp_ = ZListpack();
    big_ = std::move(big);
    return;
  }
  ZListpack lp;
  // Ascending order: each insert lands at the end after a scan of the buffer (sets this small only).
  for_each([&](std::string_view m, double s) { lp.insert(m, s); });
  big_.reset();
  lp_ = std::move(lp);
}

bool ZSet::maybe_convert_to_listpack(const ZSetLimits& limits) {
  if (!big_ || big_->size() > limits.max_listpack_entries) return false;
  size_t max_len = 0, total = 0;
  for_each([&](std::string_view m, double) {
    if (m.size() > max_len) max_len = m.size();
    total += m.size();
  });
  if (max_len > limits.max_listpack_value || total > kListpackSafetyBytes) return false;
  convert(ZEncoding::kListpack);
  return true;
}

size_t ZSet::memory_usage() const {
  if (big_) return sizeof(*this) + big_->memory_usage();
  return sizeof(*this) + lp_.allocated_bytes();
}

bool ZSet::check() const {
  return !big_ || big_->tree().check();
}

}  // namespace codis::server::ds
